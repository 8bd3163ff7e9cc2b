//! Douyin's content API as the simulator plays it (`wire/douyin-api.md` §3): the
//! `access-token` header with `open_id` in the query (an expired or foreign token gets 2190008),
//! multipart uploads (`video` ≤ 128 MB, else 2100005; parts ≥ 5 MB but the last, numbered from
//! 1), `create_video` / `create_image_text` answering an `item_id` in the
//! `fixtures/douyin/douyin_video_*` envelopes, `video_list` with review states and
//! `video_data` statistics that grow with each read, and delete.
//!
//! Simulator choices (the real codes are not public): a text containing 违禁 is refused with
//! 2190015; a text containing 拒审 is created and later reviewed as 不适宜公开 (`video_status`
//! 2); a post is reviewed on the first `video_list` after it was made.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{DouyinSim, DouyinState};

macro_rules! lock_or_500 {
    ($sim:expr) => {
        match $sim.state.lock() {
            Ok(s) => s,
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    };
}

mod posts;

const UPLOAD_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/douyin_video_upload_success.json"
));
const UPLOAD_ERROR: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/douyin_video_upload_error.json"
));
pub(super) const CREATE_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/douyin_video_create_success_SYNTHESIZED.json"
));
const MB: usize = 1024 * 1024;
pub const REFUSED_CODE: i64 = 2190015;

#[derive(Clone, Debug, Default)]
pub struct SimItem {
    pub item_id: String,
    pub open_id: String,
    pub text: String,
    pub video_id: Option<String>,
    pub image_ids: Vec<String>,
    pub at_users: Vec<String>,
    pub body: Value,
    pub create_time: i64,
    pub reviewed: bool,
    pub unfit: bool,
    pub deleted: bool,
    pub reads: i64,
}

#[derive(Default)]
pub struct ContentState {
    pub videos: HashMap<String, usize>,
    pub images: Vec<String>,
    /// upload_id → (part number → size).
    pub uploads: HashMap<String, HashMap<i64, usize>>,
    pub items: Vec<SimItem>,
    /// The next content call answers this error code inside HTTP 200.
    pub fail_next: Option<i64>,
    /// Answer `create_*` only after this long (the post is made first): a window to kill in.
    pub create_delay: Duration,
    counter: u64,
}

pub(super) fn fixture(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .map(|v| v["response"].clone())
        .unwrap_or(Value::Null)
}

pub(super) fn ok(data: Value) -> Response {
    let mut body = fixture(UPLOAD_FIXTURE);
    let mut d = json!({"error_code": 0, "description": ""});
    if let (Some(d), Some(extra)) = (d.as_object_mut(), data.as_object()) {
        d.extend(extra.clone());
    }
    body["data"] = d;
    Json(body).into_response()
}

pub(super) fn refuse(s: &mut DouyinState, path: &str, code: i64, description: &str) -> Response {
    s.log.push((path.to_string(), code));
    let mut body = fixture(UPLOAD_ERROR);
    body["data"] = json!({"error_code": code, "description": description});
    body["extra"]["error_code"] = json!(code);
    body["extra"]["description"] = json!(description);
    Json(body).into_response()
}

impl DouyinSim {
    pub fn content_router(&self) -> Router {
        Router::new()
            .route("/api/douyin/v1/video/upload_video/", post(upload_video))
            .route(
                "/api/douyin/v1/video/init_video_part_upload/",
                post(init_part),
            )
            .route("/api/douyin/v1/video/upload_video_part/", post(upload_part))
            .route(
                "/api/douyin/v1/video/complete_video_part_upload/",
                post(complete_part),
            )
            .route("/api/douyin/v1/video/upload_image/", post(upload_image))
            .route(
                "/api/douyin/v1/video/create_video/",
                post(posts::create_video),
            )
            .route(
                "/api/douyin/v1/video/create_image_text/",
                post(posts::create_image_text),
            )
            .route("/api/douyin/v1/video/video_list/", get(posts::video_list))
            .route("/api/douyin/v1/video/video_data/", post(posts::video_data))
            .layer(DefaultBodyLimit::max(200 * MB))
            .with_state(self.clone())
    }

    /// The posts on an account (deleted ones too).
    pub fn items(&self) -> Vec<SimItem> {
        self.state
            .lock()
            .map(|s| s.content.items.clone())
            .unwrap_or_default()
    }
}

pub(super) type Q = Query<HashMap<String, String>>;

/// The open_id whose live token this is, or the refusal.
fn authorise(
    s: &mut DouyinState,
    path: &str,
    headers: &HeaderMap,
    q: &Q,
    now: i64,
) -> Result<String, Box<Response>> {
    if let Some(code) = s.content.fail_next.take() {
        return Err(Box::new(refuse(s, path, code, "simulated failure")));
    }
    let token = headers
        .get("access-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let open_id = q.get("open_id").cloned().unwrap_or_default();
    let live = s
        .accounts
        .values()
        .any(|a| a.open_id == open_id && a.access_token == token && a.access_expires_at > now);
    if live {
        Ok(open_id)
    } else {
        Err(Box::new(refuse(s, path, 2190008, "access_token expired")))
    }
}

/// Locks the simulator and checks the caller's token: the state and the caller's open_id.
pub(super) fn enter<'a>(
    sim: &'a DouyinSim,
    path: &str,
    headers: &HeaderMap,
    q: &Q,
) -> Result<(std::sync::MutexGuard<'a, DouyinState>, String), Box<Response>> {
    let now = sim.clock.now();
    let Ok(mut s) = sim.state.lock() else {
        return Err(Box::new(StatusCode::INTERNAL_SERVER_ERROR.into_response()));
    };
    let open_id = authorise(&mut s, path, headers, q, now)?;
    Ok((s, open_id))
}

/// The bytes of multipart field `name`.
async fn file(mut form: Multipart, name: &str) -> Option<Vec<u8>> {
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.bytes().await.ok().map(|b| b.to_vec());
        }
    }
    None
}

fn is_mp4(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[4..8] == b"ftyp"
}

async fn upload_video(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    q: Q,
    form: Multipart,
) -> Response {
    let path = "/api/douyin/v1/video/upload_video/";
    if let Err(r) = enter(&sim, path, &headers, &q) {
        return *r;
    }
    let bytes = file(form, "video").await;
    let mut s = lock_or_500!(sim);
    let Some(bytes) = bytes.filter(|b| is_mp4(b)) else {
        return refuse(&mut s, path, 2100005, "Parameter error");
    };
    if bytes.len() > 128 * MB {
        return refuse(
            &mut s,
            path,
            2100005,
            "video larger than 128 MB: use part upload",
        );
    }
    s.content.counter += 1;
    let id = format!("v0200f450000sim{:08}", s.content.counter);
    s.content.videos.insert(id.clone(), bytes.len());
    s.log.push((path.into(), 0));
    ok(json!({"video": {"video_id": id, "width": 720, "height": 1280}}))
}

async fn init_part(State(sim): State<DouyinSim>, headers: HeaderMap, q: Q) -> Response {
    let path = "/api/douyin/v1/video/init_video_part_upload/";
    let mut s = match enter(&sim, path, &headers, &q) {
        Ok((s, _)) => s,
        Err(r) => return *r,
    };
    s.content.counter += 1;
    let id = format!("upload{:08}", s.content.counter);
    s.content.uploads.insert(id.clone(), HashMap::new());
    s.log.push((path.into(), 0));
    ok(json!({"upload_id": id}))
}

async fn upload_part(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    q: Q,
    form: Multipart,
) -> Response {
    let path = "/api/douyin/v1/video/upload_video_part/";
    if let Err(r) = enter(&sim, path, &headers, &q) {
        return *r;
    }
    let bytes = file(form, "video").await;
    let mut s = lock_or_500!(sim);
    let number: i64 = q
        .get("part_number")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let upload = q.get("upload_id").cloned().unwrap_or_default();
    let (Some(bytes), true) = (bytes, number >= 1) else {
        return refuse(&mut s, path, 2100005, "Parameter error");
    };
    let Some(parts) = s.content.uploads.get_mut(&upload) else {
        return refuse(&mut s, path, 2100005, "upload_id not found");
    };
    parts.insert(number, bytes.len());
    s.log.push((path.into(), 0));
    ok(json!({}))
}

async fn complete_part(State(sim): State<DouyinSim>, headers: HeaderMap, q: Q) -> Response {
    let path = "/api/douyin/v1/video/complete_video_part_upload/";
    let mut s = match enter(&sim, path, &headers, &q) {
        Ok((s, _)) => s,
        Err(r) => return *r,
    };
    let upload = q.get("upload_id").cloned().unwrap_or_default();
    let Some(parts) = s.content.uploads.get(&upload).cloned() else {
        return refuse(&mut s, path, 2100005, "upload_id not found");
    };
    let n = parts.len() as i64;
    let contiguous = (1..=n).all(|i| parts.contains_key(&i));
    let small = (1..n).any(|i| parts.get(&i).copied().unwrap_or(0) < 5 * MB);
    if n == 0 || !contiguous || small {
        return refuse(
            &mut s,
            path,
            2100005,
            "parts must be numbered from 1 and at least 5 MB but the last",
        );
    }
    s.content.uploads.remove(&upload);
    s.content.counter += 1;
    let id = format!("v0200f450000sim{:08}", s.content.counter);
    s.content.videos.insert(id.clone(), parts.values().sum());
    s.log.push((path.into(), 0));
    ok(json!({"video": {"video_id": id, "width": 1080, "height": 1920}}))
}

async fn upload_image(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    q: Q,
    form: Multipart,
) -> Response {
    let path = "/api/douyin/v1/video/upload_image/";
    if let Err(r) = enter(&sim, path, &headers, &q) {
        return *r;
    }
    let bytes = file(form, "image").await;
    let mut s = lock_or_500!(sim);
    if !bytes.is_some_and(|b| !b.is_empty() && b.len() <= 20 * MB) {
        return refuse(&mut s, path, 2100005, "Parameter error");
    };
    s.content.counter += 1;
    let id = format!("image{:08}", s.content.counter);
    s.content.images.push(id.clone());
    s.log.push((path.into(), 0));
    ok(json!({"image": {"image_id": id, "width": 1080, "height": 1440}}))
}

/// A minimal MP4 of `duration_ms` (ftyp, moov with a version-0 mvhd) padded with `mdat` to
/// `size` bytes: enough for ShopBridge's checks and the simulator's, for tests and the demo.
pub fn sample_mp4(duration_ms: u32, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size.max(160));
    out.extend_from_slice(&20u32.to_be_bytes());
    out.extend_from_slice(b"ftypisom\0\0\x02\0mp41");
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&duration_ms.to_be_bytes());
    out.extend_from_slice(&(16 + mvhd.len() as u32).to_be_bytes());
    out.extend_from_slice(b"moov");
    out.extend_from_slice(&(8 + mvhd.len() as u32).to_be_bytes());
    out.extend_from_slice(b"mvhd");
    out.extend_from_slice(&mvhd);
    let padding = size.saturating_sub(out.len() + 8);
    out.extend_from_slice(&(8 + padding as u32).to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.resize(out.len() + padding, 0);
    out
}
