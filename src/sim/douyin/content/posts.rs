//! Posts on the simulated Douyin account: `create_video` / `create_image_text` (answered from
//! the synthesized create fixture; the post is made before an optional delay), `video_list`
//! with review states and `video_data` statistics that grow with each read. There is no delete:
//! Douyin withdrew `/video/delete/` in October 2022.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{enter, fixture, ok, refuse, SimItem, CREATE_FIXTURE, Q, REFUSED_CODE};
use crate::sim::douyin::DouyinSim;

async fn create(sim: DouyinSim, path: &str, headers: HeaderMap, q: Q, body: Value) -> Response {
    let delay;
    let answer = {
        let (mut s, open_id) = match enter(&sim, path, &headers, &q) {
            Ok(entered) => entered,
            Err(r) => return *r,
        };
        // Posting for a user needs `video.create.bind`, granted only to enterprise website apps.
        let granted = s
            .accounts
            .values()
            .find(|a| a.open_id == open_id)
            .is_some_and(|a| {
                a.scope
                    .split(',')
                    .any(|sc| sc.trim() == "video.create.bind")
            });
        if !granted {
            return refuse(
                &mut s,
                path,
                2190004,
                "app has no permission for this ability: video.create.bind not authorized",
            );
        }
        let text = body["text"].as_str().unwrap_or_default().to_string();
        let video = body["video_id"].as_str().map(str::to_string);
        let images: Vec<String> = body["image_list"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let media_ok = match &video {
            Some(v) => s.content.videos.contains_key(v),
            None => {
                !images.is_empty()
                    && images.len() <= 30
                    && images.iter().all(|i| s.content.images.contains(i))
            }
        };
        if !media_ok {
            return refuse(
                &mut s,
                path,
                2100005,
                "Parameter error: unknown video_id or image_list",
            );
        }
        if body.get("poi_id").is_some() && body.get("micro_app_id").is_some() {
            return refuse(&mut s, path, 2100005, "only one anchor per video");
        }
        if text.contains("违禁") {
            return refuse(
                &mut s,
                path,
                REFUSED_CODE,
                "text contains prohibited content: 违禁",
            );
        }
        s.content.counter += 1;
        let item_id = format!("@sim{:08}+KPpR0qQOmLVAXb/T060zdRmYqig==", s.content.counter);
        s.content.items.push(SimItem {
            item_id: item_id.clone(),
            open_id,
            unfit: text.contains("拒审"),
            text,
            video_id: video,
            image_ids: images,
            at_users: body["at_users"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            body,
            // Posts are stamped with the wall clock, as Douyin's are.
            create_time: crate::common::clock::now_unix(),
            ..SimItem::default()
        });
        s.log.push((path.to_string(), 0));
        delay = s.content.create_delay;
        let mut answer = fixture(CREATE_FIXTURE);
        answer["data"]["item_id"] = json!(item_id);
        answer
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Json(answer).into_response()
}

pub(super) async fn create_video(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    q: Q,
    Json(body): Json<Value>,
) -> Response {
    create(sim, "/api/douyin/v1/video/create_video/", headers, q, body).await
}

pub(super) async fn create_image_text(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    q: Q,
    Json(body): Json<Value>,
) -> Response {
    create(
        sim,
        "/api/douyin/v1/video/create_image_text/",
        headers,
        q,
        body,
    )
    .await
}

fn listed(item: &SimItem) -> Value {
    let k = item.reads;
    json!({
        "item_id": item.item_id,
        "title": item.text,
        "cover": "",
        "create_time": item.create_time,
        "is_reviewed": item.reviewed,
        "video_status": if !item.reviewed { 4 } else if item.unfit { 2 } else { 5 },
        "media_type": if item.video_id.is_some() { 4 } else { 2 },
        "share_url": format!("https://www.iesdouyin.com/share/video/{}", item.item_id.len()),
        "statistics": {"play_count": 120 * k, "digg_count": 12 * k, "comment_count": 3 * k,
            "share_count": 2 * k, "download_count": 0, "forward_count": 0}
    })
}

pub(super) async fn video_list(State(sim): State<DouyinSim>, headers: HeaderMap, q: Q) -> Response {
    let path = "/api/douyin/v1/video/video_list/";
    let (mut s, open_id) = match enter(&sim, path, &headers, &q) {
        Ok(entered) => entered,
        Err(r) => return *r,
    };
    let cursor: usize = q.get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
    let count: usize = q
        .get("count")
        .and_then(|c| c.parse().ok())
        .unwrap_or(10)
        .clamp(1, 20);
    let mine: Vec<Value> = s
        .content
        .items
        .iter()
        .rev()
        .filter(|i| i.open_id == open_id && !i.deleted)
        .map(listed)
        .collect();
    // Reviewed from now on: the next listing shows the result.
    for i in s.content.items.iter_mut().filter(|i| i.open_id == open_id) {
        i.reviewed = true;
    }
    let page: Vec<Value> = mine.iter().skip(cursor).take(count).cloned().collect();
    let next = cursor + page.len();
    s.log.push((path.into(), 0));
    ok(json!({"list": page, "cursor": next, "has_more": next < mine.len()}))
}

pub(super) async fn video_data(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    q: Q,
    Json(body): Json<Value>,
) -> Response {
    let path = "/api/douyin/v1/video/video_data/";
    let (mut s, open_id) = match enter(&sim, path, &headers, &q) {
        Ok(entered) => entered,
        Err(r) => return *r,
    };
    let wanted: Vec<String> = body["item_ids"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if wanted.is_empty() || wanted.len() > 20 {
        return refuse(&mut s, path, 2100005, "item_ids: 1 to 20");
    }
    let mut list = Vec::new();
    for i in s.content.items.iter_mut() {
        if i.open_id == open_id && !i.deleted && wanted.contains(&i.item_id) {
            i.reads += 1;
            list.push(listed(i));
        }
    }
    s.log.push((path.into(), 0));
    ok(json!({"list": list}))
}
