//! The master key: `SHOPBRIDGE_MASTER_KEY`, or `$DATA_DIR/master.key` (mode 0600, created on
//! first run). Start-up refuses a key file others can read, and a key that cannot open the
//! secrets already stored.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sqlx::AnyPool;

use super::seal::{MasterKey, Sealer, Slot};
use crate::common::secret::Secret;
use crate::server::config::Config;

pub const KEY_FILE: &str = "master.key";
/// A rotation writes the new key here first and renames it over `master.key` once committed.
pub const NEXT_KEY_FILE: &str = "master.key.next";
const CANARY: &str = "shopbridge-vault-canary";

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

pub fn next_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(NEXT_KEY_FILE)
}

pub fn canary_slot() -> Slot {
    Slot::new("vault_meta", 1, "canary")
}

/// Writes `key` to `path` with mode 0600, replacing any file there, and syncs it to disk.
pub fn write_key_file(path: &Path, key: &MasterKey) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("无法写入主密钥文件 {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    writeln!(file, "{}", key.to_base64())?;
    file.sync_all()?;
    Ok(())
}

/// Reads a key file after checking that only its owner can read it.
pub fn read_key_file(path: &Path) -> anyhow::Result<MasterKey> {
    let mode = std::fs::metadata(path)
        .with_context(|| format!("无法读取主密钥文件 {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "主密钥文件 {0} 的权限是 {1:o}，组或其他用户可以读取。请执行 chmod 600 {0} 后再启动。",
            path.display(),
            mode & 0o777
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取主密钥文件 {}", path.display()))?;
    MasterKey::from_base64(&text).with_context(|| {
        format!(
            "主密钥文件 {} 内容无效：应为 base64 编码的 32 字节密钥",
            path.display()
        )
    })
}

/// The configured key, or the key file, created on first run.
pub fn load_or_create_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(key) = &config.master_key {
        return Ok(key.clone());
    }
    let path = key_path(&config.data_dir);
    if !path.exists() {
        let key = MasterKey::generate();
        write_key_file(&path, &key)?;
        tracing::info!(path = %path.display(), key_id = key.id(), "已创建主密钥文件");
        return Ok(key);
    }
    read_key_file(&path)
}

/// Loads the master key, finishes a rotation that was interrupted after its commit, and proves
/// the key against the stored canary (writing one on first run).
pub async fn open_vault(pool: &AnyPool, config: &Config) -> anyhow::Result<Sealer> {
    let sealer = Sealer::new(load_or_create_key(config)?);
    let canary: Option<String> = sqlx::query_scalar("SELECT canary FROM vault_meta WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    let Some(canary) = canary else {
        let sealed = sealer.seal(&canary_slot(), &Secret::new(CANARY));
        sqlx::query("INSERT INTO vault_meta (id, canary) VALUES (1, $1)")
            .bind(sealed)
            .execute(pool)
            .await?;
        return Ok(sealer);
    };
    let next = next_key_path(&config.data_dir);
    match sealer.open(&canary_slot(), &canary) {
        Ok(_) => {
            // A rotation that never committed leaves its unused key behind; with an
            // environment key, the file is the copy the operator already installed.
            if next.exists() {
                let installed = read_key_file(&next).is_ok_and(|k| k.id() == sealer.key_id());
                std::fs::remove_file(&next)?;
                if !installed {
                    tracing::warn!("上次密钥轮换没有提交，已保留原密钥");
                }
            }
            Ok(sealer)
        }
        Err(err) => finish_committed_rotation(config, &next, &canary).with_context(|| {
            format!(
                "主密钥无法解开已保存的密文（{err}）。请确认 SHOPBRIDGE_MASTER_KEY 或 {} \
                     就是加密这些数据时的密钥；换用新密钥会让已保存的凭证无法使用。",
                key_path(&config.data_dir).display()
            )
        }),
    }
}

/// The database was re-sealed under the key in `next` but the key file was not yet replaced.
fn finish_committed_rotation(config: &Config, next: &Path, canary: &str) -> anyhow::Result<Sealer> {
    if !next.exists() {
        bail!("没有可用的新密钥文件");
    }
    let sealer = Sealer::new(read_key_file(next)?);
    sealer
        .open(&canary_slot(), canary)
        .map_err(|e| anyhow::anyhow!("{NEXT_KEY_FILE} 也无法解开：{e}"))?;
    if config.master_key.is_some() {
        bail!(
            "密钥轮换已提交，新密钥保存在 {}。请把 SHOPBRIDGE_MASTER_KEY 改为该文件的内容后再启动。",
            next.display()
        );
    }
    std::fs::rename(next, key_path(&config.data_dir))?;
    tracing::warn!(key_id = sealer.key_id(), "已完成上次中断的密钥轮换");
    Ok(sealer)
}
