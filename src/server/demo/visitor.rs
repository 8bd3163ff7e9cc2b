//! A minimal cookie-carrying client that signs in as the demo user and seeds through the same
//! server functions and OAuth pages a person would use.

use anyhow::{bail, Context};

/// A minimal cookie-carrying client for the seeding steps.
pub(crate) struct Visitor {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) cookie: String,
}

impl Visitor {
    /// Calls a server function; returns its JSON answer.
    pub(crate) async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<serde_json::Value> {
        let res = self
            .http
            .post(format!("{}/sf/{endpoint}", self.base))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("{endpoint}：{}", res.text().await.unwrap_or_default());
        }
        Ok(res.json().await.unwrap_or_default())
    }

    async fn location(&self, url: &str, with_cookie: bool) -> anyhow::Result<String> {
        let mut req = self.http.get(url);
        if with_cookie {
            req = req.header("cookie", &self.cookie);
        }
        let res = req.send().await?;
        res.headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .with_context(|| format!("{url} 没有跳转"))
    }

    /// The OAuth dance for `platform`, clicking "approve" on the simulator's page.
    pub(crate) async fn connect(&self, platform: &str, sim: &str) -> anyhow::Result<()> {
        let authorize = self
            .location(&format!("{}/oauth/{platform}/start", self.base), true)
            .await?;
        let page = self.http.get(&authorize).send().await?.text().await?;
        let start = page
            .find("id=\"approve\" href=\"")
            .context("授权页没有同意按钮")?
            + 19;
        let href = page[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&");
        let back = self.location(&format!("{sim}{href}"), false).await?;
        let done = self.location(&back, true).await?;
        if done != "/platforms" {
            bail!("{platform} 授权没有完成：{done}");
        }
        Ok(())
    }
}
