//! The demo's promotions, made through the same doors a user takes: drafts saved by server
//! function, media uploaded through the multipart form, publishing confirmed with 是否同步. Some
//! of the demo shop's orders are attributed to the published post and to the live room, so 推广
//! and 统计 show effects.

use std::time::Duration;

use anyhow::{bail, Context};
use serde_json::Value;

use super::visitor::Visitor;
use crate::sim::doudian::DoudianSim;
use crate::sim::douyin::content::sample_mp4;

/// The live room the demo's live preview and some of its orders share.
const DEMO_ROOM: i64 = 7_100_001;

impl Visitor {
    async fn save(&self, account: &str, fields: &[(&str, &str)]) -> anyhow::Result<i64> {
        let mut form = vec![
            ("form[id]", "0"),
            ("form[account_id]", account),
            ("form[shop_row]", "0"),
            ("form[mentions]", ""),
            ("form[product_ids]", ""),
            ("form[cover_tsp]", ""),
            ("form[poi_id]", ""),
            ("form[micro_app_id]", ""),
            ("form[micro_app_title]", ""),
            ("form[micro_app_url]", ""),
            ("form[room_id]", ""),
            ("form[publish_at]", ""),
        ];
        for (k, v) in fields {
            form.retain(|(f, _)| f != k);
            form.push((k, v));
        }
        self.call("promotion_save", &form)
            .await?
            .as_i64()
            .context("草稿没有编号")
    }

    async fn upload(&self, id: i64, field: &str, name: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let res = self
            .http
            .post(format!("{}/promotions/{id}/media", self.base))
            .header("cookie", &self.cookie)
            .header("accept", "application/json")
            .multipart(reqwest::multipart::Form::new().part(field.to_string(), part))
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("上传 {name}：{}", res.text().await.unwrap_or_default());
        }
        Ok(())
    }

    async fn publish(&self, id: i64) -> anyhow::Result<()> {
        let id = id.to_string();
        self.call("promotion_publish", &[("id", &id), ("confirm", "true")])
            .await
            .map(|_| ())
    }

    /// Waits up to 30 s for promotion `id` to leave 待发布/发布中; returns its detail.
    async fn settled(&self, id: i64) -> anyhow::Result<Value> {
        let sid = id.to_string();
        for _ in 0..150 {
            let d = self
                .call("promotion_detail", &[("id", &sid), ("flash", "false")])
                .await?;
            if !matches!(d["state"].as_str(), Some("scheduled" | "publishing")) {
                return Ok(d);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("推广 {id} 没有发布完成")
    }
}

/// Seeds the promotions; call after Douyin is connected and before 抖店 is, so the shop's first
/// sync already sees the attributed orders.
pub async fn seed(me: &Visitor, doudian: &DoudianSim) -> anyhow::Result<()> {
    let blank = me
        .call("promotion_detail", &[("id", "0"), ("flash", "false")])
        .await?;
    let account = blank["form"]["account_id"]
        .as_i64()
        .unwrap_or(0)
        .to_string();

    let video = me
        .save(
            &account,
            &[
                ("form[kind]", "video"),
                ("form[title]", "【演示】冬季新品短视频"),
                ("form[body]", "冬季新品上市，暖到心里 #好物推荐 #冬季穿搭"),
                ("form[cover_tsp]", "1.5"),
            ],
        )
        .await?;
    me.upload(
        video,
        "video",
        "冬季新品.mp4",
        sample_mp4(38_000, 2 * 1024 * 1024),
    )
    .await?;
    me.publish(video).await?;
    let done = me.settled(video).await?;
    let item = done["item_id"].as_str().unwrap_or_default().to_string();
    if !item.is_empty() {
        doudian.attribute_orders(0, 0..24, &item, 0, None);
    }

    let images = me
        .save(
            &account,
            &[
                ("form[kind]", "image_text"),
                ("form[title]", "【演示】买家秀合集"),
                ("form[body]", "买家秀合集，谢谢大家的支持 #买家秀"),
            ],
        )
        .await?;
    for (n, shade) in [40u8, 120, 200].into_iter().enumerate() {
        let png = crate::sim::png::png_of_size(60_000, shade);
        me.upload(images, "images", &format!("买家秀{}.png", n + 1), png)
            .await?;
    }
    me.publish(images).await?;
    me.settled(images).await?;

    let live_at = crate::ui::time::format_timestamp(crate::common::clock::now_unix() + 2 * 86_400);
    let room = DEMO_ROOM.to_string();
    let live = me
        .save(
            &account,
            &[
                ("form[kind]", "live"),
                ("form[title]", "【演示】周末直播预告"),
                ("form[body]", "周末晚 8 点直播，福利多多 #直播预告"),
                ("form[room_id]", &room),
                ("form[publish_at]", &live_at[..16]),
            ],
        )
        .await?;
    me.publish(live).await?;
    doudian.attribute_orders(0, 24..36, "", DEMO_ROOM, None);

    let refused = me
        .save(
            &account,
            &[
                ("form[kind]", "video"),
                ("form[title]", "【演示】被平台拒绝的示例"),
                ("form[body]", "全网最低价 违禁 示例文案"),
            ],
        )
        .await?;
    me.upload(refused, "video", "示例.mp4", sample_mp4(12_000, 512 * 1024))
        .await?;
    me.publish(refused).await?;
    me.settled(refused).await?;

    me.save(
        &account,
        &[
            ("form[kind]", "video"),
            ("form[title]", "【演示】春节预热（草稿）"),
            ("form[body]", "春节预热 #年货节"),
        ],
    )
    .await?;
    // Two read-backs: the first asks for the review, the second sees it and the statistics.
    for _ in 0..2 {
        me.call("promotions_readback", &[]).await?;
    }
    Ok(())
}
