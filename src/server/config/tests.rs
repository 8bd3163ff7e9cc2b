//! Configuration tests: defaults, every variable's refusal, secrets kept out of Debug.

use super::*;

fn config_with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    })
}

#[test]
fn defaults_match_the_design() {
    let config = config_with(&[]).expect("defaults are valid");
    assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
    assert_eq!(config.public_url, "http://127.0.0.1:3000");
    assert_eq!(config.media_public_url, "http://127.0.0.1:3000/media");
    assert_eq!(config.storage_url, "file://./data/media");
    assert_eq!(config.session_idle_minutes, 480);
    assert!(!config.is_https());
}

#[test]
fn bad_values_name_their_variable() {
    let cases = [
        ("SHOPBRIDGE_BIND", "localhost"),
        ("SHOPBRIDGE_PUBLIC_URL", "ftp://x"),
        ("SHOPBRIDGE_OZON_API_URL", "api-seller.ozon.ru"),
        ("SHOPBRIDGE_STORAGE_URL", "/tmp/media"),
        ("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "maybe"),
        ("SHOPBRIDGE_LOG_FORMAT", "xml"),
        ("SHOPBRIDGE_SESSION_IDLE_MINUTES", "0"),
        ("SHOPBRIDGE_MASTER_KEY", "bm90LWEta2V5"),
        ("SHOPBRIDGE_API_RATE_PER_MINUTE", "lots"),
        ("SHOPBRIDGE_OZON_RPS", "500"),
        ("SHOPBRIDGE_DOWNLOAD_CONCURRENCY", "0"),
        ("SHOPBRIDGE_DOWNLOAD_MAX_MB", "huge"),
        ("SHOPBRIDGE_S3_ENDPOINT", "minio:9000"),
    ];
    for (var, value) in cases {
        let err = config_with(&[(var, value)]).expect_err(var);
        assert_eq!(err.var, var);
        assert!(err.to_string().contains(var), "{err}");
    }
}

#[test]
fn a_bad_master_key_is_never_echoed() {
    let err = config_with(&[("SHOPBRIDGE_MASTER_KEY", "c2VjcmV0LWJ1dC1zaG9ydA==")])
        .expect_err("short key");
    assert!(!err.to_string().contains("c2VjcmV0"), "{err}");
    let key = crate::vault::seal::MasterKey::generate();
    let config = config_with(&[("SHOPBRIDGE_MASTER_KEY", &key.to_base64())]).expect("valid");
    assert_eq!(
        config.master_key.map(|k| k.id().to_string()),
        Some(key.id().to_string())
    );
}

#[test]
fn https_public_url_means_secure_cookies() {
    let config =
        config_with(&[("SHOPBRIDGE_PUBLIC_URL", "https://shop.example.com/")]).expect("valid");
    assert_eq!(config.public_url, "https://shop.example.com");
    assert!(config.is_https());
}

#[test]
fn debug_output_holds_no_secret() {
    let config = config_with(&[
        (
            "SHOPBRIDGE_ALERT_WEBHOOK_URL",
            "https://hooks.example.com/T0/B0/hook-secret-1",
        ),
        ("SHOPBRIDGE_TELEGRAM_BOT_TOKEN", "123456:tg-secret-2"),
        ("AWS_SECRET_ACCESS_KEY", "s3-secret-3"),
        (
            "SHOPBRIDGE_MASTER_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ),
    ])
    .expect("valid");
    let text = format!("{config:?}");
    for secret in [
        "hook-secret-1",
        "tg-secret-2",
        "s3-secret-3",
        "AAAAAAAAAAAAAAAA",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let tokens = crate::douyin::wire::Tokens {
        access_token: "act.secret-4".into(),
        refresh_token: "rft.secret-5".into(),
        ..Default::default()
    };
    let text = format!("{tokens:?}");
    assert!(
        !text.contains("secret-4") && !text.contains("secret-5"),
        "{text}"
    );
}

#[test]
fn own_origins_come_from_the_public_url_or_the_bound_address() {
    let bound: SocketAddr = "127.0.0.1:4321".parse().expect("addr");
    let set = config_with(&[("SHOPBRIDGE_PUBLIC_URL", "https://shop.example.com")]).expect("valid");
    assert_eq!(
        set.own_origins(Some(bound)),
        vec!["https://shop.example.com"]
    );
    let unset = config_with(&[]).expect("valid");
    let origins = unset.own_origins(Some(bound));
    assert!(origins.contains(&"http://127.0.0.1:3000".to_string()));
    assert!(origins.contains(&"http://localhost:4321".to_string()));
    assert!(!origins.iter().any(|o| o.contains("evil")));
    let lan: SocketAddr = "192.168.1.5:3000".parse().expect("addr");
    assert!(unset
        .own_origins(Some(lan))
        .contains(&"http://192.168.1.5:3000".to_string()));
}
