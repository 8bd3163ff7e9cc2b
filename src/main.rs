fn main() -> std::process::ExitCode {
    shopbridge::server::cli::main()
}
