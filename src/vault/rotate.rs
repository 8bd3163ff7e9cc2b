//! `shopbridge key rotate`: every sealed value is re-sealed under a new key in one transaction.
//! The new key is written to `master.key.next` before the transaction and renamed over
//! `master.key` after the commit, so an interruption at any point loses nothing: before the
//! commit the old key still opens everything; after it, start-up finishes the rename.

use sqlx::AnyPool;

use super::keyfile::{key_path, next_key_path, open_vault, write_key_file};
use super::seal::{MasterKey, Sealer, Slot};
use crate::server::config::Config;

/// Every sealed column: table, row id column, sealed column, slot field name.
pub const SEALED_COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("vault_meta", "id", "canary", "canary"),
    ("ozon_credentials", "id", "api_key_sealed", "api_key"),
    ("platform_apps", "platform", "secret_sealed", "app_secret"),
    (
        "platform_accounts",
        "id",
        "access_token_sealed",
        "access_token",
    ),
    (
        "platform_accounts",
        "id",
        "refresh_token_sealed",
        "refresh_token",
    ),
];

/// What a rotation did.
#[derive(Debug)]
pub struct Rotation {
    pub old_key_id: String,
    pub new_key_id: String,
    pub resealed: usize,
}

/// Re-seals every secret under a fresh key. `fail_after` interrupts the transaction after that
/// many values (tests use it to prove an interruption loses nothing).
pub async fn rotate_master_key(
    pool: &AnyPool,
    config: &Config,
    fail_after: Option<usize>,
) -> anyhow::Result<Rotation> {
    let old = open_vault(pool, config).await?;
    let new_key = MasterKey::generate();
    let next = next_key_path(&config.data_dir);
    write_key_file(&next, &new_key)?;
    let new = Sealer::new(new_key);

    let mut tx = crate::server::db::begin_write(pool).await?;
    let mut resealed = 0;
    for (table, id_col, col, field) in SEALED_COLUMNS {
        let rows: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT CAST({id_col} AS TEXT), {col} FROM {table} WHERE {col} IS NOT NULL"
        ))
        .fetch_all(&mut *tx)
        .await?;
        for (row, sealed) in rows {
            let slot = Slot::new(table, &row, field);
            let plain = old
                .open(&slot, &sealed)
                .map_err(|e| anyhow::anyhow!("{table} 第 {row} 行无法解开：{e}"))?;
            // The id as read (text), compared as text: one statement for integer and text ids.
            sqlx::query(&format!(
                "UPDATE {table} SET {col} = $1 WHERE CAST({id_col} AS TEXT) = $2"
            ))
            .bind(new.seal(&slot, &plain))
            .bind(&row)
            .execute(&mut *tx)
            .await?;
            resealed += 1;
            if fail_after == Some(resealed) {
                anyhow::bail!("轮换在第 {resealed} 个密文后中断（测试）");
            }
        }
    }
    tx.commit().await?;
    if config.master_key.is_none() {
        std::fs::rename(&next, key_path(&config.data_dir))?;
    }
    Ok(Rotation {
        old_key_id: old.key_id().to_string(),
        new_key_id: new.key_id().to_string(),
        resealed,
    })
}
