//! The category cache of one stored credential's account: the tree (中文 and Russian names),
//! attributes per (category, type), and dictionary values fetched on first use.
//!
//! Refreshing (resumable, swapped in one transaction, diffed) is in `refresh.rs`.

use std::collections::HashMap;

use sqlx::AnyPool;

use crate::common::clock::now_unix;
use crate::ozon::client::catalog::{Attribute, AttributesRequest, TreeNode, ValuesRequest};
use crate::ozon::client::paging::all_values;
use crate::ozon::client::{OzonClient, OzonCredentials, OzonError};
use crate::ozon::listing::{AttributeSpec, Node};

/// `/attribute/values` pages hold at most 2000 values.
pub const MAX_VALUES_PAGE: i64 = 2000;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{0}")]
    Ozon(#[from] OzonError),
    #[error("数据库错误")]
    Db(#[from] sqlx::Error),
}

pub fn spec_of(a: &Attribute) -> AttributeSpec {
    AttributeSpec {
        id: a.id.unwrap_or_default(),
        name: a.name.clone(),
        kind: a.kind.clone(),
        is_collection: a.is_collection,
        is_required: a.is_required,
        max_value_count: a.max_value_count.unwrap_or_default(),
        dictionary_id: a.dictionary_id.unwrap_or_default(),
        group_name: a.group_name.clone(),
    }
}

/// Flattens the tree: categories and the types under them, with a readable path.
pub fn flatten(zh: &[TreeNode], ru: &[TreeNode]) -> Vec<Node> {
    let mut ru_names = HashMap::new();
    walk(ru, 0, "", &mut |n: &Node| {
        ru_names.insert((n.category_id, n.type_id), n.name_zh.clone());
    });
    let mut out = Vec::new();
    walk(zh, 0, "", &mut |n: &Node| {
        let mut n = n.clone();
        n.name_ru = ru_names
            .get(&(n.category_id, n.type_id))
            .cloned()
            .unwrap_or_default();
        out.push(n);
    });
    out
}

fn walk(nodes: &[TreeNode], parent: i64, path: &str, visit: &mut impl FnMut(&Node)) {
    for node in nodes {
        let (category_id, type_id, name) = match (node.description_category_id, node.type_id) {
            (Some(cat), _) => (cat, 0, node.category_name.clone()),
            (None, Some(type_id)) => (parent, type_id, node.type_name.clone()),
            (None, None) => continue,
        };
        let path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} / {name}")
        };
        visit(&Node {
            category_id,
            type_id,
            parent_id: parent,
            name_zh: name,
            name_ru: String::new(),
            path: path.clone(),
            disabled: node.disabled,
        });
        if type_id == 0 {
            walk(&node.children, category_id, &path, visit);
        }
    }
}

/// The attributes of a pair: from the cache, or fetched and cached on first use.
pub async fn attributes(
    pool: &AnyPool,
    ozon: &OzonClient,
    credential_id: i64,
    creds: &OzonCredentials,
    category_id: i64,
    type_id: i64,
) -> Result<Vec<AttributeSpec>, CacheError> {
    let cached: Option<String> = sqlx::query_scalar(
        "SELECT attributes FROM catalog_attributes WHERE credential_id = $1 AND category_id = $2 AND type_id = $3",
    )
    .bind(credential_id)
    .bind(category_id)
    .bind(type_id)
    .fetch_optional(pool)
    .await?;
    if let Some(json) = cached {
        return Ok(crate::common::json::column(
            &format!("catalog_attributes {credential_id}/{category_id}/{type_id}"),
            &json,
        )?);
    }
    let request = AttributesRequest {
        description_category_id: category_id,
        type_id,
        language: "ZH_HANS".into(),
    };
    let specs: Vec<AttributeSpec> = ozon
        .attributes(creds, &request)
        .await?
        .result
        .iter()
        .map(spec_of)
        .collect();
    sqlx::query(
        "INSERT INTO catalog_attributes (credential_id, category_id, type_id, attributes, fetched_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_id, category_id, type_id) DO UPDATE SET attributes = excluded.attributes, fetched_at = excluded.fetched_at",
    )
    .bind(credential_id)
    .bind(category_id)
    .bind(type_id)
    .bind(serde_json::to_string(&specs).unwrap_or_default())
    .bind(now_unix())
    .execute(pool)
    .await?;
    Ok(specs)
}

/// A dictionary's values: from the cache, or every page fetched and cached on first use.
pub async fn values(
    pool: &AnyPool,
    ozon: &OzonClient,
    credential_id: i64,
    creds: &OzonCredentials,
    (attribute_id, category_id, type_id): (i64, i64, i64),
    page_size: i64,
) -> Result<Vec<(i64, String)>, CacheError> {
    let select = "SELECT value_id, value FROM catalog_values WHERE credential_id = $1 \
                  AND attribute_id = $2 AND category_id = $3 AND type_id = $4 ORDER BY value_id";
    let cached: Vec<(i64, String)> = sqlx::query_as(select)
        .bind(credential_id)
        .bind(attribute_id)
        .bind(category_id)
        .bind(type_id)
        .fetch_all(pool)
        .await?;
    if !cached.is_empty() {
        return Ok(cached);
    }
    let all = fetch_values(ozon, creds, (attribute_id, category_id, type_id), page_size).await?;
    let mut tx = crate::server::db::begin_write(pool).await?;
    for v in &all {
        sqlx::query(
            "INSERT INTO catalog_values (credential_id, attribute_id, category_id, type_id, value_id, value) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id, attribute_id, category_id, type_id, value_id) DO UPDATE SET value = excluded.value",
        )
        .bind(credential_id)
        .bind(attribute_id)
        .bind(category_id)
        .bind(type_id)
        .bind(v.id.unwrap_or_default())
        .bind(&v.value)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(all
        .into_iter()
        .map(|v| (v.id.unwrap_or_default(), v.value))
        .collect())
}

/// Every value of a dictionary, page by page.
pub(super) async fn fetch_values(
    ozon: &OzonClient,
    creds: &OzonCredentials,
    (attribute_id, category_id, type_id): (i64, i64, i64),
    page_size: i64,
) -> Result<Vec<crate::ozon::client::catalog::DictionaryValue>, CacheError> {
    let request = ValuesRequest {
        attribute_id,
        description_category_id: category_id,
        type_id,
        language: "ZH_HANS".into(),
        last_value_id: 0,
        limit: page_size.clamp(1, MAX_VALUES_PAGE),
    };
    Ok(all_values(ozon, creds, request).await?)
}

/// Types whose path contains `query` (case-insensitive), for the picker.
pub async fn search_types(
    pool: &AnyPool,
    credential_id: i64,
    query: &str,
    limit: i64,
) -> sqlx::Result<Vec<Node>> {
    let pattern = format!(
        "%{}%",
        query
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    type NodeRow = (
        i64,
        i64,
        i64,
        String,
        String,
        String,
        crate::server::db::Flag,
    );
    let rows: Vec<NodeRow> = sqlx::query_as(
        "SELECT category_id, type_id, parent_id, name_zh, name_ru, path, disabled FROM catalog_nodes \
         WHERE credential_id = $1 AND type_id > 0 AND disabled = FALSE \
         AND (path LIKE $2 ESCAPE '\\' OR name_ru LIKE $3 ESCAPE '\\') ORDER BY path LIMIT $4",
    )
    .bind(credential_id)
    .bind(&pattern)
    .bind(&pattern)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(category_id, type_id, parent_id, name_zh, name_ru, path, disabled)| Node {
                category_id,
                type_id,
                parent_id,
                name_zh,
                name_ru,
                path,
                disabled: disabled.0,
            },
        )
        .collect())
}

/// Whether the account's tree is cached.
pub async fn has_tree(pool: &AnyPool, credential_id: i64) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM catalog_nodes WHERE credential_id = $1")
        .bind(credential_id)
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// Whether the pair is a known, enabled type under its category.
pub async fn pair_known(
    pool: &AnyPool,
    credential_id: i64,
    category_id: i64,
    type_id: i64,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM catalog_nodes WHERE credential_id = $1 AND category_id = $2 AND type_id = $3 AND type_id > 0",
    )
    .bind(credential_id)
    .bind(category_id)
    .bind(type_id)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

#[derive(sqlx::FromRow)]
struct DiffDbRow {
    id: i64,
    credential_name: Option<String>,
    created_at: i64,
    changes: String,
}

/// The latest stored refresh diffs, newest first; one that does not parse is an error.
pub async fn recent_diffs(pool: &AnyPool, limit: i64) -> sqlx::Result<Vec<super::DiffRow>> {
    let rows: Vec<DiffDbRow> = sqlx::query_as(
        "SELECT d.id, c.name AS credential_name, d.created_at, d.changes FROM catalog_diffs d \
         LEFT JOIN ozon_credentials c ON c.id = d.credential_id ORDER BY d.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(super::DiffRow {
                diff: crate::common::json::column(
                    &format!("catalog_diffs {} changes", r.id),
                    &r.changes,
                )?,
                credential_name: r
                    .credential_name
                    .unwrap_or_else(|| "（已删除的凭证）".into()),
                created_at: crate::ui::time::format_timestamp(r.created_at),
            })
        })
        .collect()
}
