//! The simulator answers from `fixtures/`, a copy of the shared recordings. When the shared
//! folder is beside the repository (developers, CI), the copy must not have drifted.

use std::path::Path;

#[test]
fn fixtures_match_the_shared_recordings() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if !shared.exists() {
        // CI always has shared/ beside the clone; elsewhere the copy is all there is.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/fixtures"
        );
        eprintln!("../shared/fixtures not present; comparison not possible here");
        return;
    }
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut compared = 0;
    for platform in ["ozon", "douyin"] {
        let dir = shared.join(platform);
        for entry in std::fs::read_dir(&dir).expect("shared fixtures") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("name");
            let copy = ours.join(platform).join(name);
            let expected = std::fs::read(&path).expect("shared file");
            let actual = std::fs::read(&copy).unwrap_or_default();
            assert!(
                expected == actual,
                "{} differs from the shared copy",
                copy.display()
            );
            compared += 1;
        }
    }
    let swagger = "wire/ozon-swagger-2026-04-30.json";
    let shared_swagger = std::fs::read(shared.join("..").join(swagger)).expect("shared swagger");
    let our_swagger = std::fs::read(ours.join(swagger)).unwrap_or_default();
    assert!(
        shared_swagger == our_swagger,
        "fixtures/{swagger} differs from ../shared/{swagger}"
    );
    compared += 1;
    assert!(compared > 20, "compared {compared} files");
}
