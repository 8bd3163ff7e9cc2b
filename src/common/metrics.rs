//! The process's metrics in Prometheus' text format (OpenMetrics 1.0), through the
//! `prometheus-client` crate (the Prometheus project's own Rust client): request latency by
//! route, marketplace calls and throttling answers by platform, and gauges the `/metrics`
//! handler fills from the database at each scrape (queue depths and ages, token expiry).
//! One registry per process: the clients record without being handed anything.

use std::sync::OnceLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub method: String,
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    pub platform: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct QueueLabels {
    pub queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AccountLabels {
    pub platform: String,
    pub account: String,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RouteLabels, Histogram>,
    pub calls: Family<CallLabels, Counter>,
    pub queue_depth: Family<QueueLabels, Gauge>,
    pub queue_oldest_seconds: Family<QueueLabels, Gauge>,
    pub token_expires_seconds: Family<AccountLabels, Gauge>,
    pub quota_left: Family<AccountLabels, Gauge>,
}

fn build() -> Metrics {
    let mut registry = Registry::default();
    let requests = Family::<RouteLabels, Histogram>::new_with_constructor(
        (|| Histogram::new(exponential_buckets(0.000_5, 2.0, 16))) as fn() -> Histogram,
    );
    let calls = Family::<CallLabels, Counter>::default();
    let queue_depth = Family::<QueueLabels, Gauge>::default();
    let queue_oldest_seconds = Family::<QueueLabels, Gauge>::default();
    let token_expires_seconds = Family::<AccountLabels, Gauge>::default();
    let quota_left = Family::<AccountLabels, Gauge>::default();
    registry.register(
        "shopbridge_http_request_duration_seconds",
        "HTTP request latency by route, method and status class",
        requests.clone(),
    );
    registry.register(
        "shopbridge_marketplace_calls",
        "Calls to a marketplace by platform and outcome (ok, throttled = 429 or the platform's throttling code, error)",
        calls.clone(),
    );
    registry.register(
        "shopbridge_queue_depth",
        "Jobs waiting or running per queue",
        queue_depth.clone(),
    );
    registry.register(
        "shopbridge_queue_oldest_job_age_seconds",
        "Age of the oldest waiting job per queue",
        queue_oldest_seconds.clone(),
    );
    registry.register(
        "shopbridge_token_expires_in_seconds",
        "Seconds until a connected account's access token expires (negative: expired)",
        token_expires_seconds.clone(),
    );
    registry.register(
        "shopbridge_ozon_card_quota_left",
        "New cards Ozon still allows today per credential, as last read",
        quota_left.clone(),
    );
    Metrics {
        registry,
        requests,
        calls,
        queue_depth,
        queue_oldest_seconds,
        token_expires_seconds,
        quota_left,
    }
}

pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(build)
}

/// A marketplace answered: `outcome` is ok | throttled | error.
pub fn marketplace_call(platform: &str, outcome: &str) {
    metrics()
        .calls
        .get_or_create(&CallLabels {
            platform: platform.into(),
            outcome: outcome.into(),
        })
        .inc();
}

/// `/products/123` → `/products/:id`: numbers, file names and long tokens become `:id`, so a route has one
/// series whatever ids it is asked for. Unknown paths are counted together (the caller passes
/// `None` for a 404), so a client cannot make series without end.
pub fn route_label(path: &str) -> String {
    let mut out = String::new();
    for (i, segment) in path.split('/').filter(|s| !s.is_empty()).enumerate() {
        if i >= 4 {
            out.push_str("/…");
            break;
        }
        out.push('/');
        let id_like = segment.chars().any(|c| c.is_ascii_digit() || c == '.')
            || segment.len() > 24
            || !segment.is_ascii();
        out.push_str(if id_like { ":id" } else { segment });
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

pub fn record_request(route: &str, method: &str, status: u16, seconds: f64) {
    metrics()
        .requests
        .get_or_create(&RouteLabels {
            route: route.into(),
            method: method.into(),
            status: format!("{}xx", status / 100),
        })
        .observe(seconds);
}

/// Everything, in the text format.
pub fn render() -> String {
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &metrics().registry).is_err() {
        out = "# EOF\n".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_fold_ids_and_bound_depth() {
        assert_eq!(route_label("/products/123"), "/products/:id");
        assert_eq!(route_label("/sf/products_page"), "/sf/products_page");
        assert_eq!(route_label("/"), "/");
        assert_eq!(
            route_label("/media/listing/3f2a/x.png"),
            "/media/listing/:id/:id"
        );
        assert_eq!(route_label("/a/b/c/d/e/f"), "/a/b/c/d/…");
        assert_eq!(route_label("/stats/保温杯"), "/stats/:id");
    }

    #[test]
    fn the_text_format_has_the_series_recorded() {
        record_request("/products", "GET", 200, 0.004);
        marketplace_call("ozon", "throttled");
        let text = render();
        assert!(
            text.contains("shopbridge_http_request_duration_seconds_bucket{"),
            "{text}"
        );
        assert!(text.contains("route=\"/products\""), "{text}");
        assert!(
            text.contains(
                "shopbridge_marketplace_calls_total{platform=\"ozon\",outcome=\"throttled\"}"
            ),
            "{text}"
        );
        assert!(text.trim_end().ends_with("# EOF"));
    }
}
