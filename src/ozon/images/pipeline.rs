//! The download pipeline: validate → resolve articles through `/v3/product/info/list` →
//! fetch every image concurrently (bounded globally and per host, in memory, size-capped,
//! sniffed, retried) → optionally process → upload to the media store → the contract's report.
//!
//! It is plain async Rust: the REST handler and the page's task runner both call [`Pipeline::run`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::validate::{self, Invalid};
use super::{ImageOutcome, ItemReport, LookupField, ProcessOptions, Report};
use crate::common::backoff::backoff;
use crate::common::fetch::{FetchError, Fetcher};
use crate::common::ids::{Article, UserId};
use crate::ozon::client::paging::chunks;
use crate::ozon::client::products::{ProductInfo, ProductInfoRequest};
use crate::ozon::client::{OzonClient, OzonCredentials, OzonError};
use crate::server::config::DownloadSettings;
use crate::storage::MediaStore;

mod job;
use job::failed;

const TRIES: u32 = 3;
/// `/v3/product/info/list` takes at most 1000 ids per request.
const INFO_CHUNK: usize = 1000;

/// One download request, from either door.
#[derive(Clone, Debug)]
pub struct DownloadRequest {
    pub credentials: OzonCredentials,
    /// Parsed at the door (`validate::articles`): trimmed, unique, each a safe key segment.
    pub articles: Vec<Article>,
    pub field: LookupField,
    pub user_id: UserId,
    pub options: ProcessOptions,
    /// Images stored by an earlier run (article → image number → URL); they are not fetched
    /// again. Used by "retry failed" and "continue after a restart".
    pub done: HashMap<String, HashMap<u32, String>>,
}

/// A failure of the whole request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct PipelineError {
    pub code: &'static str,
    pub message: String,
}

impl From<Invalid> for PipelineError {
    fn from(err: Invalid) -> Self {
        PipelineError {
            code: err.code,
            message: err.message,
        }
    }
}

/// One article after resolution: how many images it has, or why it has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub article: String,
    pub product_id: Option<i64>,
    pub total_images: u32,
    pub error: Option<String>,
}

/// Where a run reports as it goes. Both methods are called from the run's own task.
pub trait Progress: Send + Sync {
    fn planned(&self, _items: &[Planned]) {}
    fn image(&self, _article: &str, _outcome: &ImageOutcome) {}
}

/// A run nobody watches (the REST door).
pub struct NoProgress;
impl Progress for NoProgress {}

#[derive(Clone, Debug)]
pub struct Pipeline {
    ozon: OzonClient,
    fetcher: Fetcher,
    media: MediaStore,
    global: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    per_host: usize,
    deadline: Duration,
}

/// What one image job needs.
struct Job {
    article: Article,
    user_id: UserId,
    n: u32,
    source: String,
    options: Arc<ProcessOptions>,
}

impl Pipeline {
    pub fn new(
        ozon: OzonClient,
        media: MediaStore,
        settings: &DownloadSettings,
        allow_private: bool,
    ) -> anyhow::Result<Self> {
        let fetcher = Fetcher::new(allow_private, settings.max_bytes, Duration::from_secs(60))?;
        Ok(Pipeline {
            ozon,
            fetcher,
            media,
            global: Arc::new(Semaphore::new(settings.concurrency)),
            hosts: Arc::default(),
            per_host: settings.per_host,
            deadline: Duration::from_secs(settings.deadline_secs),
        })
    }

    /// The SSRF-guarded fetcher, for other checks of image URLs.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    pub fn media(&self) -> &MediaStore {
        &self.media
    }

    /// Runs one request to its report. Per-article and per-image failures are in the report;
    /// only bad input, bad credentials, an Ozon outage or a deadline hit before resolution
    /// fail the whole request.
    pub async fn run(
        &self,
        req: DownloadRequest,
        progress: Arc<dyn Progress>,
    ) -> Result<Report, PipelineError> {
        let (articles, user_id) = (&req.articles, &req.user_id);
        validate::credential(&req.credentials.client_id, req.credentials.api_key.expose())?;
        validate::options(&req.options)?;
        let deadline = Instant::now() + self.deadline;

        let found = tokio::time::timeout_at(
            deadline,
            self.resolve(&req.credentials, articles, req.field),
        )
        .await
        .map_err(|_| PipelineError {
            code: "TIMEOUT",
            message: format!("{} 秒内未能从 Ozon 查到商品", self.deadline.as_secs()),
        })??;

        // Plan: each article's images in order, or its reason for having none.
        let mut plans = Vec::with_capacity(articles.len());
        let mut sources: Vec<Vec<String>> = Vec::with_capacity(articles.len());
        for article in articles {
            let (plan, images) = match found.get(article.as_str()) {
                None => (
                    Planned {
                        article: article.to_string(),
                        product_id: None,
                        total_images: 0,
                        error: Some(format!(
                            "PRODUCT_NOT_FOUND: 按 {} 找不到商品 {}",
                            req.field.as_str(),
                            crate::common::text::shown(article)
                        )),
                    },
                    Vec::new(),
                ),
                Some(info) => {
                    let images = info.ordered_images(false);
                    let error = images
                        .is_empty()
                        .then(|| "NO_IMAGES: 该商品在 Ozon 上没有图片".to_string());
                    (
                        Planned {
                            article: article.to_string(),
                            product_id: info.id,
                            total_images: images.len() as u32,
                            error,
                        },
                        images,
                    )
                }
            };
            plans.push(plan);
            sources.push(images);
        }
        progress.planned(&plans);

        let options = Arc::new(req.options.clone());
        let mut outcomes: Vec<Vec<Option<ImageOutcome>>> =
            sources.iter().map(|s| vec![None; s.len()]).collect();
        let mut set = JoinSet::new();
        let mut jobs: HashMap<tokio::task::Id, (usize, usize)> = HashMap::new();
        for (idx, images) in sources.iter().enumerate() {
            let article = &articles[idx];
            let stored = req.done.get(article.as_str());
            for (i, source) in images.iter().enumerate() {
                let n = i as u32 + 1;
                if let Some(url) = stored.and_then(|m| m.get(&n)) {
                    let outcome = ImageOutcome {
                        n,
                        source: source.clone(),
                        url: Some(url.clone()),
                        code: None,
                        message: None,
                        bytes: 0,
                    };
                    progress.image(article, &outcome);
                    outcomes[idx][i] = Some(outcome);
                    continue;
                }
                let job = Job {
                    article: article.clone(),
                    user_id: user_id.clone(),
                    n,
                    source: source.clone(),
                    options: options.clone(),
                };
                let handle = set.spawn(self.clone().one_image(job));
                jobs.insert(handle.id(), (idx, i));
            }
        }

        loop {
            match tokio::time::timeout_at(deadline, set.join_next_with_id()).await {
                Ok(Some(Ok((id, outcome)))) => {
                    if let Some(&(idx, i)) = jobs.get(&id) {
                        progress.image(&articles[idx], &outcome);
                        outcomes[idx][i] = Some(outcome);
                    }
                }
                Ok(Some(Err(err))) => {
                    tracing::error!(error = %err, "image job failed");
                    if let Some(&(idx, i)) = jobs.get(&err.id()) {
                        let outcome = failed(
                            i as u32 + 1,
                            &sources[idx][i],
                            "DOWNLOAD_FAILED",
                            "内部错误",
                        );
                        progress.image(&articles[idx], &outcome);
                        outcomes[idx][i] = Some(outcome);
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    set.abort_all();
                    break;
                }
            }
        }

        let items = plans
            .into_iter()
            .zip(outcomes)
            .enumerate()
            .map(|(idx, (plan, images))| {
                if let Some(error) = plan.error {
                    let (code, message) = error.split_once(": ").unwrap_or(("", &error));
                    return ItemReport::failed(&plan.article, plan.product_id, code, message);
                }
                let images = images
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| {
                        o.unwrap_or_else(|| {
                            let message =
                                format!("超过 {} 秒的期限，未完成", self.deadline.as_secs());
                            failed(i as u32 + 1, &sources[idx][i], "TIMEOUT", &message)
                        })
                    })
                    .collect();
                ItemReport::from_images(&plan.article, plan.product_id, images)
            })
            .collect();
        Ok(Report::from_items(items))
    }

    /// Finds the products of `articles`, keyed by article.
    async fn resolve(
        &self,
        creds: &OzonCredentials,
        articles: &[Article],
        field: LookupField,
    ) -> Result<HashMap<String, ProductInfo>, PipelineError> {
        let mut found = HashMap::new();
        let lookup: Vec<String> = match field {
            // SKUs are numbers; anything else cannot be one and is simply not found.
            LookupField::Sku => articles
                .iter()
                .filter(|a| a.parse::<i64>().is_ok())
                .map(|a| a.to_string())
                .collect(),
            LookupField::OfferId | LookupField::VendorCode => {
                articles.iter().map(|a| a.to_string()).collect()
            }
        };
        for chunk in chunks(&lookup, INFO_CHUNK) {
            let request = match field {
                LookupField::Sku => ProductInfoRequest {
                    sku: chunk,
                    ..Default::default()
                },
                _ => ProductInfoRequest {
                    offer_id: chunk,
                    ..Default::default()
                },
            };
            let response = self
                .ozon
                .product_info(creds, &request)
                .await
                .map_err(ozon_failure)?;
            for info in response.items {
                let key = match field {
                    LookupField::Sku => info.sku.map(|s| s.to_string()).unwrap_or_default(),
                    _ => info.offer_id.clone(),
                };
                if articles.iter().any(|a| a.as_str() == key) {
                    found.entry(key).or_insert(info);
                }
            }
        }
        Ok(found)
    }

    fn host_slot(&self, source: &str) -> Arc<Semaphore> {
        let host = reqwest::Url::parse(source)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let mut hosts = match self.hosts.lock() {
            Ok(hosts) => hosts,
            Err(poisoned) => poisoned.into_inner(),
        };
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }
}

/// How an Ozon failure during resolution fails the request.
fn ozon_failure(err: OzonError) -> PipelineError {
    let message = err.to_string();
    let code = match &err {
        OzonError::Unauthorized { .. } | OzonError::Forbidden { .. } => "INVALID_CREDENTIALS",
        OzonError::BadRequest { message, .. }
            if message.to_ascii_lowercase().contains("client") =>
        {
            "INVALID_CREDENTIALS"
        }
        OzonError::Timeout => "TIMEOUT",
        _ => "OZON_API_ERROR",
    };
    PipelineError { code, message }
}

#[cfg(test)]
mod tests;
