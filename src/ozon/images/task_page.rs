//! One task: live progress over SSE while it runs, then thumbnails, failures with reasons,
//! copy-all-URLs, ZIP, and "retry failed" / "continue".

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{get_task, ResumeTask};
use super::pages::status_badge;
use super::{ItemReport, ItemStatus, TaskStatus, TaskView};
use crate::ui::components::{Card, Notice, ProgressBar, BUTTON_CLASS, SMALL_BUTTON_CLASS};
use crate::ui::text;

#[component]
pub fn ImageTaskPage() -> impl IntoView {
    let id = crate::ui::components::route_id();
    let task = Resource::new(id, get_task);
    view! {
        <Title text=text::IMG_TITLE/>
        <a href="/ozon/images" class="text-sm text-indigo-700 hover:underline">"← "{text::IMG_BACK}</a>
        <Suspense fallback=|| view! { <p class="mt-4 text-slate-500">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match task.await {
                    Ok(view) => view! { <TaskBody initial=view/> }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Follows `/ozon/images/tasks/{id}/events` until the task ends.
fn follow(id: i64, live: RwSignal<Option<TaskView>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let Ok(source) = web_sys::EventSource::new(&format!("/ozon/images/tasks/{id}/events"))
        else {
            return;
        };
        let closer = source.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let Some(data) = ev.data().as_string() else {
                    return;
                };
                if let Ok(view) = serde_json::from_str::<TaskView>(&data) {
                    if view.status.is_final() {
                        closer.close();
                    }
                    live.set(Some(view));
                }
            });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, live);
    }
}

fn copy_to_clipboard(text: String) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().navigator().clipboard().write_text(&text);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
    }
}

#[component]
fn TaskBody(initial: TaskView) -> impl IntoView {
    let id = initial.id;
    let live = RwSignal::new(None::<TaskView>);
    let resume = ServerAction::<ResumeTask>::new();
    let copied = RwSignal::new(false);
    let current = {
        let initial = initial.clone();
        Signal::derive(move || live.get().unwrap_or_else(|| initial.clone()))
    };
    // Follow the task while it runs, and again after "retry" / "continue" starts it.
    Effect::new(move |_| {
        let restarted = resume.version().get() > 0;
        if initial.status == TaskStatus::Running || restarted {
            follow(id, live);
        }
    });
    let percent = Signal::derive(move || current.with(TaskView::percent));
    let all_urls = move || {
        current.with(|v| {
            v.items
                .iter()
                .flat_map(|i| i.urls.iter().cloned())
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    view! {
        <div class="mt-3 mb-6 flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-semibold text-slate-900">{format!("{} #{id}", text::IMG_TASK)}</h1>
            {move || status_badge(current.with(|v| v.status))}
        </div>
        <div class="space-y-6">
            <Card>
                <p class="text-sm text-slate-500">
                    {move || current.with(|v| format!(
                        "{} · {} · 凭证 {} · 按 {} 查询 · {} 个货号",
                        v.created_at, v.username, v.credential_name, v.field.as_str(), v.articles.len()
                    ))}
                </p>
                <div class="mt-4 flex items-center justify-between text-sm">
                    <span class="font-medium text-slate-700">{text::IMG_PROGRESS}</span>
                    <span data-testid="progress-text">{move || current.with(|v| {
                        if v.items.is_empty() && v.status == TaskStatus::Running {
                            text::IMG_WAITING.to_string()
                        } else {
                            format!("{} / {} 张 · 成功 {} · 失败 {}", v.finished_images(), v.total_images(), v.success_images(), v.failed_images())
                        }
                    })}</span>
                </div>
                <div class="mt-2" data-testid="progress"><ProgressBar percent=percent/></div>
                {move || current.with(|v| v.error.clone()).map(|e| view! { <Notice message=e error=true/> })}
                <div class="mt-4 flex flex-wrap gap-2">
                    <button class=SMALL_BUTTON_CLASS data-testid="copy-urls"
                        on:click=move |_| { copy_to_clipboard(all_urls()); copied.set(true); }>
                        {move || if copied.get() { text::IMG_COPIED } else { text::IMG_COPY_URLS }}
                    </button>
                    <a class=SMALL_BUTTON_CLASS href=format!("/ozon/images/tasks/{id}/zip") data-testid="zip" rel="external">{text::IMG_ZIP}</a>
                    <Show when=move || current.with(|v| v.status.is_final() && v.has_missing())>
                        <button class=BUTTON_CLASS data-testid="resume" disabled=move || resume.pending().get()
                            on:click=move |_| { resume.dispatch(ResumeTask { id }); }>
                            {move || if current.with(|v| v.status == TaskStatus::Interrupted) { text::IMG_CONTINUE } else { text::IMG_RETRY }}
                        </button>
                    </Show>
                </div>
                {move || resume.value().get().and_then(|r| r.err()).map(|err| view! { <Notice message=err.to_string() error=true/> })}
                <textarea class="sr-only" readonly aria-hidden="true" data-testid="all-urls" prop:value=all_urls></textarea>
            </Card>
            <Card>
                <h2 class="mb-3 text-base font-semibold text-slate-900">{text::IMG_RESULTS}</h2>
                <ul class="divide-y divide-slate-100" data-testid="task-items">
                    {move || {
                        let view = current.get();
                        let running = view.status == TaskStatus::Running;
                        view.items.into_iter().map(|item| view! { <ItemRow item=item running=running/> }).collect_view()
                    }}
                </ul>
            </Card>
        </div>
    }
}

#[component]
fn ItemRow(item: ItemReport, running: bool) -> impl IntoView {
    let finished = item.success_images + item.failed_images;
    let whole_failure = item.status == ItemStatus::Failed && item.total_images == 0;
    let (label, class) = if whole_failure {
        (text::IMG_ITEM_FAILED, "text-red-700")
    } else if running && finished < item.total_images {
        (text::IMG_ITEM_RUNNING, "text-indigo-700")
    } else if item.success_images == 0 {
        (text::IMG_ITEM_FAILED, "text-red-700")
    } else {
        (text::IMG_ITEM_DONE, "text-emerald-700")
    };
    let percent = (finished * 100)
        .checked_div(item.total_images)
        .unwrap_or(100);
    let failures: Vec<_> = item.images.iter().filter(|i| !i.ok()).cloned().collect();
    let thumbs: Vec<_> = item.images.iter().filter(|i| i.ok()).cloned().collect();
    view! {
        <li class="py-4" data-testid="task-item" data-article=item.article.clone()>
            <div class="flex flex-wrap items-center justify-between gap-2 text-sm">
                <span class="font-mono font-medium text-slate-900">{item.article.clone()}</span>
                <span class="text-slate-500">{item.product_id.map(|p| format!("product_id {p}"))}</span>
                <span class=class>{format!("{label} · {}/{} 张", item.success_images, item.total_images)}</span>
            </div>
            {(!whole_failure).then(|| view! { <div class="mt-2"><ProgressBar percent=Signal::derive(move || percent) small=true/></div> })}
            {whole_failure.then(|| item.error.clone().map(|e| view! { <p class="mt-2 text-sm text-red-700">{e}</p> }))}
            <div class="mt-3 flex flex-wrap gap-2">
                {thumbs.into_iter().filter_map(|img| img.url.map(|url| {
                    let href = url.clone();
                    view! {
                    <a href=href target="_blank" rel="noopener">
                        <img src=url loading="lazy" alt=format!("第 {} 张", img.n)
                            class="h-20 w-20 rounded border border-slate-200 bg-slate-50 object-contain" data-testid="thumb"/>
                    </a>
                }})).collect_view()}
            </div>
            {(!failures.is_empty()).then(|| view! {
                <div class="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-800" data-testid="failed-images">
                    <p class="font-medium">{text::IMG_FAILED_LIST}</p>
                    <ul class="mt-1 list-disc pl-5">
                        {failures.into_iter().map(|f| view! {
                            <li>{format!("第 {} 张：{} {}", f.n, f.code.unwrap_or_default(), f.message.unwrap_or_default())}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </li>
    }
}
