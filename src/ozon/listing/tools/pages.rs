//! 对账报告 (what Ozon holds against what we sent: run now, download CSV) and the board's
//! 批量改价/改库存 panel (paste a table from Excel or a CSV).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ozon::listing::tools::api::{
    latest_inspection, CommercialCsv, InspectionView, RunInspection,
};
use crate::ui::components::{
    Card, Notice, PageHeader, BUTTON_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};

#[component]
pub fn InspectionPage() -> impl IntoView {
    let run = ServerAction::<RunInspection>::new();
    let data = Resource::new(move || run.version().get(), |_| latest_inspection());
    view! {
        <Title text="对账报告"/>
        <PageHeader title="对账报告" subtitle="每天自动读取 Ozon 上的价格和库存，与最后一次发送成功的值比对；也可以随时手动对账"/>
        <Card>
            <div class="flex flex-wrap items-center gap-2">
                <button class=BUTTON_CLASS data-testid="run-inspection" disabled=move || run.pending().get()
                    on:click=move |_| { run.dispatch(RunInspection {}); }>
                    {move || if run.pending().get() { "对账中…" } else { "立即对账" }}
                </button>
                <a class=SMALL_BUTTON_CLASS href="/ozon/listing/inspection.csv" data-testid="inspection-csv" rel="external" download>"下载 CSV"</a>
                <a class=SMALL_BUTTON_CLASS href="/ozon/listing/pipeline">"返回上架流程"</a>
            </div>
            {move || run.value().get().and_then(|r| r.err()).map(|err| view! { <Notice message=err.to_string() error=true/> })}
            <Transition fallback=|| view! { <p class="mt-4 text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(v) => report(v).into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
        </Card>
    }
}

fn report(v: InspectionView) -> impl IntoView {
    if !v.ran {
        return view! { <p class="mt-4 text-slate-500" data-testid="inspection-summary">"还没有对账记录"</p> }.into_any();
    }
    let summary = format!(
        "{}（{}）：检查 {} 个商品，发现 {} 处不一致",
        v.run_at,
        v.trigger,
        v.checked,
        v.differences.len()
    );
    view! {
        <p class="mt-4 text-sm" data-testid="inspection-summary">{summary}</p>
        {v.error.map(|e| view! { <Notice message=format!("部分商品没有读到：{e}") error=true/> })}
        {if v.differences.is_empty() {
            view! { <p class="mt-2 text-emerald-700">"Ozon 上的价格和库存与发送的一致"</p> }.into_any()
        } else {
            view! {
                <table class=format!("{TABLE_CLASS} mt-4") data-testid="inspection-table">
                    <thead><tr>
                        {["货号", "项目", "已发送", "Ozon 现有"].into_iter().map(|c| view! { <th class="px-3 py-2 text-left font-medium text-slate-500">{c}</th> }).collect_view()}
                    </tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {v.differences.into_iter().map(|d| {
                            let href = format!("/ozon/listing/pipeline/{}", crate::common::url::encode_segment(&d.offer_id));
                            let offer = d.offer_id.clone();
                            view! {
                                <tr data-testid="inspection-row" data-offer=offer>
                                    <td class=TD_CLASS><a class="font-mono text-indigo-700 hover:underline" href=href>{d.offer_id}</a></td>
                                    <td class=TD_CLASS>{d.field}</td>
                                    <td class=TD_CLASS>{d.sent}</td>
                                    <td class=format!("{TD_CLASS} text-red-700")>{d.found}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }.into_any()
}

/// The board's 批量改价/改库存 panel.
#[component]
pub fn CommercialCsvPanel() -> impl IntoView {
    let apply = ServerAction::<CommercialCsv>::new();
    let table = RwSignal::new(String::new());
    view! {
        <details class="mt-4 text-sm" data-testid="commercial-csv">
            <summary class="cursor-pointer font-medium text-slate-700">"批量改价/改库存"</summary>
            <p class="mt-2 text-slate-500">"粘贴 CSV 或从 Excel 复制的表格。第一行为表头：offer_id（货号）、price（价格）、old_price（原价）、warehouse_id（仓库ID）、stock（库存），价格和库存至少一项。已在 Ozon 上的商品会按限额自动发送。"</p>
            <textarea class="mt-2 h-32 w-full rounded-md border border-slate-300 p-2 font-mono text-xs" data-testid="commercial-csv-text"
                placeholder="offer_id,price,warehouse_id,stock"
                prop:value=move || table.get() on:input=move |ev| table.set(event_target_value(&ev))></textarea>
            <button class=format!("{BUTTON_CLASS} mt-2") data-testid="commercial-csv-apply"
                disabled=move || table.get().trim().is_empty() || apply.pending().get()
                on:click=move |_| { apply.dispatch(CommercialCsv { table: table.get_untracked() }); }>"应用"</button>
            {move || apply.value().get().map(|r| match r {
                Ok(list) => crate::ozon::listing::board::outcomes::outcomes(list, "commercial-csv-result").into_any(),
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
        </details>
    }
}
