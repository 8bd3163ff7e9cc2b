//! Input rules of the download pipeline, shared by the REST door, the page and the browser.
//! Every failure has a code and a message that names what is wrong.

use super::ProcessOptions;
use crate::common::ids::{Article, UserId};
use crate::common::text::shown;

pub const MAX_ARTICLES: usize = 100;
pub const MAX_ARTICLE_CHARS: usize = Article::MAX_CHARS;
pub const MAX_USER_ID_CHARS: usize = UserId::MAX_CHARS;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

fn invalid(code: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        code,
        message: message.into(),
    }
}

/// Trims each article, refuses bad ones, and collapses duplicates (first one wins).
pub fn articles(raw: &[String]) -> Result<Vec<Article>, Invalid> {
    if raw.is_empty() {
        return Err(invalid(
            "INVALID_ARTICLES",
            "articles 不能为空，需要 1 到 100 个货号",
        ));
    }
    let mut out: Vec<Article> = Vec::new();
    for (i, value) in raw.iter().enumerate() {
        let article = Article::parse(value).map_err(|problem| {
            invalid(
                "INVALID_ARTICLE",
                format!("第 {} 个货号 \"{}\" {problem}", i + 1, shown(value.trim())),
            )
        })?;
        if !out.contains(&article) {
            out.push(article);
        }
    }
    if out.len() > MAX_ARTICLES {
        return Err(invalid(
            "INVALID_ARTICLES",
            format!("一次最多 {MAX_ARTICLES} 个货号，收到 {} 个", out.len()),
        ));
    }
    Ok(out)
}

/// The articles pasted into the page: one per line (commas, tabs and semicolons also split).
pub fn split_lines(text: &str) -> Vec<String> {
    text.split(['\n', '\r', ',', ';', '\t', '，', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn user_id(value: &str) -> Result<UserId, Invalid> {
    UserId::parse(value).map_err(|problem| {
        invalid(
            "INVALID_USER_ID",
            format!("user_id \"{}\" {problem}", shown(value.trim())),
        )
    })
}

/// A Client-Id and Api-Key given in a request: present and of a plausible size.
pub fn credential(client_id: &str, api_key: &str) -> Result<(), Invalid> {
    let client_id = client_id.trim();
    if client_id.is_empty() || api_key.trim().is_empty() {
        return Err(invalid(
            "INVALID_CREDENTIAL",
            "credential.client_id 和 credential.api_key 都不能为空",
        ));
    }
    if client_id.chars().count() > 32 || client_id.chars().any(|c| c.is_control() || c == ' ') {
        return Err(invalid(
            "INVALID_CREDENTIAL",
            "credential.client_id 格式不正确",
        ));
    }
    if api_key.chars().count() > 128 || api_key.chars().any(char::is_control) {
        return Err(invalid(
            "INVALID_CREDENTIAL",
            "credential.api_key 格式不正确",
        ));
    }
    Ok(())
}

pub fn options(options: &ProcessOptions) -> Result<(), Invalid> {
    if let Some(side) = options.max_side {
        if !(16..=10_000).contains(&side) {
            return Err(invalid(
                "INVALID_OPTIONS",
                format!("options.max_side 应在 16 到 10000 之间，收到 {side}"),
            ));
        }
    }
    if let Some(q) = options.quality {
        if !(1..=100).contains(&q) {
            return Err(invalid(
                "INVALID_OPTIONS",
                format!("options.quality 应在 1 到 100 之间，收到 {q}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
