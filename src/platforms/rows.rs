//! One product or order (with its lines) from 抖店's lists into SQLite, by its natural key, so
//! a page read twice never makes a second row. Money stays in fen; buyer data stays as sent.

use serde_json::Value;

use crate::douyin::wire::{int_of, text_of};

fn s(item: &Value, key: &str) -> String {
    item.get(key).and_then(text_of).unwrap_or_default()
}

fn n(item: &Value, key: &str) -> Option<i64> {
    item.get(key).and_then(int_of)
}

/// An attribution id: 0 and "" both mean none.
fn id_or_empty(item: &Value, key: &str) -> String {
    let v = s(item, key);
    if v == "0" {
        String::new()
    } else {
        v
    }
}

pub async fn upsert_product(
    tx: &mut sqlx::AnyConnection,
    shop: i64,
    item: &Value,
    now: i64,
) -> sqlx::Result<()> {
    let product_id = s(item, "product_id");
    if product_id.is_empty() {
        return Ok(());
    }
    let c = &item["category_detail"];
    let category = ["first_cname", "second_cname", "third_cname", "fourth_cname"]
        .iter()
        .map(|k| s(c, k))
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    let mut raw = item.to_string();
    if raw.len() > 16 * 1024 {
        raw = "{}".into();
    }
    sqlx::query(
        "INSERT INTO shop_products (shop_row, product_id, name, img, status, check_status, \
         outer_product_id, category, create_time, update_time, raw, synced_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (shop_row, product_id) DO UPDATE \
         SET name = excluded.name, img = excluded.img, status = excluded.status, \
         check_status = excluded.check_status, outer_product_id = excluded.outer_product_id, \
         category = excluded.category, create_time = excluded.create_time, \
         update_time = excluded.update_time, raw = excluded.raw, synced_at = excluded.synced_at",
    )
    .bind(shop)
    .bind(&product_id)
    .bind(s(item, "name"))
    .bind(s(item, "img"))
    .bind(n(item, "status"))
    .bind(n(item, "check_status"))
    .bind(s(item, "outer_product_id"))
    .bind(category)
    .bind(n(item, "create_time"))
    .bind(n(item, "update_time"))
    .bind(raw)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn upsert_order(
    tx: &mut sqlx::AnyConnection,
    shop: i64,
    item: &Value,
    now: i64,
) -> sqlx::Result<()> {
    let order_id = s(item, "order_id");
    if order_id.is_empty() {
        return Ok(());
    }
    let fen = |k: &str| n(item, k).unwrap_or(0);
    let row: i64 = sqlx::query_scalar(
        "INSERT INTO shop_orders (shop_row, order_id, order_status, status_desc, order_amount_fen, \
         pay_amount_fen, post_amount_fen, promotion_amount_fen, create_time, pay_time, update_time, \
         finish_time, doudian_open_id, encrypt_post_receiver, encrypt_post_tel, mask_post_receiver, \
         mask_post_tel, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (shop_row, order_id) DO UPDATE SET order_status = excluded.order_status, \
         status_desc = excluded.status_desc, order_amount_fen = excluded.order_amount_fen, \
         pay_amount_fen = excluded.pay_amount_fen, post_amount_fen = excluded.post_amount_fen, \
         promotion_amount_fen = excluded.promotion_amount_fen, pay_time = excluded.pay_time, \
         update_time = excluded.update_time, finish_time = excluded.finish_time, \
         encrypt_post_receiver = excluded.encrypt_post_receiver, \
         encrypt_post_tel = excluded.encrypt_post_tel, \
         mask_post_receiver = excluded.mask_post_receiver, mask_post_tel = excluded.mask_post_tel, \
         synced_at = excluded.synced_at RETURNING id",
    )
    .bind(shop)
    .bind(&order_id)
    .bind(n(item, "order_status"))
    .bind(s(item, "order_status_desc"))
    .bind(fen("order_amount"))
    .bind(fen("pay_amount"))
    .bind(fen("post_amount"))
    .bind(fen("promotion_amount"))
    .bind(n(item, "create_time"))
    .bind(n(item, "pay_time"))
    .bind(n(item, "update_time"))
    .bind(n(item, "finish_time"))
    .bind(s(item, "doudian_open_id"))
    .bind(s(item, "encrypt_post_receiver"))
    .bind(s(item, "encrypt_post_tel"))
    .bind(s(item, "mask_post_receiver"))
    .bind(s(item, "mask_post_tel"))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for line in item["sku_order_list"].as_array().into_iter().flatten() {
        let sku_order = s(line, "order_id");
        if sku_order.is_empty() {
            continue;
        }
        sqlx::query(
            "INSERT INTO shop_order_lines (order_row, sku_order_id, product_id, sku_id, \
             product_name, item_num, origin_amount_fen, pay_amount_fen, author_id, room_id, \
             video_id, content_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (order_row, sku_order_id) DO UPDATE SET item_num = excluded.item_num, \
             origin_amount_fen = excluded.origin_amount_fen, pay_amount_fen = excluded.pay_amount_fen, \
             author_id = excluded.author_id, room_id = excluded.room_id, \
             video_id = excluded.video_id, content_id = excluded.content_id",
        )
        .bind(row)
        .bind(&sku_order)
        .bind(s(line, "product_id"))
        .bind(s(line, "sku_id"))
        .bind(s(line, "product_name"))
        .bind(n(line, "item_num").unwrap_or(0))
        .bind(n(line, "origin_amount").unwrap_or(0))
        .bind(n(line, "pay_amount").unwrap_or(0))
        .bind(id_or_empty(line, "author_id"))
        .bind(id_or_empty(line, "room_id"))
        .bind(id_or_empty(line, "video_id"))
        .bind(id_or_empty(line, "content_id"))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
