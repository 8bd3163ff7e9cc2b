//! How the Ozon simulator answers a request: key checks, the swagger check, rate limits, odd shapes, then the method.

use super::*;

/// Every method: credentials, rate limit, then the method itself; each call is logged.
pub(super) async fn dispatch(
    State(sim): State<OzonSim>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let path = uri.path().to_string();
    sim.record(path.clone());
    let delay = sim
        .catalog
        .lock()
        .map(|mut c| c.delay_for(&path))
        .unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let json_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let response = if REMOVED.contains(&path.as_str()) || json_type {
        let raw: &[u8] = if body.is_empty() { b"{}" } else { &body };
        match serde_json::from_slice::<Value>(raw) {
            Ok(body) => answer(&sim, &path, &headers, body),
            Err(_) => {
                let body = json!({"code": 3, "message": "invalid character in request body", "details": []});
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
        }
    } else {
        fixture_error(400, 4)
    };
    let lost = match sim.catalog.lock() {
        Ok(mut catalog) => {
            catalog.log.push(LoggedCall {
                path: path.clone(),
                status: response.status().as_u16(),
            });
            catalog.lose_reply(&path)
        }
        Err(_) => false,
    };
    if lost {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    // Logged with its real status above; sent, in odd-shapes mode, perhaps inside HTTP 200.
    odd_status(&sim, response).await
}

fn answer(sim: &OzonSim, path: &str, headers: &HeaderMap, body: Value) -> Response {
    if REMOVED.contains(&path) {
        let body = json!({"code": 12, "message": "obsolete method cannot be used"});
        return (StatusCode::GONE, Json(body)).into_response();
    }
    let account = match sim.authenticate(headers) {
        Ok(account) => account,
        Err((status, code)) => return fixture_error(status, code),
    };
    if let Some(refused) = key_refusal(&account) {
        return refused;
    }
    // The gateway checks the body against the method's schema before anything else.
    let invalid = schema::request_errors(path, &body);
    if let Some(first) = invalid.first() {
        let message = format!("proto: invalid request body: {first}");
        let body = json!({"code": 3, "message": message, "details": []});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let Ok(mut catalog) = sim.catalog.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(wait) = catalog.throttled(path) {
        let mut res = fixture_error(429, 8);
        res.headers_mut().insert("retry-after", wait.into());
        return res;
    }
    if path == "/v2/products/stocks" {
        if let Some(refused) = catalog.stocks_request_refusal(&account.client_id, &body) {
            return refused;
        }
    }
    if let Some(wait) = catalog.over_rate(&account.client_id) {
        let mut res = fixture_error(429, 8);
        let h = res.headers_mut();
        h.insert("retry-after", wait.into());
        h.insert("ratelimit-remaining", 0.into());
        return res;
    }
    let odd = catalog.odd_call();
    if odd.is_some_and(|n| n % odd::HTML_EVERY == 0) {
        // A gateway page before the call is carried out: the client must try again.
        let page = odd::HTML_PAGE;
        return (
            StatusCode::BAD_GATEWAY,
            [(axum::http::header::CONTENT_TYPE, "text/html")],
            page,
        )
            .into_response();
    }
    if let Some(fault) = catalog.fault() {
        let body = json!({"code": 13, "message": fault, "details": []});
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
    }
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}");
    let reply = match path {
        "/v1/roles" => return roles_body(&account),
        "/v3/product/list" => catalog.product_list(&body),
        "/v3/product/info/list" => catalog.product_info(&body, &base),
        "/v1/product/import/prices" => catalog.import_prices(&body),
        "/v2/products/stocks" => catalog.update_stocks(&body),
        "/v5/product/info/prices" => catalog.prices_info(&body),
        "/v4/product/info/stocks" => catalog.stocks_info(&body),
        "/v3/product/import" => catalog.import_products(&body),
        "/v1/product/import/info" => catalog.import_info(&body),
        "/v2/warehouse/list" => {
            let list: Vec<Value> = WAREHOUSES
                .iter()
                .enumerate()
                .map(|(n, (id, name))| json!({"warehouse_id": id, "name": name, "status": "created", "is_rfbs": n == 1}))
                .collect();
            json!({"warehouses": list, "cursor": "", "has_next": false})
        }
        "/v2/product/pictures/import" => catalog.import_pictures(&body),
        "/v2/product/pictures/info" => catalog.pictures_info(&body, &base),
        "/v1/description-category/tree" => categories::tree(),
        "/v1/description-category/attribute" => {
            categories::attributes_requiring(&catalog.config.now_required)
        }
        "/v1/description-category/attribute/values" => {
            categories::values(&body, &catalog.config.withdrawn_values)
        }
        "/v1/description-category/attribute/values/search" => categories::search(&body),
        "/v4/product/info/limit" => catalog.limits(),
        "/v1/product/import-by-sku" => catalog.import_by_sku(&body),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut codes = Vec::new();
    item_error_codes(&reply, "", &mut codes);
    for (offer_id, code) in codes {
        catalog.item_errors.push((path.to_string(), offer_id, code));
    }
    let mut reply = reply;
    if let Some(n) = odd {
        odd::reshape(&mut reply, n);
    }
    Json(reply).into_response()
}

/// In odd-shapes mode, an error may come with HTTP 200 (every other one here): its body and
/// headers unchanged, so only a client that reads the body first gets it right.
async fn odd_status(sim: &OzonSim, response: Response) -> Response {
    let odd = sim
        .catalog
        .lock()
        .map(|c| c.config.odd_shapes)
        .unwrap_or(false);
    let status = response.status();
    if !odd || status.is_success() || status == StatusCode::GONE {
        return response;
    }
    let flip = sim.calls.lock().map(|c| c.len() % 2 == 0).unwrap_or(false);
    if !flip {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.status = StatusCode::OK;
    Response::from_parts(parts, body)
}

/// Every `(offer_id, code)` of a per-item error in an answer (inside `errors` arrays).
fn item_error_codes(value: &Value, offer_id: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            let offer_id = map
                .get("offer_id")
                .and_then(Value::as_str)
                .unwrap_or(offer_id);
            if let Some(Value::Array(errors)) = map.get("errors") {
                for e in errors {
                    if let Some(code) = e.get("code").and_then(Value::as_str) {
                        out.push((offer_id.to_string(), code.to_string()));
                    }
                }
            }
            for (key, v) in map {
                if key != "errors" {
                    item_error_codes(v, offer_id, out);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| item_error_codes(v, offer_id, out)),
        _ => {}
    }
}
