//! SQL for users, login attempts and the audit log. Each function takes a pool.

use sqlx::{AnyPool, FromRow};

use super::{AuditEntry, CurrentUser, Role, UserSummary};
use crate::common::clock::now_unix;
use crate::ui::time::format_timestamp;

#[derive(Debug, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    #[sqlx(try_from = "crate::server::db::Flag")]
    pub disabled: bool,
    pub created_at: i64,
    /// Moves on with every password change; a session from an older generation is over.
    pub session_gen: i64,
}

impl UserRow {
    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Staff),
        }
    }

    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id,
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: Role::parse(&self.role).unwrap_or(Role::Staff),
            disabled: self.disabled,
            created_at: format_timestamp(self.created_at),
        }
    }
}

const USER_COLUMNS: &str =
    "id, name, display_name, role, password_hash, disabled, created_at, session_gen FROM users";

pub async fn find_user_by_name(pool: &AnyPool, name: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} WHERE lower(name) = lower($1)"
    ))
    .bind(name)
    .fetch_optional(pool)
    .await
}

pub async fn find_user_by_id(pool: &AnyPool, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn list_users(pool: &AnyPool) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(&format!("SELECT {USER_COLUMNS} ORDER BY id"))
        .fetch_all(pool)
        .await
}

pub async fn count_users(pool: &AnyPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await
}

/// Inserts a user; `Ok(None)` when the name is taken.
pub async fn insert_user(
    pool: &AnyPool,
    name: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    let now = now_unix();
    sqlx::query_scalar(
        "INSERT INTO users (name, display_name, role, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(display_name)
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now)
    .bind(now)
    .fetch_optional(pool)
    .await
}

pub async fn set_password_hash(pool: &AnyPool, id: i64, hash: &str) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE users SET password_hash = $1, updated_at = $2, session_gen = session_gen + 1 \
         WHERE id = $3",
    )
    .bind(hash)
    .bind(now_unix())
    .bind(id)
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn set_disabled(pool: &AnyPool, id: i64, disabled: bool) -> sqlx::Result<bool> {
    let result = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
        .bind(disabled)
        .bind(now_unix())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn count_active_admins(pool: &AnyPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = FALSE")
        .fetch_one(pool)
        .await
}

/// Records an attempt as failed *before* its password is checked, in one statement that also
/// counts: answers its id, or `None` when this account or IP already has `max` failures since
/// `since` (so 40 parallel tries get at most `max` checks). `settle_attempt` records the outcome.
pub async fn begin_login_attempt(
    pool: &AnyPool,
    username: &str,
    ip: &str,
    since: i64,
    max: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO login_attempts (username, ip, success, checked, at) \
         SELECT lower($1), $2, FALSE, FALSE, $3 \
         WHERE (SELECT COUNT(*) FROM login_attempts WHERE username = lower($1) AND success = FALSE AND at >= $4) < $5 \
           AND (SELECT COUNT(*) FROM login_attempts \
                WHERE ip = $2 AND success = FALSE AND checked = TRUE AND at >= $4) < $5 \
         RETURNING id",
    )
    .bind(username)
    .bind(ip)
    .bind(now_unix())
    .bind(since)
    .bind(max)
    .fetch_optional(pool)
    .await
}

/// The attempt `id` has been checked: a success or a failure.
pub async fn settle_attempt(pool: &AnyPool, id: i64, success: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE login_attempts SET success = $1, checked = TRUE WHERE id = $2")
        .bind(success)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The attempt `id` never had its password checked (the server was busy): it does not count.
pub async fn drop_attempt(pool: &AnyPool, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_attempts WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Failed attempts since `since` for this account and for this IP, with the oldest of each.
pub async fn recent_failures(
    pool: &AnyPool,
    username: &str,
    ip: &str,
    since: i64,
) -> sqlx::Result<[(i64, Option<i64>); 2]> {
    let by_user: (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE username = lower($1) AND success = FALSE AND at >= $2",
    )
    .bind(username)
    .bind(since)
    .fetch_one(pool)
    .await?;
    let by_ip: (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM login_attempts \
         WHERE ip = $1 AND success = FALSE AND checked = TRUE AND at >= $2",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok([by_user, by_ip])
}

/// After a successful login the account's failure count starts again.
pub async fn clear_failures(pool: &AnyPool, username: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_attempts WHERE username = lower($1) AND success = FALSE")
        .bind(username)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn prune_login_attempts(pool: &AnyPool, before: i64) -> sqlx::Result<u64> {
    let result = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(before)
        .execute(pool)
        .await?;
    Ok(result.rows_affected())
}

/// Who did something, for the audit log.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: String,
    pub ip: String,
}

impl Actor {
    pub fn user(user: &CurrentUser, ip: &str) -> Self {
        Actor {
            id: Some(user.id),
            name: user.name.clone(),
            ip: ip.to_string(),
        }
    }

    pub fn cli() -> Self {
        Actor {
            id: None,
            name: "cli".into(),
            ip: String::new(),
        }
    }
}

pub async fn append_audit(
    pool: &AnyPool,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_unix())
    .bind(actor.id)
    .bind(&actor.name)
    .bind(action)
    .bind(target)
    .bind(detail)
    .bind(&actor.ip)
    .execute(pool)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_name: String,
    action: String,
    target: String,
    detail: String,
    ip: String,
}

/// The newest `limit` audit entries, optionally only one action.
pub async fn list_audit(
    pool: &AnyPool,
    action: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT id, at, actor_name, action, target, detail, ip FROM audit_log \
         WHERE ($1 IS NULL OR action = $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(action)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: format_timestamp(r.at),
            actor: r.actor_name,
            action: r.action,
            target: r.target,
            detail: r.detail,
            ip: r.ip,
        })
        .collect())
}
