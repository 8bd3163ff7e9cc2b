//! The service market's authorize page and the pictures the simulator serves.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::{DoudianSim, DEMO_SERVICE_ID};

/// A product picture, so pages show something offline.
pub(super) async fn image(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let shade = file.bytes().fold(0u8, |a, b| a.wrapping_add(b));
    (
        [(axum::http::header::CONTENT_TYPE, "image/png")],
        crate::sim::png::png_of_size(2_000, shade),
    )
        .into_response()
}

pub(super) async fn authorize_page(Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("service_id") != DEMO_SERVICE_ID {
        return (
            StatusCode::BAD_REQUEST,
            Html("<h1>服务不存在</h1>".to_string()),
        )
            .into_response();
    }
    let link = crate::douyin::client::with_query(
        "http://sim/authorize/approve",
        &[("state", &get("state"))],
    );
    let link = link.trim_start_matches("http://sim").replace('&', "&amp;");
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>抖店服务市场授权（模拟）</title>\
         <body><h1>抖店服务市场（模拟器）</h1><p>授权店铺「测试店铺」使用该服务</p>\
         <p><a id=\"approve\" href=\"{link}\">确认授权</a></p></body></html>"
    ))
    .into_response()
}

pub(super) async fn approve(
    State(sim): State<DoudianSim>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = sim.clock.now();
    let Ok(mut s) = sim.state.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    s.counter += 1;
    let code = format!("ddcode{:08}", s.counter);
    let shop = s.shops[0].shop_id.clone();
    s.codes.insert(code.clone(), (shop, now, false));
    let state = q.get("state").cloned().unwrap_or_default();
    let target =
        crate::douyin::client::with_query(&s.callback, &[("code", &code), ("state", &state)]);
    Redirect::to(&target).into_response()
}
