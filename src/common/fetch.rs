//! Fetching one image URL with an SSRF guard: http(s) only; every address a name resolves to
//! (and every IP literal) must be public; redirects are followed by hand, re-checked, 3 at most;
//! reading stops past the size cap. `allow_private` lifts the address rule (tests, simulator).

use std::error::Error as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::dns::{Name, Resolve, Resolving};
use reqwest::Url;

pub use super::address::forbidden_address;
use super::sniff::{sniff, ImageKind};

pub const MAX_REDIRECTS: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL or an address it resolves to is not allowed; never retried.
    #[error("已拒绝：{0}")]
    Refused(String),
    #[error("图片超过大小上限 {limit_mb} MB")]
    TooLarge { limit_mb: u64 },
    #[error("不是图片（无法识别的文件内容）")]
    NotImage,
    #[error("图片服务器返回 HTTP {status}")]
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    #[error("下载超时")]
    Timeout,
    #[error("网络错误：{0}")]
    Transport(String),
}

impl FetchError {
    /// Worth another try: network trouble, 408, 429 and 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => matches!(status, 408 | 425 | 429 | 500..=599),
            Self::Timeout | Self::Transport(_) => true,
            _ => false,
        }
    }
}

/// Marks a resolver refusal so it is not mistaken for a network error.
#[derive(Debug)]
struct Blocked(String);

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Blocked {}

/// A resolver that drops forbidden addresses, so a name cannot lead to one (DNS rebinding
/// included: the connection uses exactly the addresses checked here).
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| allow_private || forbidden_address(a.ip()).is_none())
                .collect();
            if allowed.is_empty() {
                let reason = addrs
                    .first()
                    .and_then(|a| forbidden_address(a.ip()))
                    .unwrap_or("无法解析");
                let err: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(Blocked(format!("{host} 指向{reason}")));
                return Err(err);
            }
            let iter: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(iter)
        })
    }
}

/// What a successful fetch gives: the bytes and their sniffed kind.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub bytes: Bytes,
    pub kind: ImageKind,
}

#[derive(Clone)]
pub struct Fetcher {
    http: reqwest::Client,
    allow_private: bool,
    max_bytes: u64,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("allow_private", &self.allow_private)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl Fetcher {
    pub fn new(allow_private: bool, max_bytes: u64, timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .pool_max_idle_per_host(64)
            .user_agent(concat!("ShopBridge/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Fetcher {
            http,
            allow_private,
            max_bytes,
        })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Checks a URL before any connection: scheme, and the address when it is an IP literal.
    pub fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused(format!(
                "只允许 http 或 https 地址，收到 {}:",
                url.scheme()
            )));
        }
        let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
            return Err(FetchError::Refused("地址缺少主机名".into()));
        };
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            if !self.allow_private {
                if let Some(reason) = forbidden_address(ip) {
                    return Err(FetchError::Refused(format!("{ip} 是{reason}")));
                }
            }
        }
        Ok(())
    }

    /// GETs `url`, following up to 3 redirects, each checked again.
    pub async fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        let response = self.follow(url, reqwest::Method::GET).await?;
        self.read_body(response).await
    }

    /// HEADs `url` the same way: its content type and length, for the listing checks.
    pub async fn probe(&self, url: &str) -> Result<(String, Option<u64>), FetchError> {
        let response = self.follow(url, reqwest::Method::HEAD).await?;
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let length = response
            .headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok());
        Ok((content_type, length))
    }

    /// Sends `method` to `url`, following up to 3 redirects, each checked again; a final
    /// status other than 2xx is an error.
    async fn follow(
        &self,
        url: &str,
        method: reqwest::Method,
    ) -> Result<reqwest::Response, FetchError> {
        let mut url = Url::parse(url.trim())
            .map_err(|_| FetchError::Refused(format!("无效的图片地址 {}", shorten(url))))?;
        for hop in 0..=MAX_REDIRECTS {
            self.check_url(&url)?;
            let response = self
                .http
                .request(method.clone(), url.clone())
                .header(reqwest::header::ACCEPT, "image/*")
                .send()
                .await
                .map_err(classify)?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or(FetchError::Status {
                        status: status.as_u16(),
                        retry_after: None,
                    })?;
                if hop == MAX_REDIRECTS {
                    return Err(FetchError::Refused(format!(
                        "重定向超过 {MAX_REDIRECTS} 次"
                    )));
                }
                url = url.join(location).map_err(|_| {
                    FetchError::Refused(format!("无效的重定向地址 {}", shorten(location)))
                })?;
                continue;
            }
            if !status.is_success() {
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse().ok());
                return Err(FetchError::Status {
                    status: status.as_u16(),
                    retry_after,
                });
            }
            return Ok(response);
        }
        Err(FetchError::Refused(format!(
            "重定向超过 {MAX_REDIRECTS} 次"
        )))
    }

    async fn read_body(&self, mut response: reqwest::Response) -> Result<Fetched, FetchError> {
        let too_large = FetchError::TooLarge {
            limit_mb: self.max_bytes / (1024 * 1024),
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes)
        {
            return Err(too_large);
        }
        let capacity = response.content_length().unwrap_or(64 * 1024) as usize;
        let mut buf = BytesMut::with_capacity(capacity);
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if (buf.len() + chunk.len()) as u64 > self.max_bytes {
                return Err(too_large);
            }
            buf.extend_from_slice(&chunk);
        }
        let kind = sniff(&buf).ok_or(FetchError::NotImage)?;
        Ok(Fetched {
            bytes: buf.freeze(),
            kind,
        })
    }
}

fn shorten(value: &str) -> String {
    crate::common::text::shown(value)
}

fn classify(err: reqwest::Error) -> FetchError {
    let mut source = err.source();
    while let Some(inner) = source {
        if let Some(blocked) = inner.downcast_ref::<Blocked>() {
            return FetchError::Refused(blocked.0.clone());
        }
        source = inner.source();
    }
    if err.is_timeout() {
        FetchError::Timeout
    } else {
        // The URL is left out: it is Ozon's, and the caller names the image already.
        FetchError::Transport(err.without_url().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_private_class_is_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            let ip: IpAddr = ip.parse().expect(ip);
            assert!(forbidden_address(ip).is_some(), "{ip} should be forbidden");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "185.73.193.64",
        ] {
            let ip: IpAddr = ip.parse().expect(ip);
            assert_eq!(forbidden_address(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn only_http_and_https_pass_the_url_check() {
        let fetcher = Fetcher::new(false, 1024, Duration::from_secs(1)).expect("client");
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com/a.jpg",
            "gopher://example.com/",
            "http://127.0.0.1/a.jpg",
            "http://[::1]/a.jpg",
            "http://169.254.169.254/latest/meta-data",
            "http://2130706433/a.jpg",
        ] {
            let url = Url::parse(bad).expect(bad);
            assert!(
                matches!(fetcher.check_url(&url), Err(FetchError::Refused(_))),
                "{bad}"
            );
        }
        let ok = Url::parse("https://cdn1.ozone.ru/s3/multimedia-1/6000000001.jpg").expect("url");
        assert_eq!(fetcher.check_url(&ok), Ok(()));
        let open = Fetcher::new(true, 1024, Duration::from_secs(1)).expect("client");
        let local = Url::parse("http://127.0.0.1/a.jpg").expect("url");
        assert_eq!(open.check_url(&local), Ok(()));
        let file = Url::parse("file:///etc/passwd").expect("url");
        assert!(open.check_url(&file).is_err());
    }
}
