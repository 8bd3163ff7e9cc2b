//! Plain routes of the 图片下载 page: live progress over SSE and a batch as a ZIP. Both need a
//! signed-in user.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::stream::{self, Stream};
use tower_sessions::Session;

use super::TaskView;
use crate::auth::guard::user_from_session;
use crate::server::state::AppState;
use crate::sheet::zip::{end_record, local_header, put_central, EntryInfo, Method};
use crate::storage::MediaStore;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ozon/images/tasks/{id}/events", get(events))
        .route("/ozon/images/tasks/{id}/zip", get(zip))
}

async fn signed_in(state: &AppState, session: &Session) -> bool {
    user_from_session(&state.pool, session).await.is_some()
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, message.to_string()).into_response()
}

fn event_of(view: &TaskView) -> Event {
    Event::default().data(serde_json::to_string(view).unwrap_or_default())
}

/// The task's view now, then at most every 250 ms while it changes, until it ends.
async fn events(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    if !signed_in(&state, &session).await {
        return refuse(StatusCode::UNAUTHORIZED, "请先登录");
    }
    let live = state.image_tasks.subscribe(id);
    let first = match state.image_tasks.view(id).await {
        Ok(view) => view,
        Err(err) => return refuse(StatusCode::NOT_FOUND, &err.to_string()),
    };
    let stream = stream::unfold(
        (Some(first), live, false),
        |(first, mut live, ended)| async move {
            if let Some(view) = first {
                let ended = view.status.is_final() || live.is_none();
                return Some((Ok::<_, Infallible>(event_of(&view)), (None, live, ended)));
            }
            if ended {
                return None;
            }
            let rx = live.as_mut()?;
            tokio::time::sleep(Duration::from_millis(250)).await;
            let closed = rx.changed().await.is_err();
            let view = rx.borrow_and_update().clone();
            let ended = closed || view.status.is_final();
            Some((Ok(event_of(&view)), (None, live, ended)))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Every stored image of the task in one ZIP (stored, not deflated: the images are
/// compressed already), streamed one image at a time.
async fn zip(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    if !signed_in(&state, &session).await {
        return refuse(StatusCode::UNAUTHORIZED, "请先登录");
    }
    let view = match state.image_tasks.view(id).await {
        Ok(view) => view,
        Err(err) => return refuse(StatusCode::NOT_FOUND, &err.to_string()),
    };
    let media = state.media.clone();
    let keys: Vec<(String, String)> = view
        .items
        .iter()
        .flat_map(|item| item.urls.iter())
        .filter_map(|url| media.key_of(url))
        .map(|key| {
            let parts: Vec<&str> = key.rsplitn(3, '/').collect();
            let name = match parts.as_slice() {
                [file, article, ..] => format!("{article}/{file}"),
                _ => key.clone(),
            };
            (key, name)
        })
        .collect();
    if keys.is_empty() {
        return refuse(StatusCode::NOT_FOUND, "这个任务还没有保存任何图片");
    }
    let body = axum::body::Body::from_stream(zip_stream(media, keys));
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ozon-images-{id}.zip\""),
            ),
        ],
        body,
    )
        .into_response()
}

struct ZipState {
    media: MediaStore,
    files: std::vec::IntoIter<(String, String)>,
    central: BytesMut,
    entries: u16,
    offset: u64,
    done: bool,
}

/// A ZIP writer for stored entries with UTF-8 names.
fn zip_stream(
    media: MediaStore,
    files: Vec<(String, String)>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    let state = ZipState {
        media,
        files: files.into_iter(),
        central: BytesMut::new(),
        entries: 0,
        offset: 0,
        done: false,
    };
    stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        for (key, name) in st.files.by_ref() {
            let data = match st.media.get(&key).await {
                Ok(data) => data,
                Err(err) => {
                    tracing::warn!(key = %key, error = %err, "object missing from the ZIP");
                    continue;
                }
            };
            if st.offset + data.len() as u64 > u64::from(u32::MAX) - 1024 * 1024 {
                tracing::warn!("ZIP would pass 4 GB; the rest is left out");
                break;
            }
            let info = EntryInfo {
                name: &name,
                method: Method::Stored,
                crc: crc32fast::hash(&data),
                size: data.len() as u32,
                compressed: data.len() as u32,
            };
            let mut chunk = local_header(&info);
            chunk.put_slice(&data);
            put_central(&mut st.central, &info, st.offset as u32);

            st.entries += 1;
            st.offset += chunk.len() as u64;
            return Some((Ok(chunk.freeze()), st));
        }
        st.done = true;
        let mut end = std::mem::take(&mut st.central);
        let central_size = end.len() as u32;
        end.put(end_record(st.entries, central_size, st.offset as u32));
        Some((Ok(end.freeze()), st))
    })
}
