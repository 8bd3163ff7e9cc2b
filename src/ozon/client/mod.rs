//! HTTP client for the Ozon Seller API. Every request sends `Client-Id` and `Api-Key`; the base
//! URL comes from `SHOPBRIDGE_OZON_API_URL`.

mod answer;
pub use answer::classify;
pub mod catalog;
pub mod commerce;
pub mod de;
mod error;
pub mod paging;
pub mod products;

use std::time::Duration;

use serde::Deserialize;

pub use error::OzonError;

use catalog::*;
use commerce::*;
use products::*;

use crate::common::backoff::backoff;
use crate::common::pacer::Pacer;
use crate::common::secret::Secret;

/// A seller's credentials, opened from the vault or taken from a REST request.
#[derive(Clone, Debug)]
pub struct OzonCredentials {
    pub client_id: String,
    pub api_key: Secret,
}

const MAX_TRIES: u32 = 3;

#[derive(Clone, Debug)]
pub struct OzonClient {
    http: reqwest::Client,
    base: String,
    pacer: std::sync::Arc<Pacer>,
    /// `/v2/products/stocks` allows 80 requests a minute per account.
    stocks_pacer: std::sync::Arc<Pacer>,
}

/// `POST /v1/roles`: the key's roles and, since 2026, when it expires.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RolesResponse {
    #[serde(default, deserialize_with = "de::list")]
    pub roles: Vec<Role>,
    #[serde(default, deserialize_with = "de::null_default")]
    pub expires_at: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Role {
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::list")]
    pub methods: Vec<String>,
}

impl OzonClient {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Self::with_timeout(base, Duration::from_secs(30))
    }

    /// Paces every Client-Id to `per_second` requests (Ozon allows 50).
    pub fn with_rate(mut self, per_second: u32) -> Self {
        self.pacer = std::sync::Arc::new(Pacer::new(per_second));
        self
    }

    /// A client whose requests give up after `timeout` (connect: 5 s at most).
    pub fn with_timeout(base: &str, timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ShopBridge/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OzonClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            pacer: std::sync::Arc::new(Pacer::new(50)),
            stocks_pacer: std::sync::Arc::new(Pacer::every(Duration::from_millis(750))),
        })
    }

    /// The same paces (50 requests a second, 80 stock writes a minute per Client-Id) kept in
    /// the database, shared by every node on it.
    pub fn with_shared_pace(mut self, pool: sqlx::AnyPool, per_second: u32) -> Self {
        self.pacer = std::sync::Arc::new(Pacer::new(per_second).shared(pool.clone(), "ozon"));
        self.stocks_pacer = std::sync::Arc::new(
            Pacer::every(Duration::from_millis(750)).shared(pool, "ozon-stocks"),
        );
        self
    }

    /// Waits until `/v2/products/stocks` may be called again (80 a minute per account).
    pub async fn stocks_ready(&self) {
        self.stocks_pacer.idle().await;
    }

    /// Checks a credential: its roles and expiry.
    pub async fn roles(&self, creds: &OzonCredentials) -> Result<RolesResponse, OzonError> {
        self.call(creds, "/v1/roles", &serde_json::json!({})).await
    }

    pub async fn product_list(
        &self,
        c: &OzonCredentials,
        r: &ProductListRequest,
    ) -> Result<ProductListResponse, OzonError> {
        self.call(c, "/v3/product/list", r).await
    }

    pub async fn product_info(
        &self,
        c: &OzonCredentials,
        r: &ProductInfoRequest,
    ) -> Result<ProductInfoResponse, OzonError> {
        self.call(c, "/v3/product/info/list", r).await
    }

    pub async fn pictures_info(
        &self,
        c: &OzonCredentials,
        r: &PicturesInfoRequest,
    ) -> Result<PicturesInfoResponse, OzonError> {
        self.call(c, "/v2/product/pictures/info", r).await
    }

    pub async fn pictures_import(
        &self,
        c: &OzonCredentials,
        r: &PicturesImportRequest,
    ) -> Result<TaskIdResponse, OzonError> {
        self.call(c, "/v2/product/pictures/import", r).await
    }

    pub async fn import_products(
        &self,
        c: &OzonCredentials,
        r: &ImportRequest,
    ) -> Result<ImportResponse, OzonError> {
        self.call_once(c, "/v3/product/import", r).await
    }

    pub async fn import_info(
        &self,
        c: &OzonCredentials,
        r: &ImportInfoRequest,
    ) -> Result<ImportInfoResponse, OzonError> {
        self.call(c, "/v1/product/import/info", r).await
    }

    pub async fn import_by_sku(
        &self,
        c: &OzonCredentials,
        r: &ImportBySkuRequest,
    ) -> Result<ImportBySkuResponse, OzonError> {
        self.call_once(c, "/v1/product/import-by-sku", r).await
    }

    pub async fn import_prices(
        &self,
        c: &OzonCredentials,
        r: &PricesRequest,
    ) -> Result<UpdateResponse, OzonError> {
        self.call(c, "/v1/product/import/prices", r).await
    }

    pub async fn update_stocks(
        &self,
        c: &OzonCredentials,
        r: &StocksRequest,
    ) -> Result<UpdateResponse, OzonError> {
        self.call(c, "/v2/products/stocks", r).await
    }

    pub async fn prices_info(
        &self,
        c: &OzonCredentials,
        r: &CursorRequest,
    ) -> Result<PricesInfoResponse, OzonError> {
        self.call(c, "/v5/product/info/prices", r).await
    }

    pub async fn stocks_info(
        &self,
        c: &OzonCredentials,
        r: &CursorRequest,
    ) -> Result<StocksInfoResponse, OzonError> {
        self.call(c, "/v4/product/info/stocks", r).await
    }

    pub async fn category_tree(
        &self,
        c: &OzonCredentials,
        r: &TreeRequest,
    ) -> Result<TreeResponse, OzonError> {
        self.call(c, "/v1/description-category/tree", r).await
    }

    pub async fn attributes(
        &self,
        c: &OzonCredentials,
        r: &AttributesRequest,
    ) -> Result<AttributesResponse, OzonError> {
        self.call(c, "/v1/description-category/attribute", r).await
    }

    pub async fn attribute_values(
        &self,
        c: &OzonCredentials,
        r: &ValuesRequest,
    ) -> Result<ValuesResponse, OzonError> {
        self.call(c, "/v1/description-category/attribute/values", r)
            .await
    }

    pub async fn attribute_values_search(
        &self,
        c: &OzonCredentials,
        r: &ValuesSearchRequest,
    ) -> Result<ValuesResponse, OzonError> {
        self.call(c, "/v1/description-category/attribute/values/search", r)
            .await
    }

    pub async fn warehouses(
        &self,
        c: &OzonCredentials,
        r: &WarehouseListRequest,
    ) -> Result<WarehouseListResponse, OzonError> {
        self.call(c, "/v2/warehouse/list", r).await
    }

    pub async fn product_limit(&self, c: &OzonCredentials) -> Result<LimitResponse, OzonError> {
        self.call(c, "/v4/product/info/limit", &serde_json::json!({}))
            .await
    }

    /// Sends `body` to `path`, pacing per Client-Id and retrying what is transient: 429 (after
    /// `Retry-After`), 5xx and timeouts, three tries with jittered backoff. Other 4xx are final.
    pub async fn call<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        creds: &OzonCredentials,
        path: &str,
        body: &B,
    ) -> Result<T, OzonError> {
        self.call_with(creds, path, body, true).await
    }

    /// Like [`Self::call`] for requests that create something (imports): only a 429, which Ozon
    /// refused before doing anything, is retried here. After a timeout or a 5xx Ozon may have
    /// carried it out, so the caller looks the result up before sending it again.
    pub async fn call_once<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        creds: &OzonCredentials,
        path: &str,
        body: &B,
    ) -> Result<T, OzonError> {
        self.call_with(creds, path, body, false).await
    }

    async fn call_with<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        creds: &OzonCredentials,
        path: &str,
        body: &B,
        repeatable: bool,
    ) -> Result<T, OzonError> {
        let body = serde_json::to_value(body).map_err(|e| OzonError::Decode(e.to_string()))?;
        let mut attempt = 0u32;
        loop {
            self.pacer.wait_turn(&creds.client_id).await;
            if path == "/v2/products/stocks" {
                self.stocks_pacer.wait_turn(&creds.client_id).await;
            }
            let result = self.post(creds, path, &body).await;
            attempt += 1;
            let wait =
                match &result {
                    // A product-operation quota (Item-Retry-After, minutes) is the caller's to
                    // reschedule; a per-second limit is waited out here.
                    Err(OzonError::RateLimited {
                        retry_after: Some(secs),
                    }) if *secs > 60 => {
                        return result;
                    }
                    Err(OzonError::RateLimited { retry_after }) => {
                        Duration::from_secs(retry_after.unwrap_or(1))
                    }
                    Err(
                        OzonError::Server { .. } | OzonError::NotJson { .. } | OzonError::Timeout,
                    ) if repeatable => backoff(Duration::from_millis(500), attempt),
                    _ => return result,
                };
            if attempt >= MAX_TRIES {
                return result;
            }
            tracing::warn!(
                path,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "Ozon call retried"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        creds: &OzonCredentials,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, OzonError> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Client-Id", &creds.client_id)
            .header("Api-Key", creds.api_key.expose())
            .json(body)
            .send()
            .await
            .map_err(OzonError::from_transport)?;
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        // Retry-After is in seconds; Item-Retry-After (product-operation quotas) in minutes.
        // When both are sent the quota governs: waiting out only the seconds would hit it again.
        let retry_after = header("item-retry-after")
            .map(|m| m.saturating_mul(60))
            .or(header("retry-after"));
        let bytes = res.bytes().await.map_err(OzonError::from_transport)?;
        let classified = answer::classify(status, retry_after, &bytes);
        crate::common::metrics::marketplace_call(
            "ozon",
            match &classified {
                Ok(_) => "ok",
                Err(OzonError::RateLimited { .. }) => "throttled",
                Err(_) => "error",
            },
        );
        classified?;
        serde_json::from_slice(&bytes).map_err(|e| OzonError::Decode(e.to_string()))
    }
}
