//! One image of a download: fetch (with retries), process, upload, under a global and a
//! per-host slot.

use super::*;

impl Pipeline {
    /// Fetch → process → upload one image. Holds a global and a per-host slot throughout, so
    /// at most `concurrency` images are in memory at once.
    pub(super) async fn one_image(self, job: Job) -> ImageOutcome {
        let Job {
            article,
            user_id,
            n,
            source,
            options,
        } = job;
        let host = self.host_slot(&source);
        let Ok(_host) = host.acquire().await else {
            return failed(n, &source, "DOWNLOAD_FAILED", "下载队列已关闭");
        };
        let Ok(_global) = self.global.acquire().await else {
            return failed(n, &source, "DOWNLOAD_FAILED", "下载队列已关闭");
        };
        let fetched = match self.fetch_with_retries(&source).await {
            Ok(fetched) => fetched,
            Err(err) => {
                tracing::warn!(article = %article, n, error = %err, "image download failed");
                return failed(n, &source, "DOWNLOAD_FAILED", &err.to_string());
            }
        };
        let (bytes, kind) = if options.is_noop() {
            (fetched.bytes, fetched.kind)
        } else {
            let input = fetched.bytes;
            let opts = options.clone();
            let kind = fetched.kind;
            match tokio::task::spawn_blocking(move || {
                crate::ozon::images::process::apply(&input, kind, &opts)
            })
            .await
            {
                Ok(Ok((out, kind))) => (Bytes::from(out), kind),
                Ok(Err(message)) => return failed(n, &source, "PROCESS_FAILED", &message),
                Err(_) => return failed(n, &source, "PROCESS_FAILED", "图片处理中断"),
            }
        };
        let key = crate::storage::keys::ozon_image(&user_id, &article, n, kind.ext());
        let size = bytes.len() as u64;
        let mut last = String::new();
        for attempt in 1..=TRIES {
            match self
                .media
                .put(&key, bytes.clone(), kind.content_type())
                .await
            {
                Ok(()) => {
                    return ImageOutcome {
                        n,
                        source,
                        url: Some(self.media.public_url(&key)),
                        code: None,
                        message: None,
                        bytes: size,
                    }
                }
                Err(err) => {
                    last = err.to_string().chars().take(200).collect();
                    tracing::warn!(article = %article, n, attempt, error = %last, "upload failed");
                    if attempt < TRIES {
                        tokio::time::sleep(backoff(Duration::from_millis(250), attempt)).await;
                    }
                }
            }
        }
        failed(
            n,
            &source,
            "R2_UPLOAD_FAILED",
            &format!("上传到存储失败：{last}"),
        )
    }

    async fn fetch_with_retries(
        &self,
        source: &str,
    ) -> Result<crate::common::fetch::Fetched, FetchError> {
        let mut attempt = 1;
        loop {
            match self.fetcher.fetch(source).await {
                Ok(fetched) => return Ok(fetched),
                Err(err) if err.is_transient() && attempt < TRIES => {
                    let wait = match &err {
                        FetchError::Status {
                            retry_after: Some(secs),
                            ..
                        } => Duration::from_secs((*secs).min(30)),
                        _ => backoff(Duration::from_millis(250), attempt),
                    };
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }
}

pub(super) fn failed(n: u32, source: &str, code: &str, message: &str) -> ImageOutcome {
    ImageOutcome {
        n,
        source: source.to_string(),
        url: None,
        code: Some(code.to_string()),
        message: Some(message.to_string()),
        bytes: 0,
    }
}
