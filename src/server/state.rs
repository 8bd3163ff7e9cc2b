//! The one state every handler and server function reads.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::AnyPool;

use super::config::Config;
use crate::common::fetch::Fetcher;
use crate::common::rate::RateLimiter;
use crate::ozon::client::OzonClient;
use crate::ozon::images::pipeline::Pipeline;
use crate::ozon::images::service::ImageTasks;
use crate::storage::MediaStore;
use crate::vault::seal::Sealer;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: AnyPool,
    pub config: Arc<Config>,
    /// Where browser requests may come from (`Config::own_origins` of the bound address).
    pub own_origins: Arc<[String]>,
    pub sealer: Sealer,
    pub ozon: OzonClient,
    pub api_limiter: Arc<RateLimiter>,
    pub pipeline: Pipeline,
    /// Where pictures, videos and PDFs are kept (`storage.rs`); every capability stores here.
    pub media: MediaStore,
    /// The SSRF-guarded fetcher for pictures given by URL.
    pub fetcher: Fetcher,
    /// Image download tasks running in this process (the page's door).
    pub image_tasks: ImageTasks,
    /// Listing drafts: save with validation, find, list.
    pub drafts: crate::ozon::listing::drafts::service::Drafts,
    /// The listing pipeline (its worker runs from start-up).
    pub listing: crate::ozon::listing::pipeline::Listing,
    /// Douyin and 抖店: clients, sealed account tokens, syncs (the scheduler runs from start-up).
    pub platforms: crate::platforms::hub::Hub,
    /// Promotions: the publisher and its bell, on the platforms' clients and the media store.
    pub promotions: crate::promotions::service::Promotions,
    /// Whether this node takes traffic (`/readyz`); false once it was told to stop.
    pub readiness: crate::common::shutdown::Readiness,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state of the current server function or SSR render.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            crate::error::AppError::Internal
        })
    }
}
