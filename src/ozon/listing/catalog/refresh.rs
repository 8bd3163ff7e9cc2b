//! Refreshing an account's category cache. A refresh fetches everything first and keeps it in
//! its `catalog_refreshes` row, attribute pair by attribute pair, so a restart resumes where it
//! stopped; the dictionaries already cached are fetched again at the end. Then one transaction
//! swaps the new tree, attributes and dictionaries in, stores the diff and flags the drafts it
//! touches. Readers never see a half-written tree.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use sqlx::AnyPool;

use crate::common::clock::now_unix;
use crate::common::json::column;
use crate::ozon::client::catalog::{AttributesRequest, TreeNode, TreeRequest};
use crate::ozon::client::{OzonClient, OzonCredentials};
use crate::ozon::listing::catalog::cache::{
    fetch_values, flatten, spec_of, CacheError, MAX_VALUES_PAGE,
};
use crate::ozon::listing::{AttributeSpec, CatalogDiff, Node};

mod daily;
mod dictionaries;
pub use daily::refresh_daily;
use dictionaries::{refetch_dictionaries, Dictionaries};

#[derive(sqlx::FromRow)]
struct RefreshRow {
    id: i64,
    tree_zh: Option<String>,
    tree_ru: Option<String>,
    pending: String,
    fetched: String,
}

type Fetched = Vec<((i64, i64), Vec<AttributeSpec>)>;

/// Refreshes the cache of `credential_id`, resuming an interrupted refresh if there is one.
pub async fn refresh(
    pool: &AnyPool,
    ozon: &OzonClient,
    credential_id: i64,
    creds: &OzonCredentials,
) -> Result<CatalogDiff, CacheError> {
    let row = match sqlx::query_as::<_, RefreshRow>(
        "SELECT id, tree_zh, tree_ru, pending, fetched FROM catalog_refreshes \
         WHERE credential_id = $1 AND status = 'running' ORDER BY id DESC LIMIT 1",
    )
    .bind(credential_id)
    .fetch_optional(pool)
    .await?
    {
        Some(row) => row,
        None => {
            let pending = serde_json::to_string(&pairs_in_use(pool, credential_id).await?)
                .unwrap_or_else(|_| "[]".into());
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO catalog_refreshes (credential_id, status, pending, started_at) \
                 VALUES ($1, 'running', $2, $3) RETURNING id",
            )
            .bind(credential_id)
            .bind(&pending)
            .bind(now_unix())
            .fetch_one(pool)
            .await?;
            RefreshRow {
                id,
                tree_zh: None,
                tree_ru: None,
                pending,
                fetched: "[]".into(),
            }
        }
    };
    match run_refresh(pool, ozon, credential_id, creds, row).await {
        Ok(diff) => Ok(diff),
        Err(err) => {
            tracing::warn!(credential = credential_id, error = %err, "catalog refresh stopped; it resumes next time");
            Err(err)
        }
    }
}

async fn run_refresh(
    pool: &AnyPool,
    ozon: &OzonClient,
    credential_id: i64,
    creds: &OzonCredentials,
    row: RefreshRow,
) -> Result<CatalogDiff, CacheError> {
    let id = row.id;
    let (tree_zh, tree_ru) = match (row.tree_zh, row.tree_ru) {
        (Some(zh), Some(ru)) => (zh, ru),
        _ => {
            let fetch = |language: &str| TreeRequest {
                language: language.into(),
            };
            let zh = ozon.category_tree(creds, &fetch("ZH_HANS")).await?.result;
            let ru = ozon.category_tree(creds, &fetch("DEFAULT")).await?.result;
            let (zh, ru) = (
                serde_json::to_string(&zh).unwrap_or_default(),
                serde_json::to_string(&ru).unwrap_or_default(),
            );
            sqlx::query("UPDATE catalog_refreshes SET tree_zh = $1, tree_ru = $2 WHERE id = $3")
                .bind(&zh)
                .bind(&ru)
                .bind(id)
                .execute(pool)
                .await?;
            (zh, ru)
        }
    };
    let what = |column: &str| format!("catalog_refreshes {id} {column}");
    let mut pending: Vec<(i64, i64)> = column(&what("pending"), &row.pending)?;
    let mut fetched: Fetched = column(&what("fetched"), &row.fetched)?;
    while let Some(&(category_id, type_id)) = pending.first() {
        let request = AttributesRequest {
            description_category_id: category_id,
            type_id,
            language: "ZH_HANS".into(),
        };
        let specs = ozon
            .attributes(creds, &request)
            .await?
            .result
            .iter()
            .map(spec_of)
            .collect();
        fetched.push(((category_id, type_id), specs));
        pending.remove(0);
        sqlx::query("UPDATE catalog_refreshes SET pending = $1, fetched = $2 WHERE id = $3")
            .bind(serde_json::to_string(&pending).unwrap_or_default())
            .bind(serde_json::to_string(&fetched).unwrap_or_default())
            .bind(id)
            .execute(pool)
            .await?;
    }
    let zh: Vec<TreeNode> = column(&what("tree_zh"), &tree_zh)?;
    let ru: Vec<TreeNode> = column(&what("tree_ru"), &tree_ru)?;
    let nodes = flatten(&zh, &ru);
    let dictionaries = refetch_dictionaries(pool, ozon, credential_id, creds, &nodes).await?;
    swap_in(pool, credential_id, id, nodes, fetched, dictionaries).await
}

/// The (category, type) pairs whose attributes are cached or used by a draft.
async fn pairs_in_use(pool: &AnyPool, credential_id: i64) -> sqlx::Result<Vec<(i64, i64)>> {
    let backend = crate::server::db::backend(pool);
    let category = crate::server::db::json_int(backend, "data", "description_category_id");
    let kind = crate::server::db::json_int(backend, "data", "type_id");
    let mut pairs: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT category_id, type_id FROM catalog_attributes WHERE credential_id = $1 \
         UNION SELECT {category}, {kind} FROM listing_drafts WHERE credential_id = $2 \
         AND {kind} IS NOT NULL AND {category} IS NOT NULL",
    ))
    .bind(credential_id)
    .bind(credential_id)
    .fetch_all(pool)
    .await?;
    pairs.sort();
    pairs.dedup();
    Ok(pairs)
}

async fn swap_in(
    pool: &AnyPool,
    credential_id: i64,
    refresh_id: i64,
    nodes: Vec<Node>,
    fetched: Fetched,
    dictionaries: Dictionaries,
) -> Result<CatalogDiff, CacheError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let old_nodes: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT category_id, type_id, path FROM catalog_nodes WHERE credential_id = $1 AND type_id > 0",
    )
    .bind(credential_id)
    .fetch_all(&mut *tx)
    .await?;
    let old_attrs: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT category_id, type_id, attributes FROM catalog_attributes WHERE credential_id = $1",
    )
    .bind(credential_id)
    .fetch_all(&mut *tx)
    .await?;

    let mut diff = CatalogDiff::default();
    let new_types: HashMap<(i64, i64), &str> = nodes
        .iter()
        .filter(|n| n.type_id > 0)
        .map(|n| ((n.category_id, n.type_id), n.path.as_str()))
        .collect();
    let old_types: HashMap<(i64, i64), &str> = old_nodes
        .iter()
        .map(|(c, t, p)| ((*c, *t), p.as_str()))
        .collect();
    if !old_types.is_empty() {
        diff.added_types = new_types
            .iter()
            .filter(|(k, _)| !old_types.contains_key(k))
            .map(|(_, p)| p.to_string())
            .collect();
    }
    diff.removed_types = old_types
        .iter()
        .filter(|(k, _)| !new_types.contains_key(k))
        .map(|(_, p)| p.to_string())
        .collect();
    let mut touched: HashSet<(i64, i64)> = old_types
        .keys()
        .filter(|k| !new_types.contains_key(k))
        .copied()
        .collect();
    let old_by_pair: HashMap<(i64, i64), Vec<AttributeSpec>> = old_attrs
        .iter()
        .map(|(c, t, a)| Ok(((*c, *t), column(&format!("catalog_attributes {c}/{t}"), a)?)))
        .collect::<sqlx::Result<_>>()?;
    for (pair, specs) in &fetched {
        let Some(old) = old_by_pair.get(pair) else {
            continue;
        };
        let path = new_types.get(pair).copied().unwrap_or("");
        let before: BTreeMap<i64, &AttributeSpec> = old.iter().map(|s| (s.id, s)).collect();
        let after: BTreeMap<i64, &AttributeSpec> = specs.iter().map(|s| (s.id, s)).collect();
        for (id, spec) in &after {
            if spec.is_required && before.get(id).is_none_or(|b| !b.is_required) {
                diff.newly_required
                    .push(format!("{path}：{}（{id}）", spec.name));
                touched.insert(*pair);
            }
        }
        for (id, spec) in &before {
            if !after.contains_key(id) {
                diff.removed_attributes
                    .push(format!("{path}：{}（{id}）", spec.name));
                touched.insert(*pair);
            }
        }
    }
    for ((attribute_id, category_id, type_id), values) in &dictionaries {
        let pair = (*category_id, *type_id);
        let old: Vec<i64> = sqlx::query_scalar(
            "SELECT value_id FROM catalog_values WHERE credential_id = $1 AND attribute_id = $2 \
             AND category_id = $3 AND type_id = $4",
        )
        .bind(credential_id)
        .bind(attribute_id)
        .bind(category_id)
        .bind(type_id)
        .fetch_all(&mut *tx)
        .await?;
        let before: BTreeSet<i64> = old.into_iter().collect();
        let after: BTreeSet<i64> = values.iter().map(|(id, _)| *id).collect();
        let added = after.difference(&before).count();
        let removed = before.difference(&after).count();
        if added == 0 && removed == 0 {
            continue;
        }
        let path = new_types.get(&pair).copied().unwrap_or("");
        let name = fetched
            .iter()
            .filter(|(p, _)| *p == pair)
            .flat_map(|(_, specs)| specs.iter())
            .chain(old_by_pair.get(&pair).into_iter().flatten())
            .find(|s| s.id == *attribute_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        diff.changed_dictionaries.push(format!(
            "{path}：{name}（{attribute_id}）新增 {added} 个值，删除 {removed} 个值"
        ));
        if removed > 0 {
            touched.insert(pair);
        }
        sqlx::query(
            "DELETE FROM catalog_values WHERE credential_id = $1 AND attribute_id = $2 \
             AND category_id = $3 AND type_id = $4",
        )
        .bind(credential_id)
        .bind(attribute_id)
        .bind(category_id)
        .bind(type_id)
        .execute(&mut *tx)
        .await?;
        for (value_id, value) in values {
            sqlx::query(
                "INSERT INTO catalog_values (credential_id, attribute_id, category_id, \
                 type_id, value_id, value) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id, attribute_id, category_id, type_id, value_id) DO UPDATE SET value = excluded.value",
            )
            .bind(credential_id)
            .bind(attribute_id)
            .bind(category_id)
            .bind(type_id)
            .bind(value_id)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
    }
    diff.added_types.sort();
    diff.removed_types.sort();
    diff.touched_pairs = touched.iter().copied().collect();
    diff.touched_pairs.sort();

    sqlx::query("DELETE FROM catalog_nodes WHERE credential_id = $1")
        .bind(credential_id)
        .execute(&mut *tx)
        .await?;
    for n in &nodes {
        sqlx::query(
            "INSERT INTO catalog_nodes (credential_id, category_id, type_id, parent_id, \
             name_zh, name_ru, path, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (credential_id, category_id, type_id) DO UPDATE SET parent_id = excluded.parent_id, name_zh = excluded.name_zh, name_ru = excluded.name_ru, path = excluded.path, disabled = excluded.disabled",
        )
        .bind(credential_id)
        .bind(n.category_id)
        .bind(n.type_id)
        .bind(n.parent_id)
        .bind(&n.name_zh)
        .bind(&n.name_ru)
        .bind(&n.path)
        .bind(n.disabled)
        .execute(&mut *tx)
        .await?;
    }
    let now = now_unix();
    for ((category_id, type_id), specs) in &fetched {
        sqlx::query(
            "INSERT INTO catalog_attributes (credential_id, category_id, type_id, \
             attributes, fetched_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_id, category_id, type_id) DO UPDATE SET attributes = excluded.attributes, fetched_at = excluded.fetched_at",
        )
        .bind(credential_id)
        .bind(category_id)
        .bind(type_id)
        .bind(serde_json::to_string(specs).unwrap_or_default())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let backend = crate::server::db::backend_of(&tx);
    let category = crate::server::db::json_int(backend, "data", "description_category_id");
    let kind = crate::server::db::json_int(backend, "data", "type_id");
    let flag_drafts = format!(
        "UPDATE listing_drafts SET flag = '类目属性已变化，请检查后再提交' \
         WHERE credential_id = $1 AND {category} = $2 AND {kind} = $3 RETURNING offer_id",
    );
    for (category_id, type_id) in &diff.touched_pairs {
        let flagged: Vec<String> = sqlx::query_scalar(&flag_drafts)
            .bind(credential_id)
            .bind(category_id)
            .bind(type_id)
            .fetch_all(&mut *tx)
            .await?;
        diff.flagged_drafts.extend(flagged);
    }
    diff.flagged_drafts.sort();
    if !diff.is_empty() {
        sqlx::query(
            "INSERT INTO catalog_diffs (credential_id, created_at, changes) VALUES ($1, $2, $3)",
        )
        .bind(credential_id)
        .bind(now)
        .bind(serde_json::to_string(&diff).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE catalog_refreshes SET status = 'done', finished_at = $1, tree_zh = NULL, \
         tree_ru = NULL, fetched = '[]' WHERE id = $2",
    )
    .bind(now)
    .bind(refresh_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(diff)
}
