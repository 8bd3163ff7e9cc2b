//! The shell, the router and the navigation.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::auth::api::whoami;
use crate::auth::pages::{AccountPage, AuditPage, LoginPage, UsersPage};
use crate::auth::Me;
use crate::ozon::images::pages::ImagesPage;
use crate::ozon::images::task_page::ImageTaskPage;
use crate::ozon::listing::board::pages::{PipelineBoardPage, PipelineProductPage};
use crate::ozon::listing::drafts::editor::DraftEditorPage;
use crate::ozon::listing::pages::ListingPage;
use crate::ui::components::{Card, PageHeader};
use crate::ui::text;
use crate::vault::admin_pages::{ApiKeysPage, ExpiryBanner, PlatformAppsPage};
use crate::vault::pages::CredentialsPage;

mod nav;

/// The HTML document around the app. Sets a CSP whose nonce admits only our own scripts.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="bg-slate-100 text-slate-800 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use leptos::nonce::{provide_nonce, use_nonce};
    provide_nonce();
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    // Pictures: our media store (maybe an R2 domain), Cloudinary, and the image URLs drafts
    // point at (sellers' CDNs, Ozon's) are all shown, so any https image is allowed. Plain
    // http only for the media store and the configured Ozon base (the simulator, which serves
    // its product images itself).
    use crate::common::url::origin_of;
    let state = use_context::<crate::server::state::AppState>();
    let http_origins: Vec<String> = state
        .map(|state| {
            [&state.config.media_public_url, &state.config.ozon_api_url]
                .into_iter()
                .map(|url| origin_of(url))
                .filter(|o| o.starts_with("http://") && *o != origin_of(&state.config.public_url))
                .collect()
        })
        .unwrap_or_default();
    let mut images = vec!["'self'".to_string(), "data:".into(), "https:".into()];
    for origin in http_origins {
        if !images.contains(&origin) {
            images.push(origin);
        }
    }
    let images = images.join(" ");
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src {images}; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me: Me = Resource::new_blocking(|| (), |_| whoami());
    provide_context(me);
    view! {
        <Stylesheet id="leptos" href="/pkg/shopbridge.css"/>
        <Title formatter=|page: String| format!("{page} · ShopBridge")/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/login") view=LoginPage/>
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/platforms") view=crate::platforms::pages::PlatformsPage/>
                    <Route path=path!("/shops") view=crate::platforms::pages::ShopsPage/>
                    <Route path=path!("/products") view=crate::platforms::browse::ProductsPage/>
                    <Route path=path!("/products/:id") view=crate::platforms::browse::ProductDetailPage/>
                    <Route path=path!("/orders") view=crate::platforms::browse::OrdersPage/>
                    <Route path=path!("/stats") view=crate::stats::pages::StatsPage ssr=SsrMode::Async/>
                    <Route path=path!("/promotions") view=crate::promotions::pages::PromotionsPage/>
                    <Route path=path!("/promotions/new") view=crate::promotions::pages::PromotionEditorPage/>
                    <Route path=path!("/promotions/:id") view=crate::promotions::pages::PromotionEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("/ozon/credentials") view=CredentialsPage/>
                    <Route path=path!("/platforms/apps") view=|| view! { <AdminOnly><PlatformAppsPage/></AdminOnly> }/>
                    <Route path=path!("/api-keys") view=|| view! { <AdminOnly><ApiKeysPage/></AdminOnly> }/>
                    <Route path=path!("/ozon/images") view=ImagesPage/>
                    <Route path=path!("/ozon/images/tasks/:id") view=ImageTaskPage/>
                    <Route path=path!("/ozon/listing") view=ListingPage/>
                    <Route path=path!("/ozon/listing/drafts/:offer_id") view=DraftEditorPage/>
                    <Route path=path!("/ozon/listing/pipeline") view=PipelineBoardPage/>
                    <Route path=path!("/ozon/listing/inspection") view=crate::ozon::listing::tools::pages::InspectionPage/>
                    <Route path=path!("/ozon/listing/pipeline/:offer_id") view=PipelineProductPage/>
                    <Route path=path!("/users") view=|| view! { <AdminOnly><UsersPage/></AdminOnly> }/>
                    <Route path=path!("/audit") view=|| view! { <AdminOnly><AuditPage/></AdminOnly> }/>
                    <Route path=path!("/account") view=AccountPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Renders `children` for admins and a refusal for everyone else.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let me = expect_context::<Me>();
    view! {
        <Suspense fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) if user.is_admin() => children().into_any(),
                        _ => view! { <crate::ui::components::Forbidden/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Layout() -> impl IntoView {
    let me = expect_context::<Me>();
    view! {
        <div class="flex min-h-screen">
            <aside class="w-56 shrink-0 bg-slate-900 text-slate-300">
                <div class="px-5 py-5">
                    <div class="text-lg font-semibold text-white">{text::APP_NAME}</div>
                    <div class="text-xs text-slate-400">{text::APP_TAGLINE}</div>
                </div>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        me.await.ok().flatten().map(|user| view! { <nav::SideNav user=user/> })
                    })}
                </Suspense>
            </aside>
            <div class="flex min-w-0 flex-1 flex-col">
                <header class="flex h-14 items-center justify-end gap-4 border-b border-slate-200 bg-white px-6">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            me.await.ok().flatten().map(|user| view! { <nav::UserMenu user=user/> })
                        })}
                    </Suspense>
                </header>
                <nav::DemoBanner/>
                <ExpiryBanner/>
                <main class="mx-auto w-full max-w-6xl flex-1 p-6">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

#[component]
fn HomePage() -> impl IntoView {
    let me = expect_context::<Me>();
    let capabilities = [
        (text::NAV_USERS, true),
        (text::NAV_AUDIT, true),
        (text::NAV_OZON_CREDENTIALS, true),
        (text::NAV_PLATFORM_APPS, true),
        (text::NAV_API_KEYS, true),
        (text::NAV_OZON_IMAGES, true),
        (text::NAV_OZON_LISTING, true),
        (text::NAV_PLATFORMS, true),
        (text::NAV_SHOPS, true),
        (text::NAV_PRODUCTS, true),
        ("订单", true),
        ("统计", true),
        (text::NAV_PROMOTIONS, true),
    ];
    view! {
        <Title text=text::HOME_TITLE/>
        <PageHeader title=text::HOME_TITLE/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me.await.ok().flatten().map(|user| view! {
                    <p class="mb-6 text-slate-600">{text::HOME_WELCOME}"，"{user.display_name}</p>
                })
            })}
        </Suspense>
        <Card>
            <h2 class="mb-4 text-base font-semibold text-slate-900">{text::HOME_CAPABILITIES}</h2>
            <ul class="grid grid-cols-1 gap-3 sm:grid-cols-3">
                {capabilities.into_iter().map(|(name, open)| {
                    let badge = if open { "bg-emerald-100 text-emerald-800" } else { "bg-amber-100 text-amber-800" };
                    view! {
                        <li class="flex items-center justify-between rounded-md border border-slate-200 px-4 py-3">
                            <span class="text-sm text-slate-700">{name}</span>
                            <span class=format!("rounded-full px-2 py-0.5 text-xs {badge}")>
                                {if open { text::CAP_OPEN } else { text::NOT_YET_OPEN }}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Card>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="flex min-h-screen items-center justify-center">
            <Card>
                <h1 class="text-xl font-semibold">{text::NOT_FOUND_TITLE}</h1>
                <a href="/" class="mt-3 inline-block text-indigo-600">{text::NAV_HOME}</a>
            </Card>
        </div>
    }
}
