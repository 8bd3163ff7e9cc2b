//! Small building blocks shared by pages.

use leptos::prelude::*;

use super::text;
use crate::error::AppError;

#[component]
pub fn PageHeader(title: &'static str, #[prop(optional)] subtitle: &'static str) -> impl IntoView {
    view! {
        <div class="mb-6">
            <h1 class="text-2xl font-semibold text-slate-900">{title}</h1>
            {(!subtitle.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-500">{subtitle}</p> })}
        </div>
    }
}

#[component]
pub fn Card(children: Children) -> impl IntoView {
    view! { <section class="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">{children()}</section> }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <Card>
            <div class="py-10 text-center" data-testid="forbidden">
                <h1 class="text-xl font-semibold text-red-700">{text::FORBIDDEN_TITLE}</h1>
                <p class="mt-2 text-slate-500">{text::FORBIDDEN_HINT}</p>
            </div>
        </Card>
    }
}

/// A message line under a form: green for success, red for errors.
#[component]
pub fn Notice(#[prop(into)] message: String, #[prop(optional)] error: bool) -> impl IntoView {
    let class = if error {
        "mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
    } else {
        "mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-700"
    };
    let role = if error { "alert" } else { "status" };
    view! { <p class=class role=role>{message}</p> }
}

/// The outcome of an action as a notice, or nothing before it ran.
pub fn action_notice(value: Option<Result<String, AppError>>) -> impl IntoView {
    value.map(|result| match result {
        Ok(message) => view! { <Notice message=message/> }.into_any(),
        Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
    })
}

pub const INPUT_CLASS: &str =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm \
    shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";
pub const LABEL_CLASS: &str = "block text-sm font-medium text-slate-700";
pub const BUTTON_CLASS: &str =
    "inline-flex items-center rounded-md bg-indigo-600 px-4 py-2 text-sm \
    font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-50";
pub const SMALL_BUTTON_CLASS: &str =
    "rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs \
    font-medium text-slate-700 hover:bg-slate-50";
pub const TABLE_CLASS: &str = "min-w-full divide-y divide-slate-200 text-sm";
pub const TH_CLASS: &str = "px-3 py-2 text-left font-medium text-slate-500";
pub const TD_CLASS: &str = "px-3 py-2 align-top text-slate-700";

/// A table header row from column titles.
#[component]
pub fn TableHead(columns: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead>
            <tr>{columns.iter().map(|c| view! { <th class=TH_CLASS>{*c}</th> }).collect_view()}</tr>
        </thead>
    }
}

/// A list loaded from the server: "加载中…" while loading, `empty` for no rows, the error as a
/// notice, otherwise `render(rows)`. Keeps the previous rows on screen while reloading.
pub fn resource_list<T, F>(
    resource: Resource<Result<Vec<T>, AppError>>,
    empty: &'static str,
    render: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(Vec<T>) -> AnyView + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="text-slate-500">{empty}</p> }.into_any(),
                        Ok(rows) => render(rows),
                        Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A horizontal progress bar, 0–100.
#[component]
pub fn ProgressBar(
    #[prop(into)] percent: Signal<u32>,
    #[prop(optional)] small: bool,
) -> impl IntoView {
    let height = if small { "h-1.5" } else { "h-3" };
    view! {
        <div class=format!("{height} w-full overflow-hidden rounded-full bg-slate-200") role="progressbar"
            aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || percent.get().to_string()>
            <div class=format!("{height} rounded-full bg-indigo-600 transition-all duration-300")
                style=move || format!("width: {}%", percent.get().min(100))></div>
        </div>
    }
}

/// The page's `:id` route parameter as a number (0 when missing or not a number).
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// A counter that goes up every `secs` seconds while the page is open in the browser; a page
/// reloads its data by reading it.
pub fn ticker(secs: u64) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || tick.update(|n| *n += 1),
            std::time::Duration::from_secs(secs),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}
