//! The command line: `serve` (default), `migrate`, `user add`, `user passwd`.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

use super::config::Config;
use super::{db, startup, telemetry};
use crate::auth::store::{self, Actor};
use crate::auth::{service, Role};

#[derive(Parser, Debug)]
#[command(name = "shopbridge", version, about = "ShopBridge 跨境电商后台")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server (the default)
    Serve,
    /// Apply database migrations and exit
    Migrate,
    /// Manage staff accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage REST API keys
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Manage the master key
    #[command(subcommand)]
    Key(KeyCommand),
    /// Run ShopBridge on its simulators with seeded demo data (no real account needed)
    #[cfg(feature = "sim")]
    Demo {
        /// Port on 127.0.0.1
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Where the demo keeps its data (delete it to start over)
        #[arg(long, default_value = "./demo-data")]
        data_dir: std::path::PathBuf,
        /// Also seed this many products (and ten times as many orders) to see ShopBridge at volume
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=2_000_000))]
        scale: u32,
    },
    /// Run the marketplace simulator on loopback (tests and demo)
    #[cfg(feature = "sim")]
    Sim(crate::sim::cli::SimArgs),
}

#[derive(Subcommand, Debug)]
enum ApiKeyCommand {
    /// Create a key; it is printed once, alone on the last line
    Create { name: String },
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
    /// Re-seal every secret under a new master key (stop the server first)
    Rotate,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user; the password comes from SHOPBRIDGE_PASSWORD or a prompt
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "staff"])]
        role: String,
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// Set a user's password; from SHOPBRIDGE_PASSWORD or a prompt
    Passwd { name: String },
}

/// Entry point behind `main.rs`.
pub fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    let serving = match cli.command {
        None | Some(Command::Serve) => true,
        #[cfg(feature = "sim")]
        Some(Command::Demo { .. }) => true,
        _ => false,
    };
    if serving {
        let ansi = std::io::stdout().is_terminal();
        telemetry::init_tracing(config.log_format, ansi, std::io::stdout);
    } else {
        let ansi = std::io::stderr().is_terminal();
        telemetry::init_tracing(config.log_format, ansi, std::io::stderr);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("无法启动运行时：{err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("错误：{err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            // Check the data-dir lock before taking the port, so the clearer message wins.
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("无法创建数据目录 {}", config.data_dir.display()))?;
            drop(super::lock::lock_data_dir(&config.data_dir)?);
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .with_context(|| format!("无法监听 {}（SHOPBRIDGE_BIND）", config.bind))?;
            startup::run(config, listener, crate::common::shutdown::shutdown_signal()).await
        }
        #[cfg(feature = "sim")]
        Command::Demo {
            port,
            data_dir,
            scale,
        } => super::demo::run(port, data_dir, scale as usize).await,
        Command::Migrate => {
            open_pool(&config).await?;
            match &config.database_url {
                Some(_) => println!("数据库已是最新（SHOPBRIDGE_DATABASE_URL）"),
                None => println!("数据库已是最新：{}", config.db_path().display()),
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            name,
            role,
            display_name,
        }) => {
            let pool = open_pool(&config).await?;
            let role = Role::parse(&role).context("角色应为 admin 或 staff")?;
            let password = read_password()?;
            service::create_user(&pool, &Actor::cli(), &name, &display_name, role, password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已添加用户 {}（{}）", name.trim(), role.label());
            Ok(())
        }
        Command::ApiKey(ApiKeyCommand::Create { name }) => {
            let pool = open_pool(&config).await?;
            let key = crate::vault::api_keys::create_api_key(&pool, &Actor::cli(), &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已创建 API 密钥「{}」。它只显示这一次：", name.trim());
            println!("{key}");
            Ok(())
        }
        Command::Key(KeyCommand::Rotate) => {
            std::fs::create_dir_all(&config.data_dir)?;
            let _lock = super::lock::lock_data_dir(&config.data_dir)
                .context("轮换主密钥前请先停止 ShopBridge 服务")?;
            let pool = open_pool(&config).await?;
            // Nodes sharing PostgreSQL lock no data dir; each holds a `node:` lease while it runs.
            let live = crate::common::lease::live_nodes(&pool).await?;
            if live > 0 {
                anyhow::bail!("轮换主密钥前请先停止 ShopBridge 服务（还有 {live} 个节点在运行）");
            }
            let rotation = crate::vault::rotate::rotate_master_key(&pool, &config, None).await?;
            let detail = format!(
                "{} → {}，{} 个密文",
                rotation.old_key_id, rotation.new_key_id, rotation.resealed
            );
            store::append_audit(&pool, &Actor::cli(), "key_rotate", "master.key", &detail).await?;
            println!("主密钥已轮换：{detail}");
            if config.master_key.is_some() {
                let next = crate::vault::keyfile::next_key_path(&config.data_dir);
                println!(
                    "新密钥保存在 {}。请把 SHOPBRIDGE_MASTER_KEY 改为该文件的内容，然后删除该文件。",
                    next.display()
                );
            }
            Ok(())
        }
        #[cfg(feature = "sim")]
        Command::Sim(args) => crate::sim::cli::run(args).await,
        Command::User(UserCommand::Passwd { name }) => {
            let pool = open_pool(&config).await?;
            let user = store::find_user_by_name(&pool, name.trim())
                .await?
                .with_context(|| format!("用户 {name} 不存在"))?;
            let password = read_password()?;
            service::set_password(&pool, &Actor::cli(), user.id, password, "password_reset")
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("已更新 {} 的密码", user.name);
            Ok(())
        }
    }
}

async fn open_pool(config: &Config) -> anyhow::Result<sqlx::AnyPool> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("无法创建数据目录 {}", config.data_dir.display()))?;
    db::open(config).await
}

/// `SHOPBRIDGE_PASSWORD`, or asked twice on the terminal.
fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("SHOPBRIDGE_PASSWORD") {
        return Ok(password);
    }
    let first = rpassword::prompt_password("密码（至少 10 个字符）：").context("无法读取密码")?;
    let second = rpassword::prompt_password("再次输入密码：").context("无法读取密码")?;
    if first != second {
        bail!("两次输入的密码不一致");
    }
    Ok(first)
}
