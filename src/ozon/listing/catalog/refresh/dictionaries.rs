//! The dictionaries a refresh fetches again: every one the cache holds whose type is still in
//! the tree.

use super::*;

/// Values per (attribute, category, type).
pub(super) type Dictionaries = Vec<((i64, i64, i64), Vec<(i64, String)>)>;

/// Every dictionary the cache holds whose type is still in the tree, fetched again.
pub(super) async fn refetch_dictionaries(
    pool: &AnyPool,
    ozon: &OzonClient,
    credential_id: i64,
    creds: &OzonCredentials,
    nodes: &[Node],
) -> Result<Dictionaries, CacheError> {
    let keys: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT DISTINCT attribute_id, category_id, type_id FROM catalog_values WHERE credential_id = $1",
    )
    .bind(credential_id)
    .fetch_all(pool)
    .await?;
    let live: HashSet<(i64, i64)> = nodes
        .iter()
        .filter(|n| n.type_id > 0)
        .map(|n| (n.category_id, n.type_id))
        .collect();
    let mut out = Vec::new();
    for (attribute_id, category_id, type_id) in keys {
        if !live.contains(&(category_id, type_id)) {
            continue;
        }
        let key = (attribute_id, category_id, type_id);
        let values = fetch_values(ozon, creds, key, MAX_VALUES_PAGE)
            .await?
            .into_iter()
            .map(|v| (v.id.unwrap_or_default(), v.value))
            .collect();
        out.push((key, values));
    }
    Ok(out)
}
