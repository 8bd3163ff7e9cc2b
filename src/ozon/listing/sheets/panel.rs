//! 表格导入导出: download a type's template or the drafts, upload a filled CSV/XLSX and read
//! its report row by row. Every upload is kept and can be downloaded again.

use leptos::prelude::*;

use crate::ozon::listing::drafts::editor::{CategoryPicker, CredentialSelect};
use crate::ozon::listing::sheets::api::{recent_imports, ImportRow};
use crate::ozon::listing::{Draft, ImportReport, Problem, RowStatus};
use crate::ui::components::{
    resource_list, Card, Notice, TableHead, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};
use crate::ui::text;

#[component]
pub fn SheetPanel(on_import: Callback<()>) -> impl IntoView {
    let credential = RwSignal::new(0i64);
    let picked = RwSignal::new(Draft::default());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let report = RwSignal::new(None::<Result<ImportReport, String>>);
    let busy = RwSignal::new(false);
    let imports = Resource::new(
        move || report.with(|r| r.as_ref().map(|r| r.is_ok())),
        |_| recent_imports(),
    );
    let link = move |kind: &'static str, format: &'static str| {
        let pair = picked.with(|d| d.description_category_id.zip(d.type_id));
        let mut href = format!(
            "/ozon/listing/sheet/{kind}?credential_id={}&format={format}",
            credential.get()
        );
        if let Some((category, type_id)) = pair {
            href.push_str(&format!("&category_id={category}&type_id={type_id}"));
        }
        href
    };
    let chosen = move || picked.with(|d| d.type_id.is_some());
    view! {
        <Card>
            <h2 class="mb-2 text-base font-semibold text-slate-900">{text::LST_SHEETS}</h2>
            <p class="mb-4 text-sm text-slate-500">{text::LST_SHEETS_HINT}</p>
            <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                <div><CredentialSelect credential=credential/></div>
                <div><CategoryPicker credential=credential draft=picked problems=problems/></div>
            </div>
            <div class="mt-4 flex flex-wrap items-center gap-2 text-sm">
                <Show when=chosen fallback=|| view! { <span class="text-slate-500">"选择类型后可下载模板"</span> }>
                    <a class=SMALL_BUTTON_CLASS rel="external" data-testid="template-xlsx" href=move || link("template", "xlsx")>"下载模板 XLSX"</a>
                    <a class=SMALL_BUTTON_CLASS rel="external" data-testid="template-csv" href=move || link("template", "csv")>"下载模板 CSV"</a>
                    <a class=SMALL_BUTTON_CLASS rel="external" data-testid="export-type" href=move || link("export", "xlsx")>"导出该类型草稿"</a>
                </Show>
                <a class=SMALL_BUTTON_CLASS rel="external" data-testid="export-all-xlsx"
                    href=move || format!("/ozon/listing/sheet/export?credential_id={}&format=xlsx", credential.get())>"导出全部草稿 XLSX"</a>
                <a class=SMALL_BUTTON_CLASS rel="external" data-testid="export-all-csv"
                    href=move || format!("/ozon/listing/sheet/export?credential_id={}&format=csv", credential.get())>"导出全部草稿 CSV"</a>
            </div>
            <label class="mt-4 block text-sm font-medium text-slate-700">"上传填写好的表格（CSV 或 XLSX，最大 4 MB）"
                <input type="file" accept=".csv,.xlsx,.txt" class="mt-1 block text-sm" data-testid="sheet-file" disabled=move || busy.get()
                    on:change=move |ev| upload(ev, credential, report, busy, on_import)/>
            </label>
            {move || busy.get().then(|| view! { <p class="mt-2 text-sm text-slate-500">"正在导入，请稍候…"</p> })}
            {move || report.get().map(|r| match r {
                Ok(r) => view! { <ReportView report=r/> }.into_any(),
                Err(message) => view! { <Notice message=message error=true/> }.into_any(),
            })}
            <h3 class="mt-6 mb-2 text-sm font-semibold text-slate-900">"最近上传"</h3>
            {resource_list(imports, "还没有上传过表格", move |rows: Vec<ImportRow>| view! {
                <table class=TABLE_CLASS data-testid="import-list">
                    <TableHead columns=&["文件", "上传人", "时间", "结果", ""]/>
                    <tbody class="divide-y divide-slate-100">
                        {rows.into_iter().map(|row| {
                            let shown = row.report.clone();
                            view! {
                                <tr>
                                    <td class=TD_CLASS><a class="text-indigo-700 hover:underline" rel="external" href=format!("/ozon/listing/imports/{}/file", row.id)>{row.file_name}</a></td>
                                    <td class=TD_CLASS>{row.created_by}</td>
                                    <td class=TD_CLASS>{row.created_at}</td>
                                    <td class=TD_CLASS>{summary(&row.report)}</td>
                                    <td class=TD_CLASS><button class=SMALL_BUTTON_CLASS on:click=move |_| report.set(Some(Ok(shown.clone())))>"查看报告"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any())}
        </Card>
    }
}

fn summary(r: &ImportReport) -> String {
    if let Some(error) = &r.error {
        return format!("未能读取：{error}");
    }
    format!(
        "新建 {}，更新 {}，无变化 {}，未导入 {}",
        r.count(RowStatus::Created),
        r.count(RowStatus::Updated),
        r.count(RowStatus::Unchanged),
        r.count(RowStatus::Rejected)
    )
}

#[component]
fn ReportView(report: ImportReport) -> impl IntoView {
    let title = format!("「{}」的导入结果：{}", report.file_name, summary(&report));
    let failed = report.error.is_some() || report.count(RowStatus::Rejected) > 0;
    view! {
        <div class="mt-4" data-testid="import-report">
            <Notice message=title error=failed/>
            {report.warnings.iter().map(|w| view! { <p class="mt-1 text-xs text-amber-700">{w.clone()}</p> }).collect_view()}
            {(!report.rows.is_empty()).then(|| view! {
                <table class=format!("{TABLE_CLASS} mt-2")>
                    <TableHead columns=&["行", "货号", "结果", "原因或问题"]/>
                    <tbody class="divide-y divide-slate-100">
                        {report.rows.iter().map(|r| {
                            let color = match r.status {
                                RowStatus::Rejected => "text-red-700",
                                _ if !r.problems.is_empty() => "text-amber-700",
                                _ => "text-emerald-700",
                            };
                            let detail = if r.status == RowStatus::Rejected {
                                r.reason.clone()
                            } else if r.problems.is_empty() {
                                "检查全部通过".into()
                            } else {
                                r.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("；")
                            };
                            view! {
                                <tr data-testid="import-row" data-status=format!("{:?}", r.status).to_lowercase()>
                                    <td class=TD_CLASS>{r.row}</td>
                                    <td class=format!("{TD_CLASS} font-mono")>{r.offer_id.clone()}</td>
                                    <td class=format!("{TD_CLASS} whitespace-nowrap {color}")>{r.status.label()}</td>
                                    <td class=TD_CLASS>{detail}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </div>
    }
}

/// Sends the chosen file to the import and shows its report.
fn upload(
    ev: leptos::ev::Event,
    credential: RwSignal<i64>,
    report: RwSignal<Option<Result<ImportReport, String>>>,
    busy: RwSignal<bool>,
    on_import: Callback<()>,
) {
    #[cfg(feature = "hydrate")]
    {
        let Some(file) = crate::ui::files::chosen_files(&ev).into_iter().next() else {
            return;
        };
        if file.size() > crate::ozon::listing::MAX_SHEET_BYTES as f64 {
            report.set(Some(Err("文件过大（最大 4 MB）".into())));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let name = file.name();
            let result = match crate::ui::files::file_bytes(&file).await {
                None => Err("无法读取文件".to_string()),
                Some(bytes) => crate::ozon::listing::sheets::api::import_sheet(
                    credential.get_untracked(),
                    name,
                    crate::ozon::images::to_base64(&bytes),
                )
                .await
                .map_err(|e| e.to_string()),
            };
            busy.set(false);
            report.set(Some(result));
            on_import.run(());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, credential, report, busy, on_import);
    }
}
