//! Douyin's content calls (`wire/douyin-api.md` §3): the `access-token` header and `open_id` in
//! the query; uploads are multipart (`video`, `image`); answers use the `data`/`extra` envelope
//! with errors inside HTTP 200. No error text carries a URL.

use std::time::Duration;

use serde_json::{json, Value};

use super::client::{json_of, transport, with_query, CallError};
use super::wire::{douyin_data, int_of, text_of};
use crate::common::secret::Secret;

#[derive(Clone, Debug)]
pub struct Content {
    http: reqwest::Client,
    base: String,
}

/// One of the account's posts as `video_list` / `video_data` describe it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    pub item_id: String,
    pub title: String,
    pub create_time: i64,
    pub is_reviewed: bool,
    pub video_status: i64,
    pub share_url: String,
    pub play: i64,
    pub digg: i64,
    pub comment: i64,
    pub share: i64,
}

impl Item {
    pub fn from_value(v: &Value) -> Item {
        let int = |v: Option<&Value>| v.and_then(int_of).unwrap_or(0);
        let stats = v.get("statistics").unwrap_or(&Value::Null);
        Item {
            item_id: v.get("item_id").and_then(text_of).unwrap_or_default(),
            title: v.get("title").and_then(text_of).unwrap_or_default(),
            create_time: int(v.get("create_time")),
            is_reviewed: v
                .get("is_reviewed")
                .map(|b| b.as_bool().unwrap_or_else(|| int_of(b) == Some(1)))
                .unwrap_or(false),
            video_status: int(v.get("video_status")),
            share_url: v.get("share_url").and_then(text_of).unwrap_or_default(),
            play: int(stats.get("play_count").or_else(|| stats.get("play"))),
            digg: int(stats.get("digg_count").or_else(|| stats.get("digg"))),
            comment: int(stats.get("comment_count").or_else(|| stats.get("comment"))),
            share: int(stats.get("share_count").or_else(|| stats.get("share"))),
        }
    }
}

/// One page of `video_list`.
pub struct ItemPage {
    pub items: Vec<Item>,
    pub cursor: i64,
    pub has_more: bool,
}

impl Content {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Content {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(Duration::from_secs(12))
                // A 20 MB part on a slow uplink.
                .timeout(Duration::from_secs(300))
                .build()?,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    fn url(&self, path: &str, open_id: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![("open_id", open_id)];
        pairs.extend_from_slice(extra);
        with_query(&format!("{}{path}", self.base), &pairs)
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        token: &Secret,
    ) -> Result<Value, CallError> {
        let response = request
            .header("access-token", token.expose())
            .send()
            .await
            .map_err(transport)?;
        let body = json_of(response).await?;
        douyin_data(&body).cloned().map_err(CallError::Douyin)
    }

    async fn post_json(
        &self,
        path: &str,
        token: &Secret,
        open_id: &str,
        body: &Value,
    ) -> Result<Value, CallError> {
        let request = self.http.post(self.url(path, open_id, &[])).json(body);
        self.send(request, token).await
    }

    async fn post_file(
        &self,
        url: String,
        token: &Secret,
        field: &'static str,
        bytes: bytes::Bytes,
        file_name: &str,
    ) -> Result<Value, CallError> {
        // `Bytes` is shared, not copied: a retried call sends the same buffer.
        let len = bytes.len() as u64;
        let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::from(bytes), len)
            .file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new().part(field, part);
        self.send(self.http.post(url).multipart(form), token).await
    }

    /// `upload_video` (≤ 128 MB): the new `video_id`.
    pub async fn upload_video(
        &self,
        token: &Secret,
        open_id: &str,
        bytes: bytes::Bytes,
    ) -> Result<String, CallError> {
        let url = self.url("/api/douyin/v1/video/upload_video/", open_id, &[]);
        let data = self
            .post_file(url, token, "video", bytes, "video.mp4")
            .await?;
        video_id(&data)
    }

    /// `init_video_part_upload`: an `upload_id` for the parts.
    pub async fn init_part_upload(
        &self,
        token: &Secret,
        open_id: &str,
    ) -> Result<String, CallError> {
        let data = self
            .post_json(
                "/api/douyin/v1/video/init_video_part_upload/",
                token,
                open_id,
                &json!({}),
            )
            .await?;
        data.get("upload_id")
            .and_then(text_of)
            .ok_or_else(|| missing("upload_id"))
    }

    /// `upload_video_part`: part `number` (from 1) of the upload.
    pub async fn upload_part(
        &self,
        token: &Secret,
        open_id: &str,
        upload_id: &str,
        number: i64,
        bytes: bytes::Bytes,
    ) -> Result<(), CallError> {
        let n = number.to_string();
        let url = self.url(
            "/api/douyin/v1/video/upload_video_part/",
            open_id,
            &[("upload_id", upload_id), ("part_number", &n)],
        );
        self.post_file(url, token, "video", bytes, "video.mp4")
            .await
            .map(|_| ())
    }

    /// `complete_video_part_upload`: the assembled `video_id`.
    pub async fn complete_part_upload(
        &self,
        token: &Secret,
        open_id: &str,
        upload_id: &str,
    ) -> Result<String, CallError> {
        let url = self.url(
            "/api/douyin/v1/video/complete_video_part_upload/",
            open_id,
            &[("upload_id", upload_id)],
        );
        let data = self.send(self.http.post(url), token).await?;
        video_id(&data)
    }

    /// `upload_image`: the new `image_id`.
    pub async fn upload_image(
        &self,
        token: &Secret,
        open_id: &str,
        bytes: bytes::Bytes,
        file_name: &str,
    ) -> Result<String, CallError> {
        let url = self.url("/api/douyin/v1/video/upload_image/", open_id, &[]);
        let data = self
            .post_file(url, token, "image", bytes, file_name)
            .await?;
        data.pointer("/image/image_id")
            .and_then(text_of)
            .ok_or_else(|| missing("image.image_id"))
    }

    /// `create_video` / `create_image_text`: the post's `item_id`.
    pub async fn create(
        &self,
        token: &Secret,
        open_id: &str,
        image_text: bool,
        body: &Value,
    ) -> Result<String, CallError> {
        let path = if image_text {
            "/api/douyin/v1/video/create_image_text/"
        } else {
            "/api/douyin/v1/video/create_video/"
        };
        let data = self.post_json(path, token, open_id, body).await?;
        data.get("item_id")
            .and_then(text_of)
            .ok_or_else(|| missing("item_id"))
    }

    /// One page of the account's posts, newest first.
    pub async fn video_list(
        &self,
        token: &Secret,
        open_id: &str,
        cursor: i64,
    ) -> Result<ItemPage, CallError> {
        let c = cursor.to_string();
        let url = self.url(
            "/api/douyin/v1/video/video_list/",
            open_id,
            &[("cursor", &c), ("count", "20")],
        );
        let data = self.send(self.http.get(url), token).await?;
        Ok(ItemPage {
            items: items(&data),
            cursor: data.get("cursor").and_then(int_of).unwrap_or(0),
            // A bool, a number or a string, depending on the endpoint's age.
            has_more: data.get("has_more").is_some_and(super::wire::flag_of),
        })
    }

    /// Statistics of up to 20 posts.
    pub async fn video_data(
        &self,
        token: &Secret,
        open_id: &str,
        item_ids: &[String],
    ) -> Result<Vec<Item>, CallError> {
        let body = json!({ "item_ids": item_ids });
        let data = self
            .post_json("/api/douyin/v1/video/video_data/", token, open_id, &body)
            .await?;
        Ok(items(&data))
    }
}

fn items(data: &Value) -> Vec<Item> {
    data.get("list")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(Item::from_value).collect())
        .unwrap_or_default()
}

fn video_id(data: &Value) -> Result<String, CallError> {
    data.pointer("/video/video_id")
        .and_then(text_of)
        .ok_or_else(|| missing("video.video_id"))
}

fn missing(field: &str) -> CallError {
    CallError::Transport(format!("抖音的答复缺少 {field}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_numbers_and_strings() {
        let v = json!({"item_id": "@abc", "title": "t", "create_time": "1700000000",
            "is_reviewed": true, "video_status": 5,
            "statistics": {"play_count": "12", "digg_count": 3, "comment_count": 1, "share_count": "2"}});
        let item = Item::from_value(&v);
        assert_eq!(item.item_id, "@abc");
        assert_eq!(item.create_time, 1_700_000_000);
        assert!(item.is_reviewed);
        assert_eq!(
            (item.play, item.digg, item.comment, item.share),
            (12, 3, 1, 2)
        );
    }

    #[test]
    fn upload_fixtures_parse() {
        let ok: Value = serde_json::from_str(include_str!(
            "../../fixtures/douyin/douyin_video_upload_success.json"
        ))
        .expect("fixture");
        let data = douyin_data(&ok["response"]).expect("success");
        assert_eq!(
            video_id(data).ok().as_deref(),
            Some("v0200f450000bn8c6aa0ifki8fikg1b0")
        );
        let err: Value = serde_json::from_str(include_str!(
            "../../fixtures/douyin/douyin_video_upload_error.json"
        ))
        .expect("fixture");
        let e = douyin_data(&err["response"]).expect_err("error in 200");
        assert_eq!(e.code, 2100005);
        assert_eq!(e.log_id, "2020070614111601022506808001045D59");
    }
}
