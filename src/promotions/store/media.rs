//! A promotion's uploaded files: their rows in `promotion_media` (the bytes are in the store).

use sqlx::AnyPool;

/// The state of promotion `id`, if it exists (files may change in `draft` and `failed`).
pub async fn state_of(pool: &AnyPool, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT state FROM promotions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// How many pictures the promotion has.
pub async fn image_count(pool: &AnyPool, id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM promotion_media WHERE promotion_id = $1 AND role = 'image'",
    )
    .bind(id)
    .fetch_one(pool)
    .await
}

/// Removes the promotion's file of `role` (its video or cover); answers the object keys to
/// delete.
pub async fn take_role(pool: &AnyPool, id: i64, role: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "DELETE FROM promotion_media WHERE promotion_id = $1 AND role = $2 RETURNING object_key",
    )
    .bind(id)
    .bind(role)
    .fetch_all(pool)
    .await
}

/// One stored file.
pub struct NewMedia<'a> {
    pub role: &'a str,
    pub key: &'a str,
    pub file_name: &'a str,
    pub size: i64,
    pub duration_ms: Option<i64>,
}

/// Adds a file after the promotion's others.
pub async fn add(pool: &AnyPool, id: i64, m: &NewMedia<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO promotion_media (promotion_id, role, object_key, file_name, size, \
         duration_ms, position, created_at) VALUES ($1, $2, $3, $4, $5, $6, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM promotion_media WHERE promotion_id = $1), $7)",
    )
    .bind(id)
    .bind(m.role)
    .bind(m.key)
    .bind(m.file_name)
    .bind(m.size)
    .bind(m.duration_ms)
    .bind(crate::common::clock::now_unix())
    .execute(pool)
    .await?;
    Ok(())
}
