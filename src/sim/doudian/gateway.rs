//! 抖店's signed gateway: method from the path, parameter and signature checks, the timestamp window, throttling and token refusals, then the method; every answer in the gateway's envelope.

use super::*;

fn answer(
    s: &mut DoudianState,
    method: &str,
    result: Result<Value, (i64, &str, &str)>,
) -> Response {
    let body = match result {
        Ok(data) => {
            s.log.push((method.to_string(), 10000));
            json!({"code": 10000, "msg": "success", "sub_code": "", "sub_msg": "",
                   "log_id": format!("sim{:020}", s.log.len()), "data": data})
        }
        Err((code, sub_code, sub_msg)) => {
            s.log.push((method.to_string(), code));
            let msg = match code {
                40001 => "缺少必选参数",
                40003 => "非法的参数",
                30001 => "权限不足",
                50001 => "服务端处理失败",
                60000 => "触发限流",
                _ => "业务处理失败",
            };
            json!({"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg,
                   "log_id": format!("sim{:020}", s.log.len()), "data": null})
        }
    };
    Json(body).into_response()
}

/// 60000: 触发限流.
const THROTTLED: Refusal = (60000, "", "触发限流，请稍后重试");

/// How far `timestamp` may be from the wall clock (the gateway's freshness check; its exact
/// window is not published, ten minutes is the common SDK figure).
const TIMESTAMP_SLACK: i64 = 600;

pub(super) async fn gateway(
    State(sim): State<DoudianSim>,
    OriginalUri(uri): OriginalUri,
    headers: axum::http::HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let now = sim.clock.now();
    let delay = sim.state.lock().map(|s| s.delay).unwrap_or_default();
    if !delay.is_zero() && !uri.path().starts_with("/token") {
        tokio::time::sleep(delay).await;
    }
    let Ok(mut s) = sim.state.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let method = method_of(uri.path());
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let param_json = String::from_utf8_lossy(&body).to_string();
    let how = SignMethod::parse(q.get("sign_method").map(String::as_str));
    let expected = how.map(|h| {
        sign(
            h,
            DEMO_APP_KEY,
            DEMO_APP_SECRET,
            &method,
            &param_json,
            &get("timestamp"),
        )
    });
    // The gateway's checks, in the platform's own codes (`wire/field-facts-2026-12.md`).
    if get("sign").is_empty() {
        return answer(
            &mut s,
            &method,
            Err((40001, "isv.signature-missing", "缺少签名")),
        );
    }
    if get("app_key") != DEMO_APP_KEY
        || get("method") != method
        || get("v") != "2"
        || expected.as_deref() != Some(get("sign").as_str())
    {
        return answer(
            &mut s,
            &method,
            Err((40003, "isv.signature-invalid", "签名校验失败")),
        );
    }
    // `timestamp` is Unix seconds on the wall clock, refused when stale or malformed.
    match get("timestamp").parse::<i64>() {
        Err(_) => {
            return answer(
                &mut s,
                &method,
                Err((40003, "isv.timestamp-format-error", "timestamp 格式错误")),
            )
        }
        Ok(t) if (t - crate::common::clock::now_unix()).abs() > TIMESTAMP_SLACK => {
            return answer(
                &mut s,
                &method,
                Err((40003, "isv.timestamp-invalid", "timestamp 已过期")),
            )
        }
        Ok(_) => {}
    }
    if s.throttle_next > 0 {
        s.throttle_next -= 1;
        return answer(&mut s, &method, Err(THROTTLED));
    }
    if s.rps > 0 {
        let (start, n) = s.window;
        if start.elapsed() >= Duration::from_secs(1) {
            s.window = (Instant::now(), 1);
        } else if n >= s.rps {
            return answer(&mut s, &method, Err(THROTTLED));
        } else {
            s.window.1 += 1;
        }
    }
    if let Some(refusal) = s.fail_next.take() {
        return answer(&mut s, &method, Err(refusal));
    }
    let Ok(params) = serde_json::from_str::<Value>(&param_json) else {
        return answer(&mut s, &method, Err(BAD_PARAM));
    };
    let result = match method.as_str() {
        "token.create" => token_create(&mut s, &params, now),
        "token.refresh" => token_refresh(&mut s, &params, now),
        m => match s.access.get(&get("access_token")).cloned() {
            None if get("access_token").is_empty() => {
                Err((40001, "isv.access-token-missing", "缺少 access_token"))
            }
            None => Err((40003, "isv.access-token-no-existed", "access_token 不存在")),
            Some((_, exp)) if exp <= now => {
                Err((40003, "isv.access-token-expired", "access_token 已过期"))
            }
            Some((shop, _)) if s.revoked.contains(&shop) => {
                Err((30001, "dop.authorization-no-existed", "店铺授权已失效"))
            }
            Some((shop, _)) => {
                let i = s.shops.iter().position(|x| x.shop_id == shop).unwrap_or(0);
                if m == "product.listV2" {
                    list_products(&s.shops[i], &params, &host)
                } else {
                    search_orders(&s.shops[i], &params)
                }
            }
        },
    };
    answer(&mut s, &method, result)
}
