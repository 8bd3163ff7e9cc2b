//! `token/create`, `token/refresh`, `product/listV2` and `order/searchList` as the simulator
//! answers them.

use serde_json::{json, Value};

use super::{fixture, DoudianState, Refusal, SimShop, BAD_PARAM, TOKEN_FIXTURE};
use crate::douyin::wire::{int_of, text_of};

fn window(p: &Value, start: &str, end: &str) -> (i64, i64) {
    (
        p.get(start).and_then(int_of).unwrap_or(i64::MIN),
        p.get(end).and_then(int_of).unwrap_or(i64::MAX),
    )
}

pub(super) fn list_products(shop: &SimShop, p: &Value, host: &str) -> Result<Value, Refusal> {
    let page = p.get("page").and_then(int_of).unwrap_or(1);
    let size = p.get("size").and_then(int_of).unwrap_or(10);
    if page < 1 || !(1..=100).contains(&size) {
        return Err(BAD_PARAM);
    }
    if page * size > 10_000 {
        return Err((
            40003,
            "isv.parameter-format-invalid",
            "page*size 不能超过 10000",
        ));
    }
    // Both boundary seconds are excluded (official SDK: "不包含入参时间").
    let (from, to) = window(p, "update_start_time", "update_end_time");
    let mut hits: Vec<&Value> = shop
        .products
        .iter()
        .filter(|x| {
            let t = x["update_time"].as_i64().unwrap_or(0);
            from < t && t < to
        })
        .collect();
    hits.sort_by_key(|x| (x["update_time"].as_i64(), x["product_id"].as_i64()));
    let skip = ((page - 1) * size) as usize;
    let data: Vec<Value> = hits
        .iter()
        .skip(skip)
        .take(size as usize)
        .map(|v| {
            // The fixture's picture is on 抖店's CDN; the simulator serves its own.
            let mut v = (*v).clone();
            let name = format!("{}.png", text_of(&v["product_id"]).unwrap_or_default());
            v["img"] = json!(format!("http://{host}/doudian-img/{name}"));
            v
        })
        .collect();
    Ok(json!({"total": hits.len(), "page": page, "size": size, "data": data}))
}

pub(super) fn search_orders(shop: &SimShop, p: &Value) -> Result<Value, Refusal> {
    let page = p.get("page").and_then(int_of).unwrap_or(0);
    let size = p.get("size").and_then(int_of).unwrap_or(10);
    if page < 0 || !(1..=100).contains(&size) {
        return Err(BAD_PARAM);
    }
    let (from, to) = window(p, "update_time_start", "update_time_end");
    if from == i64::MIN || to == i64::MAX {
        return Err((40001, "", "需要时间范围"));
    }
    let mut hits: Vec<&Value> = shop
        .orders
        .iter()
        .filter(|x| (from..=to).contains(&x["update_time"].as_i64().unwrap_or(0)))
        .collect();
    // `create_time` descending unless the caller asks otherwise (`order_by`, `order_asc`).
    let by = match p.get("order_by").and_then(text_of).as_deref() {
        None | Some("") | Some("create_time") => "create_time",
        Some("update_time") => "update_time",
        Some(_) => return Err(BAD_PARAM),
    };
    hits.sort_by_key(|x| (x[by].as_i64(), text_of(&x["order_id"])));
    let ascending = p
        .get("order_asc")
        .is_some_and(|v| v.as_bool() == Some(true));
    if !ascending {
        hits.reverse();
    }
    let skip = (page * size) as usize;
    let list: Vec<Value> = hits
        .iter()
        .skip(skip)
        .take(size as usize)
        .map(|v| (*v).clone())
        .collect();
    Ok(json!({"total": hits.len(), "page": page, "size": size, "shop_order_list": list}))
}

fn issue_tokens(s: &mut DoudianState, shop: &str, now: i64) -> Value {
    s.counter += 1;
    let n = s.counter;
    let access = format!("4a0a3d31-sim-{n:06}-{}", now % 100_000);
    let refresh = format!("2ecd9731-sim-{n:06}-{}", now % 100_000);
    s.access
        .insert(access.clone(), (shop.to_string(), now + s.access_life));
    s.refresh
        .insert(refresh.clone(), (shop.to_string(), now + s.refresh_life));
    let name = s
        .shops
        .iter()
        .find(|x| x.shop_id == shop)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let mut data = fixture(TOKEN_FIXTURE)["data"].clone();
    data["access_token"] = json!(access);
    data["refresh_token"] = json!(refresh);
    data["expires_in"] = json!(s.access_life);
    data["shop_id"] = json!(shop);
    data["shop_name"] = json!(name);
    data
}

pub(super) fn token_create(s: &mut DoudianState, p: &Value, now: i64) -> Result<Value, Refusal> {
    let code = p.get("code").and_then(text_of).unwrap_or_default();
    if p.get("grant_type").and_then(text_of).as_deref() != Some("authorization_code") {
        return Err(BAD_PARAM);
    }
    let life = s.code_life;
    let Some(entry) = s.codes.get_mut(&code) else {
        return Err((
            50001,
            "dop.token-generate-failed:code-invalid",
            "授权码无效",
        ));
    };
    if entry.2 || now - entry.1 > life {
        entry.2 = true;
        return Err((
            50001,
            "dop.token-generate-failed:code-expired",
            "授权码已过期或已使用",
        ));
    }
    entry.2 = true;
    let shop = entry.0.clone();
    Ok(issue_tokens(s, &shop, now))
}

pub(super) fn token_refresh(s: &mut DoudianState, p: &Value, now: i64) -> Result<Value, Refusal> {
    let token = p.get("refresh_token").and_then(text_of).unwrap_or_default();
    match s.refresh.remove(&token) {
        Some((shop, exp)) if exp > now => Ok(issue_tokens(s, &shop, now)),
        _ => Err((
            50001,
            "dop.token-generate-failed:token-expired",
            "refresh_token 已过期，请重新授权",
        )),
    }
}
