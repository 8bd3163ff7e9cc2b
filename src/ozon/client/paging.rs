//! Pagination helpers for Ozon's schemes (`last_id`, `cursor`, `last_value_id`/`has_next`,
//! id lists of at most 1000).

use super::catalog::{DictionaryValue, ValuesRequest};
use super::commerce::{CursorRequest, PriceInfo};
use super::products::{ProductListItem, ProductListRequest};
use super::{OzonClient, OzonCredentials, OzonError};

/// At most 1000 ids per `/v3/product/info/list` call.
pub const MAX_IDS_PER_CALL: usize = 1000;

/// Splits ids into request-sized chunks.
pub fn chunks<T: Clone>(ids: &[T], size: usize) -> Vec<Vec<T>> {
    ids.chunks(size.max(1)).map(<[T]>::to_vec).collect()
}

/// Every product matching `request.filter`, following `last_id` until a short page.
pub async fn list_all_products(
    client: &OzonClient,
    creds: &OzonCredentials,
    mut request: ProductListRequest,
) -> Result<Vec<ProductListItem>, OzonError> {
    let mut all = Vec::new();
    loop {
        let page = client.product_list(creds, &request).await?.result;
        let short = (page.items.len() as i64) < request.limit || page.last_id.is_empty();
        all.extend(page.items);
        if short {
            return Ok(all);
        }
        request.last_id = page.last_id;
    }
}

/// Every price row matching `request.filter`, following `cursor` until it is empty.
pub async fn all_prices(
    client: &OzonClient,
    creds: &OzonCredentials,
    mut request: CursorRequest,
) -> Result<Vec<PriceInfo>, OzonError> {
    let mut all = Vec::new();
    loop {
        let page = client.prices_info(creds, &request).await?;
        let done = page.items.is_empty() || page.cursor.is_empty() || page.cursor == request.cursor;
        all.extend(page.items);
        if done {
            return Ok(all);
        }
        request.cursor = page.cursor;
    }
}

/// Every value of a dictionary attribute, following `last_value_id` while `has_next`.
pub async fn all_values(
    client: &OzonClient,
    creds: &OzonCredentials,
    mut request: ValuesRequest,
) -> Result<Vec<DictionaryValue>, OzonError> {
    let mut all = Vec::new();
    loop {
        let page = client.attribute_values(creds, &request).await?;
        let last = page.result.last().and_then(|v| v.id);
        all.extend(page.result);
        match (page.has_next, last) {
            (true, Some(last)) if last > request.last_value_id => request.last_value_id = last,
            _ => return Ok(all),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_chunked_at_1000() {
        let ids: Vec<i64> = (0..2500).collect();
        let parts = chunks(&ids, MAX_IDS_PER_CALL);
        assert_eq!(
            parts.iter().map(Vec::len).collect::<Vec<_>>(),
            [1000, 1000, 500]
        );
        assert!(chunks::<i64>(&[], 1000).is_empty());
    }
}
