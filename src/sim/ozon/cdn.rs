//! The simulator's image CDN (`/img/{product_id}/{file}`) and its failures.

use super::*;

/// Real PNG bytes of the configured size; unknown products are 404. Special file names play
/// the image CDN's failures: `missing-*` (404), `big-<bytes>.*` (a PNG of that size),
/// `page-*` (an HTML page labelled image/jpeg), `redirect-<k>.*` (k redirects, then a PNG),
/// `flaky-*` (503 with `Retry-After: 1` the first time). `image_rps` answers 429 past the rate.
pub(super) async fn image(
    State(sim): State<OzonSim>,
    Path((product_id, file)): Path<(i64, String)>,
) -> Response {
    let delay = sim
        .catalog
        .lock()
        .map(|c| c.config.image_latency)
        .unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Ok(mut catalog) = sim.catalog.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(product) = catalog.products.iter().find(|p| p.product_id == product_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let has_images = product.images > 0 || product.external_images.is_some();
    if let Some(retry) = catalog.over_image_rate() {
        catalog.log.push(LoggedCall {
            path: "/img".into(),
            status: 429,
        });
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry.to_string())],
        )
            .into_response();
    }
    let stem = file.split('.').next().unwrap_or_default().to_string();
    let shade = (product_id % 200) as u8;
    if stem.starts_with("missing") || !has_images {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Some(size) = stem
        .strip_prefix("big-")
        .and_then(|n| n.parse::<usize>().ok())
    {
        return ([("content-type", "image/png")], png_of_size(size, shade)).into_response();
    }
    if stem.starts_with("page") {
        let html = "<html><body><h1>404 Not Found</h1></body></html>";
        return ([("content-type", "image/jpeg")], html).into_response();
    }
    if let Some(k) = stem
        .strip_prefix("redirect-")
        .and_then(|n| n.parse::<u32>().ok())
    {
        if k > 0 {
            let next = format!("/img/{product_id}/redirect-{}.png", k - 1);
            return (StatusCode::FOUND, [("location", next)]).into_response();
        }
    }
    let earlier = catalog.image_hit(&format!("{product_id}/{file}"));
    if stem.starts_with("flaky") && earlier == 0 {
        return (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "1")]).into_response();
    }
    let bytes = png_of_size(catalog.config.image_bytes, shade);
    ([("content-type", "image/png")], bytes).into_response()
}
