//! The receipts of every Ozon call the pipeline makes, in the PRD's four log tables. Bodies are
//! redacted (no key, token, secret or password field survives) and capped in size.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::AnyPool;

/// Longest body kept per receipt.
const MAX_RECEIPT: usize = 16 * 1024;

/// `value` with every secret-looking field replaced, as compact JSON of at most 16 KB.
pub fn redact(value: &Value) -> String {
    fn walk(v: &Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let key = k.to_ascii_lowercase();
                        let secret = ["key", "token", "secret", "password", "authorization"]
                            .iter()
                            .any(|s| key.contains(s));
                        let v = if secret {
                            Value::String("***".into())
                        } else {
                            walk(v)
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(walk).collect()),
            other => other.clone(),
        }
    }
    let mut text = walk(value).to_string();
    if text.len() > MAX_RECEIPT {
        let mut cut = MAX_RECEIPT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("…（已截断）");
    }
    text
}

pub async fn media(
    pool: &AnyPool,
    offer_id: &str,
    url: &str,
    state: &str,
    reason: Option<&str>,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO media_import_log (offer_id, source_url, state, reason, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(offer_id)
    .bind(url)
    .bind(state)
    .bind(reason)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn import(
    pool: &AnyPool,
    offer_id: &str,
    request: &Value,
    response: Option<&Value>,
    state: &str,
    reason: Option<&str>,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO product_import_log (offer_id, request_json, response_json, state, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(offer_id)
    .bind(redact(request))
    .bind(response.map(redact))
    .bind(state)
    .bind(reason)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

pub struct PriceReceipt<'a> {
    pub offer_id: &'a str,
    pub currency: &'a str,
    pub price: &'a str,
    pub old_price: &'a str,
}

pub async fn price(
    pool: &AnyPool,
    p: &PriceReceipt<'_>,
    state: &str,
    reason: Option<&str>,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO price_log (offer_id, currency, price, old_price, state, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(p.offer_id)
    .bind(p.currency)
    .bind(p.price)
    .bind(p.old_price)
    .bind(state)
    .bind(reason)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn stock(
    pool: &AnyPool,
    offer_id: &str,
    product_id: Option<i64>,
    warehouse_id: i64,
    stock: i64,
    state: &str,
    reason: Option<&str>,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO stock_log (offer_id, product_id, warehouse_id, stock, state, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(offer_id)
    .bind(product_id)
    .bind(warehouse_id)
    .bind(stock)
    .bind(state)
    .bind(reason)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The last accepted price of a product: (price, old_price).
pub async fn last_price(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "SELECT price, old_price FROM price_log WHERE offer_id = $1 AND state = 'accepted' ORDER BY id DESC LIMIT 1",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await
}

/// One receipt as the product page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Receipt {
    pub kind: String,
    pub state: String,
    pub summary: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub at: i64,
}

/// The product's last 200 receipts, newest first.
pub async fn of_product(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Vec<Receipt>> {
    sqlx::query_as(
        "SELECT * FROM ( \
           SELECT 'media' AS kind, state, source_url AS summary, reason, NULL AS detail, created_at AS at, id FROM media_import_log WHERE offer_id = $1 \
           UNION ALL SELECT 'import', state, request_json, reason, response_json, created_at, id FROM product_import_log WHERE offer_id = $1 \
           UNION ALL SELECT 'price', state, price || ' ' || currency || CASE WHEN old_price NOT IN ('', '0') THEN '（原价 ' || old_price || '）' ELSE '' END, reason, NULL, created_at, id FROM price_log WHERE offer_id = $1 \
           UNION ALL SELECT 'stock', state, '仓库 ' || warehouse_id || '：' || stock, reason, NULL, created_at, id FROM stock_log WHERE offer_id = $1 \
         ) AS r ORDER BY at DESC, id DESC LIMIT 200",
    )
    .bind(offer_id)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_a_receipt() {
        let body = serde_json::json!({"Api-Key": "k-123", "items": [{"offer_id": "A", "access_token": "t"}], "client_secret": "s"});
        let text = redact(&body);
        assert!(
            !text.contains("k-123") && !text.contains("\"t\"") && !text.contains("\"s\""),
            "{text}"
        );
        assert!(text.contains("\"offer_id\":\"A\""), "{text}");
        let huge = serde_json::json!({"name": "名".repeat(20_000)});
        let cut = redact(&huge);
        assert!(cut.len() <= MAX_RECEIPT + 32 && cut.ends_with("（已截断）"));
    }
}
