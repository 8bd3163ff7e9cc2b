//! Alerts: image or import failures, refused prices or stocks, reconciliation differences, an
//! exhausted quota, an expiring Api-Key. Each is stored once per kind and subject per hour
//! (deduplicated); delivery runs at most once a minute, so a bad night sends one digest instead of
//! a thousand messages. Channels: a Telegram bot (`sendMessage`, base URL from config) and/or a
//! webhook (POST JSON). Neither configured: the alerts are only listed on the board.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;

use crate::common::secret::Secret;
use crate::common::url::origin_of;

/// Where alerts go: a Telegram bot (`sendMessage`) and/or a webhook (POST JSON). Neither set
/// means alerts are only shown on the pages.
#[derive(Clone)]
pub struct AlertSettings {
    pub telegram_api_url: String,
    pub telegram_token: Option<Secret>,
    pub telegram_chat_id: Option<String>,
    pub webhook_url: Option<String>,
}

/// A webhook URL often carries its token in the path or query: only its origin is shown.
impl std::fmt::Debug for AlertSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertSettings")
            .field("telegram_api_url", &self.telegram_api_url)
            .field("telegram_token", &self.telegram_token)
            .field("telegram_chat_id", &self.telegram_chat_id)
            .field(
                "webhook_url",
                &self
                    .webhook_url
                    .as_deref()
                    .map(|u| format!("{}/[REDACTED]", origin_of(u))),
            )
            .finish()
    }
}

/// One alert per kind and subject within this window.
pub const DEDUP_SECS: i64 = 3600;
/// At most one delivery per this many seconds.
pub const DIGEST_SECS: i64 = 60;
/// Lines a digest lists before "and N more".
const DIGEST_LINES: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Alert {
    pub kind: String,
    pub subject: String,
    pub message: String,
    pub at: i64,
}

#[derive(Clone)]
pub struct Alerts {
    settings: Arc<AlertSettings>,
    http: reqwest::Client,
    last: Arc<Mutex<i64>>,
}

impl Alerts {
    pub fn new(settings: AlertSettings) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Alerts {
            settings: Arc::new(settings),
            http,
            last: Arc::new(Mutex::new(i64::MIN)),
        }
    }

    /// Records an alert unless the same kind and subject was raised within the hour.
    pub async fn raise(
        &self,
        pool: &AnyPool,
        kind: &str,
        subject: &str,
        message: &str,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO listing_alerts (kind, subject, message, created_at) \
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM listing_alerts \
             WHERE kind = $1 AND subject = $2 AND created_at > $4 - $5)",
        )
        .bind(kind)
        .bind(subject)
        .bind(message)
        .bind(now)
        .bind(DEDUP_SECS)
        .execute(pool)
        .await?;
        Ok(())
    }

    /// Sends what is waiting, as one message or one digest, at most once per minute.
    pub async fn deliver(&self, pool: &AnyPool, now: i64) {
        {
            let Ok(mut last) = self.last.lock() else {
                return;
            };
            if now.saturating_sub(*last) < DIGEST_SECS {
                return;
            }
            *last = now;
        }
        // Several nodes: one delivers a digest, so nobody gets each alert once per node.
        let held = match super::lease::hold(pool, "alerts:deliver", crate::common::lease::TTL).await
        {
            Ok(Some(held)) => held,
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, "alert lease not taken");
                return;
            }
        };
        if let Err(err) = self.deliver_waiting(pool, now).await {
            tracing::warn!(error = %err, "alert delivery failed");
        }
        held.release().await;
    }

    async fn deliver_waiting(&self, pool: &AnyPool, now: i64) -> sqlx::Result<()> {
        let waiting: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT id, kind, subject, message, created_at FROM listing_alerts WHERE sent_at IS NULL ORDER BY id",
        )
        .fetch_all(pool)
        .await?;
        let Some(last_id) = waiting.last().map(|w| w.0) else {
            return Ok(());
        };
        let alerts: Vec<Alert> = waiting
            .into_iter()
            .map(|(_, kind, subject, message, at)| Alert {
                kind,
                subject,
                message,
                at,
            })
            .collect();
        self.send(&alerts).await;
        sqlx::query("UPDATE listing_alerts SET sent_at = $1 WHERE sent_at IS NULL AND id <= $2")
            .bind(now)
            .bind(last_id)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn send(&self, alerts: &[Alert]) {
        let text = digest(alerts);
        let s = &self.settings;
        if let (Some(token), Some(chat)) = (&s.telegram_token, &s.telegram_chat_id) {
            let url = format!("{}/bot{}/sendMessage", s.telegram_api_url, token.expose());
            let body = serde_json::json!({"chat_id": chat, "text": text});
            match self.http.post(url).json(&body).send().await {
                Ok(res) if res.status().is_success() => {}
                Ok(res) => {
                    tracing::warn!(status = res.status().as_u16(), "Telegram refused the alert")
                }
                Err(err) => tracing::warn!(error = %err.without_url(), "Telegram alert not sent"),
            }
        }
        if let Some(url) = &s.webhook_url {
            let body = serde_json::json!({"source": "shopbridge", "count": alerts.len(), "text": text, "alerts": alerts});
            match self.http.post(url).json(&body).send().await {
                Ok(res) if res.status().is_success() => {}
                Ok(res) => tracing::warn!(status = res.status().as_u16(), "alert webhook refused"),
                Err(err) => tracing::warn!(error = %err.without_url(), "alert webhook not reached"),
            }
        }
    }
}

/// One alert as is; several as a counted digest of at most 20 lines.
pub fn digest(alerts: &[Alert]) -> String {
    if let [one] = alerts {
        return format!("ShopBridge 上架提醒：{}", one.message);
    }
    let mut text = format!("ShopBridge 上架提醒：共 {} 条", alerts.len());
    for a in alerts.iter().take(DIGEST_LINES) {
        text.push_str("\n· ");
        text.push_str(&a.message);
    }
    if alerts.len() > DIGEST_LINES {
        text.push_str(&format!(
            "\n……以及另外 {} 条，详见上架流程页面",
            alerts.len() - DIGEST_LINES
        ));
    }
    text
}

/// The latest alerts, newest first (for the board).
pub async fn recent(pool: &AnyPool, limit: i64) -> sqlx::Result<Vec<Alert>> {
    sqlx::query_as(
        "SELECT kind, subject, message, created_at AS at FROM listing_alerts ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_alerts_become_one_digest() {
        let a = |n: usize| Alert {
            kind: "import".into(),
            subject: format!("A-{n}"),
            message: format!("A-{n} 失败"),
            at: 0,
        };
        assert_eq!(digest(&[a(1)]), "ShopBridge 上架提醒：A-1 失败");
        let many: Vec<Alert> = (0..25).map(a).collect();
        let text = digest(&many);
        assert!(text.starts_with("ShopBridge 上架提醒：共 25 条"));
        assert_eq!(text.lines().count(), 1 + 20 + 1);
        assert!(text.ends_with("……以及另外 5 条，详见上架流程页面"));
    }
}
