//! HTTP client for the Ozon Seller API. Every request sends `Client-Id` and `Api-Key`; the base
//! URL comes from `SHOPBRIDGE_OZON_API_URL`.

mod error;

use std::time::Duration;

use serde::Deserialize;

pub use error::OzonError;

use crate::vault::secret::Secret;

/// A seller's credentials, opened from the vault or taken from a REST request.
#[derive(Clone, Debug)]
pub struct OzonCredentials {
    pub client_id: String,
    pub api_key: Secret,
}

#[derive(Clone, Debug)]
pub struct OzonClient {
    http: reqwest::Client,
    base: String,
}

/// `POST /v1/roles`: the key's roles and, since 2026, when it expires.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RolesResponse {
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Role {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub methods: Vec<String>,
}

impl OzonClient {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ShopBridge/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OzonClient {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// Checks a credential: its roles and expiry.
    pub async fn roles(&self, creds: &OzonCredentials) -> Result<RolesResponse, OzonError> {
        self.post(creds, "/v1/roles", &serde_json::json!({})).await
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
        let retry_after = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = res.bytes().await.map_err(OzonError::from_transport)?;
        if status == 200 {
            serde_json::from_slice(&bytes).map_err(|e| OzonError::Decode(e.to_string()))
        } else {
            Err(OzonError::from_response(status, retry_after, &bytes))
        }
    }
}
