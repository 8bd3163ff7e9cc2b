//! The 图片下载 page: start a task on a stored credential, and the task history.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::api::{recent_tasks, StartTask};
use super::validate::{self, MAX_ARTICLES};
use super::{OutputFormat, ProcessOptions, TaskStatus};
use crate::ui::components::{
    resource_list, Card, Notice, PageHeader, TableHead, BUTTON_CLASS, INPUT_CLASS, LABEL_CLASS,
    SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};
use crate::ui::text;
use crate::vault::api::credential_names;

#[component]
pub fn ImagesPage() -> impl IntoView {
    view! {
        <Title text=text::IMG_TITLE/>
        <PageHeader title=text::IMG_TITLE subtitle=text::IMG_SUBTITLE/>
        <div class="grid grid-cols-1 gap-6 xl:grid-cols-5">
            <div class="xl:col-span-2"><StartForm/></div>
            <div class="xl:col-span-3"><History/></div>
        </div>
    }
}

pub fn status_badge(status: TaskStatus) -> impl IntoView {
    let class = match status {
        TaskStatus::Running => "bg-indigo-100 text-indigo-800",
        TaskStatus::Done => "bg-emerald-100 text-emerald-800",
        TaskStatus::Failed => "bg-red-100 text-red-800",
        TaskStatus::Interrupted => "bg-amber-100 text-amber-800",
    };
    view! {
        <span class=format!("rounded-full px-2 py-0.5 text-xs font-medium {class}") data-testid="task-status">
            {status.label()}
        </span>
    }
}

fn parse_u32(value: &str) -> Option<u32> {
    value.trim().parse().ok()
}

#[component]
fn StartForm() -> impl IntoView {
    let credentials = Resource::new(|| (), |_| credential_names());
    let start = ServerAction::<StartTask>::new();
    // Read at submit time, so the choice is whatever the select shows.
    let select = NodeRef::<leptos::html::Select>::new();
    let articles = RwSignal::new(String::new());
    let field = RwSignal::new("offer_id".to_string());
    let format = RwSignal::new(String::new());
    let max_side = RwSignal::new(String::new());
    let quality = RwSignal::new("85".to_string());
    let pad = RwSignal::new(false);
    let remove_bg = RwSignal::new(false);
    let tolerance = RwSignal::new("24".to_string());
    let file_note = RwSignal::new(None::<Result<String, String>>);

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            navigate(&format!("/ozon/images/tasks/{id}"), Default::default());
        }
    });

    let counted = move || {
        let lines = validate::split_lines(&articles.get());
        let mut distinct = lines.clone();
        distinct.sort();
        distinct.dedup();
        (lines.len(), distinct.len())
    };
    let options = move || ProcessOptions {
        format: match format.get().as_str() {
            "jpeg" => Some(OutputFormat::Jpeg),
            "png" => Some(OutputFormat::Png),
            "webp" => Some(OutputFormat::Webp),
            _ => None,
        },
        max_side: parse_u32(&max_side.get()),
        quality: (format.get() == "jpeg")
            .then(|| parse_u32(&quality.get()).map(|q| q.min(255) as u8))
            .flatten(),
        pad_3x4: pad.get(),
        remove_background: remove_bg.get(),
        tolerance: remove_bg
            .get()
            .then(|| parse_u32(&tolerance.get()).map(|t| t.min(255) as u8))
            .flatten(),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let credential_id = select
            .get_untracked()
            .and_then(|el| el.value().parse::<i64>().ok())
            .unwrap_or(0);
        let options = serde_json::to_string(&options()).unwrap_or_else(|_| "{}".into());
        start.dispatch(StartTask {
            credential_id,
            articles: articles.get(),
            field: field.get(),
            options,
        });
    };
    let on_file = move |ev: leptos::ev::Event| read_file(ev, articles, file_note);

    view! {
        <Card>
            <h2 class="mb-4 text-base font-semibold text-slate-900">{text::IMG_NEW}</h2>
            <form class="space-y-4" on:submit=submit data-testid="image-task-form">
                <label class=LABEL_CLASS>{text::IMG_CREDENTIAL}
                    <Suspense fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
                        {move || Suspend::new(async move {
                            match credentials.await {
                                Ok(list) if list.is_empty() => view! { <Notice message=text::IMG_NO_CREDENTIAL error=true/> }.into_any(),
                                Ok(list) => view! {
                                    <select name="credential_id" class=INPUT_CLASS node_ref=select>
                                        {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                                    </select>
                                }.into_any(),
                                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </label>
                <label class=LABEL_CLASS>{text::IMG_ARTICLES}
                    <textarea name="articles" rows="8" class=format!("{INPUT_CLASS} font-mono")
                        placeholder=text::IMG_ARTICLES_PLACEHOLDER
                        prop:value=move || articles.get()
                        on:input=move |ev| articles.set(event_target_value(&ev))></textarea>
                </label>
                <p class="text-xs text-slate-500" data-testid="article-count">
                    {move || {
                        let (lines, distinct) = counted();
                        let over = if distinct > MAX_ARTICLES { format!("，超过 {MAX_ARTICLES} 个上限") } else { String::new() };
                        format!("共 {lines} 行，去重后 {distinct} 个货号{over}")
                    }}
                </p>
                <label class=LABEL_CLASS>{text::IMG_FILE}
                    <input type="file" accept=".csv,.txt,.xlsx" class="mt-1 block text-sm" data-testid="article-file" on:change=on_file/>
                </label>
                {move || file_note.get().map(|note| match note {
                    Ok(message) => view! { <Notice message=message/> }.into_any(),
                    Err(message) => view! { <Notice message=message error=true/> }.into_any(),
                })}
                <label class=LABEL_CLASS>{text::IMG_FIELD}
                    <select name="field" class=INPUT_CLASS on:change=move |ev| field.set(event_target_value(&ev))>
                        <option value="offer_id">{text::IMG_FIELD_OFFER}</option>
                        <option value="sku">{text::IMG_FIELD_SKU}</option>
                        <option value="vendor_code">{text::IMG_FIELD_VENDOR}</option>
                    </select>
                </label>
                <details class="rounded-md border border-slate-200 p-3">
                    <summary class="cursor-pointer text-sm font-medium text-slate-700">{text::IMG_PROCESSING}</summary>
                    <div class="mt-3 grid grid-cols-2 gap-3">
                        <label class=LABEL_CLASS>{text::IMG_FORMAT}
                            <select name="format" class=INPUT_CLASS on:change=move |ev| format.set(event_target_value(&ev))>
                                <option value="">{text::IMG_FORMAT_KEEP}</option>
                                <option value="jpeg">"JPEG"</option>
                                <option value="png">"PNG"</option>
                                <option value="webp">"WebP"</option>
                            </select>
                        </label>
                        <label class=LABEL_CLASS>{text::IMG_MAX_SIDE}
                            <input name="max_side" type="number" min="16" max="10000" class=INPUT_CLASS
                                on:input=move |ev| max_side.set(event_target_value(&ev))/>
                        </label>
                        <label class=LABEL_CLASS>{text::IMG_QUALITY}
                            <input name="quality" type="number" min="1" max="100" class=INPUT_CLASS
                                prop:value=move || quality.get() on:input=move |ev| quality.set(event_target_value(&ev))/>
                        </label>
                        <label class=LABEL_CLASS>{text::IMG_TOLERANCE}
                            <input name="tolerance" type="number" min="0" max="255" class=INPUT_CLASS
                                prop:value=move || tolerance.get() on:input=move |ev| tolerance.set(event_target_value(&ev))/>
                        </label>
                        <label class="col-span-2 flex items-center gap-2 text-sm text-slate-700">
                            <input type="checkbox" name="pad_3x4" on:change=move |ev| pad.set(event_target_checked(&ev))/>{text::IMG_PAD}
                        </label>
                        <label class="col-span-2 flex items-center gap-2 text-sm text-slate-700">
                            <input type="checkbox" name="remove_background" on:change=move |ev| remove_bg.set(event_target_checked(&ev))/>{text::IMG_REMOVE_BG}
                        </label>
                    </div>
                </details>
                <button type="submit" class=BUTTON_CLASS data-testid="start-task"
                    disabled=move || start.pending().get()>{text::IMG_START}</button>
                {move || start.value().get().and_then(|r| r.err()).map(|err| view! { <Notice message=err.to_string() error=true/> })}
            </form>
        </Card>
    }
}

/// Reads a chosen CSV/XLSX in the browser and asks the server for its first column.
fn read_file(
    ev: leptos::ev::Event,
    articles: RwSignal<String>,
    note: RwSignal<Option<Result<String, String>>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let Some(file) = crate::ui::files::chosen_files(&ev).into_iter().next() else {
            return;
        };
        if file.size() > super::sheet_limit() as f64 {
            note.set(Some(Err("文件过大（最大 1 MB）".into())));
            return;
        }
        leptos::task::spawn_local(async move {
            let name = file.name();
            let Some(bytes) = crate::ui::files::file_bytes(&file).await else {
                note.set(Some(Err("无法读取文件".into())));
                return;
            };
            match super::api::articles_from_file(name, super::to_base64(&bytes)).await {
                Ok(list) => {
                    note.set(Some(Ok(format!("已从文件读取 {} 个货号", list.len()))));
                    articles.set(list.join("\n"));
                }
                Err(err) => note.set(Some(Err(err.to_string()))),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, articles, note);
    }
}

#[component]
fn History() -> impl IntoView {
    let tasks = Resource::new(|| (), |_| recent_tasks());
    view! {
        <Card>
            <div class="mb-4 flex items-center justify-between">
                <h2 class="text-base font-semibold text-slate-900">{text::IMG_HISTORY}</h2>
                <button class=SMALL_BUTTON_CLASS on:click=move |_| tasks.refetch()>"刷新"</button>
            </div>
            {resource_list(tasks, text::IMG_HISTORY_EMPTY, |rows| view! {
                <table class=TABLE_CLASS data-testid="task-history">
                    <TableHead columns=&[text::IMG_TASK, text::IMG_WHEN, text::IMG_WHO, text::IMG_CREDENTIAL, text::IMG_COUNT_ARTICLES, text::IMG_COUNT_IMAGES, text::IMG_STATUS, ""]/>
                    <tbody class="divide-y divide-slate-100">
                        {rows.into_iter().map(|t| view! {
                            <tr data-testid="task-row">
                                <td class=TD_CLASS>{format!("#{}", t.id)}</td>
                                <td class=TD_CLASS>{t.created_at}</td>
                                <td class=TD_CLASS>{t.username}</td>
                                <td class=TD_CLASS>{t.credential_name}</td>
                                <td class=TD_CLASS>{t.total_articles}</td>
                                <td class=TD_CLASS>{format!("{} / {}", t.success_images, t.total_images)}</td>
                                <td class=TD_CLASS>{status_badge(t.status)}</td>
                                <td class=TD_CLASS>
                                    <a class="text-indigo-700 hover:underline" href=format!("/ozon/images/tasks/{}", t.id)>{text::IMG_OPEN}</a>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any())}
        </Card>
    }
}
