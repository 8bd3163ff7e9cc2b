//! Pagination helpers for Ozon's schemes (`last_id`, `cursor`, `last_value_id`/`has_next`,
//! id lists of at most 1000) and the per-Client-Id pacer.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use tokio::sync::Mutex;

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

/// Spaces calls for one Client-Id so they stay under `per_second` (Ozon: 50 rps per Client-Id).
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Self {
        Self::every(Duration::from_secs(1) / per_second.max(1))
    }

    /// One request per `interval` for each Client-Id.
    pub fn every(interval: Duration) -> Self {
        Pacer {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until this Client-Id may send its next request.
    pub async fn wait_turn(&self, client_id: &str) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let at = next
                .get(client_id)
                .copied()
                .filter(|at| *at > now)
                .unwrap_or(now);
            next.insert(client_id.to_string(), at + self.interval);
            at
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Waits until every Client-Id may send at once, without taking a turn: a batching caller
    /// gathers its items after this, so a request carries all that came due while it waited.
    pub async fn idle(&self) {
        let last = self.next.lock().await.values().max().copied();
        if let Some(at) = last {
            tokio::time::sleep_until(at).await;
        }
    }
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

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_one_client_but_not_another() {
        let pacer = Pacer::new(50);
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            pacer.wait_turn("1").await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(80));
        let other = tokio::time::Instant::now();
        pacer.wait_turn("2").await;
        assert_eq!(other.elapsed(), Duration::ZERO);
    }
}
