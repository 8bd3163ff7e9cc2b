//! A shop's catalogue and orders at volume, in 抖店's own list shapes (the fixtures' items with
//! new ids, names, times and amounts), for `shopbridge demo --scale N` and the page benchmark.
//! Deterministic: item `i` is always the same, so seeding twice stores nothing new.

use serde_json::{json, Value};

use super::{fixture, ORDER_FIXTURE, PRODUCT_FIXTURE};

/// What a product is; with `STYLES`, names like "便携 保温杯 000123" (so a search for 保温杯
/// finds one product in twenty).
const ITEMS: &[&str] = &[
    "保温杯",
    "手机壳",
    "连衣裙",
    "蓝牙耳机",
    "收纳盒",
    "瑜伽垫",
    "儿童书包",
    "不锈钢锅",
    "护手霜",
    "运动鞋",
    "四件套",
    "充电宝",
    "茶叶礼盒",
    "猫粮",
    "加湿器",
    "行李箱",
    "电动牙刷",
    "雨伞",
    "卫衣",
    "台灯",
];
const STYLES: &[&str] = &[
    "夏季新款",
    "加厚",
    "便携",
    "大容量",
    "网红同款",
    "简约",
    "国潮",
    "静音",
    "轻薄",
    "升级款",
];
/// 抖店 order states and their share (of 20): mostly finished, some cancelled.
const STATES: &[(i64, &str, u64)] = &[
    (5, "已完成", 11),
    (3, "已发货", 3),
    (2, "备货中", 2),
    (105, "已支付", 2),
    (4, "已取消", 2),
];

const PRODUCT_BASE: i64 = 3_600_000_000_000_000_000;
const ORDER_BASE: u64 = 6_930_000_000_000_000_000;

/// splitmix64: a well-mixed number from `i`, so choices look random but repeat.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub struct Volume {
    product: Value,
    order: Value,
    /// How many products the orders draw from.
    pub products: usize,
}

impl Volume {
    pub fn new(products: usize) -> Self {
        Volume {
            product: fixture(PRODUCT_FIXTURE)["data"]["data"][0].clone(),
            order: fixture(ORDER_FIXTURE)["data"]["shop_order_list"][0].clone(),
            products: products.max(1),
        }
    }

    pub fn product_name(i: usize) -> String {
        let style = STYLES[i % STYLES.len()];
        let item = ITEMS[(i / STYLES.len()) % ITEMS.len()];
        format!("{style} {item} {i:06}")
    }

    /// Product `i`, last updated at `t`.
    pub fn product(&self, i: usize, t: i64) -> Value {
        let mut p = self.product.clone();
        p["product_id"] = json!(PRODUCT_BASE + i as i64);
        p["name"] = json!(Self::product_name(i));
        p["outer_product_id"] = json!(format!("VOL-{i:06}"));
        p["create_time"] = json!(t - 86_400);
        p["update_time"] = json!(t);
        p["status"] = json!(if mix(i as u64).is_multiple_of(10) {
            1
        } else {
            0
        });
        p
    }

    /// Order `i`, created at `t`: half of the orders buy one of the first hundred products
    /// (a shop's best sellers), the rest any product; a third each come from a short video, a
    /// live room and an author, out of a few hundred of each.
    pub fn order(&self, i: usize, t: i64) -> Value {
        let mut o = self.order.clone();
        let r = mix(i as u64);
        let product = if r.is_multiple_of(2) {
            (r >> 8) as usize % self.products.min(100)
        } else {
            (r >> 8) as usize % self.products
        };
        let mut pick = (r >> 40) % 20;
        let (status, desc) = STATES
            .iter()
            .find(|(_, _, share)| {
                let hit = pick < *share;
                pick = pick.saturating_sub(*share);
                hit
            })
            .map(|(s, d, _)| (*s, *d))
            .unwrap_or((5, "已完成"));
        let units = 1 + (r >> 20) % 3;
        let price = 990 + ((r >> 24) % 200) as i64 * 100;
        let fen = price * units as i64;
        let id = ORDER_BASE + i as u64 * 10;
        o["order_id"] = json!(id.to_string());
        o["create_time"] = json!(t);
        o["pay_time"] = json!(t + 60);
        o["update_time"] = json!(t + 100);
        o["order_amount"] = json!(fen);
        o["pay_amount"] = json!(fen);
        o["order_status"] = json!(status);
        o["order_status_desc"] = json!(desc);
        if let Some(line) = o["sku_order_list"].get_mut(0) {
            line["order_id"] = json!((id + 1).to_string());
            line["parent_order_id"] = json!(id.to_string());
            line["product_id"] = json!(PRODUCT_BASE + product as i64);
            line["product_name"] = json!(Self::product_name(product));
            line["item_num"] = json!(units);
            line["origin_amount"] = json!(fen);
            line["pay_amount"] = json!(fen);
            let source = (r >> 48) as usize;
            line["video_id"] = json!(if i.is_multiple_of(3) {
                format!("v0300vol{:04}", source % 300)
            } else {
                String::new()
            });
            line["room_id"] = json!(if i % 3 == 1 {
                7_300_000 + (source % 200) as i64
            } else {
                0
            });
            line["author_id"] = json!(if i % 3 == 2 {
                4_300_000 + (source % 500) as i64
            } else {
                0
            });
        }
        o
    }
}
