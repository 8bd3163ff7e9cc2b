//! Object storage: a local directory by default, S3/R2 or memory per `SHOPBRIDGE_STORAGE_URL`,
//! all through the `object_store` crate. Public URLs are `SHOPBRIDGE_MEDIA_PUBLIC_URL` + key.

use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload, RetryConfig,
};

/// S3/R2 access for an `s3://bucket/prefix` storage URL.
#[derive(Clone, Debug, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<crate::common::secret::Secret>,
    pub region: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    File,
    Memory,
    S3,
}

/// The media store and the public base its objects are served from.
#[derive(Clone, Debug)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    kind: StoreKind,
    public_base: String,
}

impl MediaStore {
    /// The store of `SHOPBRIDGE_STORAGE_URL` (`url`), serving objects at `public_url` + key.
    pub fn open(url: &str, public_url: &str, s3: &S3Settings) -> anyhow::Result<Self> {
        let public_base = public_url.trim_end_matches('/').to_string();
        if let Some(dir) = url.strip_prefix("file://") {
            std::fs::create_dir_all(dir).with_context(|| format!("无法创建媒体目录 {dir}"))?;
            let store = LocalFileSystem::new_with_prefix(dir)
                .with_context(|| format!("无法打开媒体目录 {dir}"))?;
            return Ok(Self::new(Arc::new(store), StoreKind::File, public_base));
        }
        if url.starts_with("memory://") {
            return Ok(Self::new(
                Arc::new(InMemory::new()),
                StoreKind::Memory,
                public_base,
            ));
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            anyhow::bail!("SHOPBRIDGE_STORAGE_URL 无效");
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        anyhow::ensure!(!bucket.is_empty(), "SHOPBRIDGE_STORAGE_URL 缺少桶名");
        // Few, quick retries: the pipeline retries uploads itself and has a deadline.
        let retry = RetryConfig {
            max_retries: 2,
            retry_timeout: std::time::Duration::from_secs(15),
            ..Default::default()
        };
        let mut builder = AmazonS3Builder::new()
            .with_retry(retry)
            .with_bucket_name(bucket)
            .with_region(s3.region.clone().unwrap_or_else(|| "auto".into()));
        if let Some(endpoint) = &s3.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &s3.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &s3.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose());
        }
        let store = builder.build().context("S3 存储配置无效")?;
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(PrefixStore::new(store, prefix))
        };
        Ok(Self::new(store, StoreKind::S3, public_base))
    }

    pub fn new(store: Arc<dyn ObjectStore>, kind: StoreKind, public_base: String) -> Self {
        MediaStore {
            store,
            kind,
            public_base,
        }
    }

    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// Stores `bytes` under `key`, with its content type where the backend keeps one.
    pub async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &'static str,
    ) -> object_store::Result<()> {
        let path = Path::parse(key).map_err(object_store::Error::from)?;
        let mut opts = PutOptions::default();
        if self.kind == StoreKind::S3 {
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, content_type.into());
            opts.attributes = attributes;
        }
        self.store
            .put_opts(&path, PutPayload::from_bytes(bytes), opts)
            .await
            .map(|_| ())
    }

    /// A streaming writer for a large object under `key` (sent in parts; nothing is visible
    /// under `key` until `finish`).
    pub async fn writer(
        &self,
        key: &str,
        content_type: &'static str,
    ) -> object_store::Result<object_store::WriteMultipart> {
        let path = Path::parse(key).map_err(object_store::Error::from)?;
        let mut opts = object_store::PutMultipartOptions::default();
        if self.kind == StoreKind::S3 {
            opts.attributes
                .insert(Attribute::ContentType, content_type.into());
        }
        let upload = self.store.put_multipart_opts(&path, opts).await?;
        Ok(object_store::WriteMultipart::new(upload))
    }

    /// Bytes `range` of the object under `key`.
    pub async fn get_range(
        &self,
        key: &str,
        range: std::ops::Range<u64>,
    ) -> object_store::Result<Bytes> {
        let path = Path::parse(key).map_err(object_store::Error::from)?;
        self.store.get_range(&path, range).await
    }

    pub async fn delete(&self, key: &str) -> object_store::Result<()> {
        let path = Path::parse(key).map_err(object_store::Error::from)?;
        self.store.delete(&path).await
    }

    /// The whole object under `key`.
    pub async fn get(&self, key: &str) -> object_store::Result<Bytes> {
        let path = Path::parse(key).map_err(object_store::Error::from)?;
        self.store.get(&path).await?.bytes().await
    }

    /// The public URL of `key`: each segment percent-encoded.
    pub fn public_url(&self, key: &str) -> String {
        let encoded: Vec<String> = key.split('/').map(encode_segment).collect();
        format!("{}/{}", self.public_base, encoded.join("/"))
    }
}

impl MediaStore {
    /// The key behind one of our public URLs, or `None` for any other URL.
    pub fn key_of(&self, url: &str) -> Option<String> {
        let rest = url.strip_prefix(&self.public_base)?.strip_prefix('/')?;
        let parts: Option<Vec<String>> = rest.split('/').map(decode_segment).collect();
        let key = parts?.join("/");
        Path::parse(&key).ok()?;
        (!key.split('/').any(|p| p == ".." || p.is_empty())).then_some(key)
    }
}

/// Reverses [`encode_segment`]; `None` for broken escapes or bytes that are not UTF-8.
pub fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

use crate::common::url::encode_segment;

/// Where each capability keeps its objects: the one place that knows the layout.
pub mod keys {
    use crate::common::ids::{Article, UserId};

    /// `users/{user_id}/ozon/{article}/{article}_{n}.{ext}`; both parts are one safe segment
    /// by their types.
    pub fn ozon_image(user_id: &UserId, article: &Article, n: u32, ext: &str) -> String {
        format!("users/{user_id}/ozon/{article}/{article}_{n}.{ext}")
    }

    /// `listing/{hash}.{ext}`: a picture uploaded for a draft, named by its content.
    pub fn listing_upload(hash_hex: &str, ext: &str) -> String {
        format!("listing/{hash_hex}.{ext}")
    }

    /// `promotions/{id}/{role}-{random}.{ext}`: a promotion's video or cover.
    pub fn promotion_media(id: i64, role: &str, random: &str, ext: &str) -> String {
        format!("promotions/{id}/{role}-{random}.{ext}")
    }
}

/// The content type of a stored key, from its extension.
pub fn content_type_of(key: &str) -> &'static str {
    match key
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("heic") => "image/heic",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store_round_trips_and_urls_are_encoded() {
        let store = MediaStore::new(
            Arc::new(InMemory::new()),
            StoreKind::Memory,
            "https://r2.example.com".into(),
        );
        let key = "users/u1/ozon/货号 1/货号 1_1.jpg";
        store
            .put(key, Bytes::from_static(b"abc"), "image/jpeg")
            .await
            .expect("put");
        assert_eq!(store.get(key).await.expect("get").as_ref(), b"abc");
        assert_eq!(
            store.public_url("users/u1/ozon/A-1/A-1_1.jpg"),
            "https://r2.example.com/users/u1/ozon/A-1/A-1_1.jpg"
        );
        assert_eq!(
            store.public_url("users/u1/ozon/a b/x#.png"),
            "https://r2.example.com/users/u1/ozon/a%20b/x%23.png"
        );
        assert!(store.get("users/u1/ozon/none.jpg").await.is_err());
        assert_eq!(
            store.key_of("https://r2.example.com/users/u1/ozon/a%20b/x%23.png"),
            Some("users/u1/ozon/a b/x#.png".to_string())
        );
        assert_eq!(store.key_of("https://other.example.com/users/a.png"), None);
        assert_eq!(
            store.key_of("https://r2.example.com/users/%2E%2E/a.png"),
            None
        );
    }

    #[test]
    fn keys_follow_the_contract() {
        assert_eq!(
            keys::ozon_image(
                &crate::common::ids::UserId::parse("user_123").expect("user"),
                &crate::common::ids::Article::parse("123456").expect("article"),
                2,
                "jpg"
            ),
            "users/user_123/ozon/123456/123456_2.jpg"
        );
        assert_eq!(keys::listing_upload("ab12", "png"), "listing/ab12.png");
        assert_eq!(
            keys::promotion_media(7, "video", "r4nd0m", "mp4"),
            "promotions/7/video-r4nd0m.mp4"
        );
    }
}
