//! 上架流程: the pipeline board (counts per state, filters, bulk submit and retry, live while
//! anything moves) and the product page (state, Ozon's message, timeline, receipts).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::ozon::listing::board::api::{
    pipeline_board, pipeline_product, Board, BoardRow, ProductView, RetryProducts as Retry,
    SubmitProducts as Submit,
};
use crate::ozon::listing::board::outcomes::outcomes;
use crate::ui::components::{
    Card, Notice, PageHeader, TableHead, BUTTON_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};

/// Refreshes `tick` every 2 s while `active` (in the browser only).
fn keep_fresh(active: RwSignal<bool>, tick: RwSignal<u32>) {
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if active.get_untracked() {
                    tick.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_secs(2),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
}

fn badge(state: &str) -> &'static str {
    match state {
        "Error" => "rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800",
        "ReadyForSale" | "Live" => {
            "rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800"
        }
        "unsubmitted" => "rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600",
        _ => "rounded bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800",
    }
}

#[component]
pub fn PipelineBoardPage() -> impl IntoView {
    let state = RwSignal::new(String::new());
    let type_id = RwSignal::new(0i64);
    let error = RwSignal::new(String::new());
    let tick = RwSignal::new(0u32);
    let active = RwSignal::new(false);
    let selected = RwSignal::new(Vec::<String>::new());
    let submit = ServerAction::<Submit>::new();
    let retry = ServerAction::<Retry>::new();
    let data = Resource::new(
        move || {
            (
                state.get(),
                type_id.get(),
                error.get(),
                tick.get(),
                submit.version().get(),
                retry.version().get(),
            )
        },
        |(s, t, e, _, _, _)| pipeline_board(s, t, e),
    );
    keep_fresh(active, tick);
    let chosen = move || selected.get().join("\n");
    view! {
        <Title text="上架流程"/>
        <PageHeader title="上架流程" subtitle="草稿 → 图片就绪 → 已提交导入 → 已建卡 → 已定价 → 可售 → 已上线；出错的商品进入人工复核"/>
        <Card>
            <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(b) => {
                        active.set(b.active);
                        view! { <BoardView b=b state=state type_id=type_id error=error selected=selected/> }.into_any()
                    }
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
            <div class="mt-4 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-4">
                <span class="text-sm text-slate-500" data-testid="selected-count">{move || format!("已选 {} 个", selected.get().len())}</span>
                <button class=BUTTON_CLASS data-testid="submit-selected"
                    disabled=move || selected.get().is_empty() || submit.pending().get()
                    on:click=move |_| { submit.dispatch(Submit { offer_ids: chosen() }); }>"提交所选"</button>
                <button class=SMALL_BUTTON_CLASS data-testid="retry-selected"
                    disabled=move || selected.get().is_empty() || retry.pending().get()
                    on:click=move |_| { retry.dispatch(Retry { offer_ids: chosen() }); }>"重试所选"</button>
                <button class=SMALL_BUTTON_CLASS data-testid="retry-failed"
                    disabled=move || retry.pending().get()
                    on:click=move |_| { retry.dispatch(Retry { offer_ids: String::new() }); }>"重试全部失败项"</button>
                <a class=SMALL_BUTTON_CLASS href="/ozon/listing/inspection" data-testid="open-inspection">"对账报告"</a>
                <a class=SMALL_BUTTON_CLASS href="/ozon/listing">"返回草稿"</a>
            </div>
            {move || submit.value().get().map(|r| match r {
                Ok(list) => outcomes(list, "bulk-result").into_any(),
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
            {move || retry.value().get().map(|r| match r {
                Ok(list) => outcomes(list, "bulk-result").into_any(),
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
            <crate::ozon::listing::tools::pages::CommercialCsvPanel/>
        </Card>
    }
}

#[component]
fn BoardView(
    b: Board,
    state: RwSignal<String>,
    type_id: RwSignal<i64>,
    error: RwSignal<String>,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let all: Vec<String> = b.rows.iter().map(|r| r.offer_id.clone()).collect();
    let review = b.review;
    view! {
        <div class="flex flex-wrap gap-2" data-testid="state-counts">
            {b.counts.into_iter().map(|(key, label, n)| {
                let k = key.clone();
                let current = key.clone();
                view! {
                    <button class=move || if state.get() == current { "rounded-full bg-indigo-600 px-3 py-1 text-xs text-white" } else { "rounded-full bg-slate-100 px-3 py-1 text-xs text-slate-700 hover:bg-slate-200" }
                        data-testid=format!("count-{key}")
                        on:click=move |_| state.set(if state.get_untracked() == k { String::new() } else { k.clone() })>
                        {format!("{label} {n}")}
                    </button>
                }
            }).collect_view()}
            <button class="rounded-full bg-red-50 px-3 py-1 text-xs text-red-700 hover:bg-red-100" data-testid="count-review"
                on:click=move |_| state.set("review".into())>{format!("人工复核 {review}")}</button>
        </div>
        <div class="mt-4 flex flex-wrap items-end gap-3 text-sm">
            <label>"类目 "
                <select class="rounded-md border border-slate-300 px-2 py-1" data-testid="filter-type"
                    on:change=move |ev| type_id.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">"全部"</option>
                    {b.categories.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=move || type_id.get() == id>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"错误包含 "
                <input class="rounded-md border border-slate-300 px-2 py-1" data-testid="filter-error"
                    prop:value=move || error.get() on:change=move |ev| error.set(event_target_value(&ev))/>
            </label>
            {move || (!state.get().is_empty()).then(|| view! {
                <button class=SMALL_BUTTON_CLASS on:click=move |_| state.set(String::new())>"清除状态筛选"</button>
            })}
        </div>
        {if b.rows.is_empty() {
            view! { <p class="mt-4 text-slate-500">"没有符合条件的商品"</p> }.into_any()
        } else {
            view! {
                <table class=format!("{TABLE_CLASS} mt-4") data-testid="pipeline-table">
                    <thead><tr>
                        <th class="px-3 py-2"><input type="checkbox" aria-label="全选" data-testid="select-all"
                            on:change=move |ev| selected.set(if event_target_checked(&ev) { all.clone() } else { Vec::new() })/></th>
                        {["货号", "名称", "类目", "状态", "原因", "更新时间"].into_iter().map(|c| view! { <th class="px-3 py-2 text-left font-medium text-slate-500">{c}</th> }).collect_view()}
                    </tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {b.rows.into_iter().map(|r| row(r, selected)).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {(!b.alerts.is_empty()).then(|| view! {
            <details class="mt-4 text-sm" data-testid="alerts">
                <summary class="cursor-pointer text-slate-600">{format!("最近提醒（{}）", b.alerts.len())}</summary>
                <ul class="mt-2 space-y-1">
                    {b.alerts.into_iter().map(|(at, m)| view! { <li><span class="text-slate-400">{at}</span>" "{m}</li> }).collect_view()}
                </ul>
            </details>
        })}
    }
}

fn row(r: BoardRow, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let id = r.offer_id.clone();
    let checked_id = id.clone();
    let segment = crate::common::url::encode_segment(&r.offer_id);
    let href = if r.state == "unsubmitted" {
        format!("/ozon/listing/drafts/{segment}")
    } else {
        format!("/ozon/listing/pipeline/{segment}")
    };
    let reason = match (&r.error, r.problems) {
        (Some(e), _) => format!(
            "{}{}",
            r.failed_step.map(|s| format!("[{s}] ")).unwrap_or_default(),
            e
        ),
        (None, n) if n > 0 && r.state == "unsubmitted" => format!("草稿有 {n} 个问题"),
        _ => String::new(),
    };
    view! {
        <tr data-testid="pipeline-row" data-offer=r.offer_id.clone() data-state=r.state.clone()>
            <td class=TD_CLASS><input type="checkbox" aria-label=format!("选择 {}", r.offer_id)
                prop:checked=move || selected.get().contains(&checked_id)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|list| {
                        list.retain(|x| x != &id);
                        if on { list.push(id.clone()); }
                    });
                }/></td>
            <td class=TD_CLASS><a class="font-mono text-indigo-700 hover:underline" href=href>{r.offer_id.clone()}</a></td>
            <td class=TD_CLASS>{r.name}</td>
            <td class=TD_CLASS>{r.category}</td>
            <td class=TD_CLASS>
                <span class=badge(&r.state) data-testid="state-badge">{r.state_label}</span>
                {r.needs_review.then(|| view! { <span class="ml-1 text-xs text-red-700">"人工复核"</span> })}
            </td>
            <td class=format!("{TD_CLASS} max-w-md text-red-700")>{reason}</td>
            <td class=TD_CLASS>{r.updated_at}</td>
        </tr>
    }
}

#[component]
pub fn PipelineProductPage() -> impl IntoView {
    let params = use_params_map();
    let offer_id = move || params.with(|p| p.get("offer_id").unwrap_or_default());
    let tick = RwSignal::new(0u32);
    let active = RwSignal::new(false);
    let retry = ServerAction::<Retry>::new();
    let data = Resource::new(
        move || (offer_id(), tick.get(), retry.version().get()),
        |(id, _, _)| pipeline_product(id),
    );
    keep_fresh(active, tick);
    view! {
        <Title text="上架流程 · 商品"/>
        <PageHeader title="商品上架详情"/>
        <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
            {move || data.get().map(|result| match result {
                Ok(p) => {
                    active.set(p.active);
                    view! { <ProductDetail p=p retry=retry/> }.into_any()
                }
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
        </Transition>
        {move || retry.value().get().map(|r| match r {
            Ok(list) => outcomes(list, "bulk-result").into_any(),
            Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
        })}
    }
}

#[component]
fn ProductDetail(p: ProductView, retry: ServerAction<Retry>) -> impl IntoView {
    let id = p.offer_id.clone();
    let segment = crate::common::url::encode_segment(&p.offer_id);
    view! {
        <Card>
            <div class="flex flex-wrap items-center gap-3">
                <h2 class="font-mono text-lg text-slate-900">{p.offer_id.clone()}</h2>
                <span class=badge(&p.state) data-testid="product-state">{p.state_label.clone()}</span>
                {p.needs_review.then(|| view! { <span class="text-sm text-red-700">"人工复核"</span> })}
                <span class="text-slate-600">{p.name.clone()}</span>
            </div>
            <dl class="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
                <div><dt class="text-slate-500">"product_id"</dt><dd>{p.product_id.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt class="text-slate-500">"SKU"</dt><dd>{p.sku.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt class="text-slate-500">"Ozon 商品页"</dt><dd>{p.link.clone().map(|l| view! { <a class="text-indigo-700 hover:underline" href=l.clone() target="_blank" rel="noopener noreferrer" data-testid="ozon-link">"在 Ozon 上查看"</a> }.into_any()).unwrap_or_else(|| "—".into_any())}</dd></div>
                <div><dt class="text-slate-500">"草稿"</dt><dd><a class="text-indigo-700 hover:underline" href=format!("/ozon/listing/drafts/{segment}")>"打开草稿"</a></dd></div>
            </dl>
            {p.error.clone().map(|e| view! {
                <div class="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="product-error">
                    {p.failed_step.clone().map(|s| format!("失败步骤：{s}。"))}{e}
                </div>
                <button class=format!("{BUTTON_CLASS} mt-3") data-testid="retry-product"
                    on:click=move |_| { retry.dispatch(Retry { offer_ids: id.clone() }); }>"从失败步骤重试"</button>
            })}
            {p.waiting.clone().map(|(why, at)| view! {
                <p class="mt-3 text-sm text-slate-600" data-testid="product-waiting">{format!("下一步：{at}（{why}）")}</p>
            })}
            {(!p.pending_stocks.is_empty()).then(|| view! {
                <div class="mt-3 text-sm" data-testid="pending-stocks">
                    <p class="font-medium">"待发送的库存（同一仓库每 30 秒最多写一次，后写的覆盖先写的）"</p>
                    <ul>{p.pending_stocks.clone().into_iter().map(|(w, s, at)| view! { <li>{format!("仓库 {w}：{s}，将于 {at} 发送")}</li> }).collect_view()}</ul>
                </div>
            })}
        </Card>
        <div class="mt-6"><Card>
            <h3 class="mb-3 font-semibold text-slate-900">"时间线"</h3>
            <table class=TABLE_CLASS data-testid="timeline">
                <TableHead columns=&["时间", "从", "到", "说明"]/>
                <tbody class="divide-y divide-slate-100">
                    {p.timeline.into_iter().map(|t| view! {
                        <tr><td class=TD_CLASS>{t.at}</td><td class=TD_CLASS>{t.from}</td><td class=TD_CLASS>{t.to}</td><td class=TD_CLASS>{t.note}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Card></div>
        <div class="mt-6"><Card>
            <h3 class="mb-3 font-semibold text-slate-900">"Ozon 调用记录"</h3>
            <table class=TABLE_CLASS data-testid="receipts">
                <TableHead columns=&["时间", "类别", "结果", "内容", "原因"]/>
                <tbody class="divide-y divide-slate-100">
                    {p.receipts.into_iter().map(|r| view! {
                        <tr>
                            <td class=TD_CLASS>{r.at}</td>
                            <td class=TD_CLASS>{match r.kind.as_str() { "media" => "图片", "import" => "导入", "price" => "价格", "stock" => "库存", _ => "其他" }}</td>
                            <td class=TD_CLASS>{r.state}</td>
                            <td class=format!("{TD_CLASS} max-w-md break-all font-mono text-xs")>
                                {r.summary}
                                {r.detail.map(|d| view! { <details><summary class="cursor-pointer text-slate-500">"Ozon 回复"</summary><pre class="whitespace-pre-wrap">{d}</pre></details> })}
                            </td>
                            <td class=format!("{TD_CLASS} text-red-700")>{r.reason}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Card></div>
    }
}
