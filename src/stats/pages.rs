//! 统计: totals, a daily GMV chart per shop, top products, sales by source; each table as CSV.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::sales_stats;
use crate::ui::components::{
    Card, Notice, PageHeader, TableHead, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};

fn csv_link(table: &'static str, days: i64) -> impl IntoView {
    view! {
        <a class=SMALL_BUTTON_CLASS rel="external" download="" data-testid=format!("csv-{table}")
            href=format!("/stats/{table}.csv?days={days}")>"导出 CSV"</a>
    }
}

/// Rendered whole on the server (the route is `SsrMode::Async`), so it reads the same without
/// JavaScript; the period is in the address (`?days=7`), so the period links work either way.
#[component]
pub fn StatsPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let days = Memo::new(move |_| {
        query
            .read()
            .get("days")
            .and_then(|d| d.parse::<i64>().ok())
            .filter(|d| super::PERIODS.contains(d))
            .unwrap_or(30)
    });
    let data = Resource::new(move || days.get(), sales_stats);
    view! {
        <Title text="统计"/>
        <PageHeader title="统计" subtitle="抖店订单的成交额、热销商品和销售来源（短视频、直播间、达人）；已取消的订单不计入"/>
        <div class="mb-4 flex gap-2" role="group" aria-label="统计周期">
            {super::PERIODS.iter().map(|d| {
                let d = *d;
                view! {
                    <a class=move || if days.get() == d { "rounded-md bg-indigo-600 px-3 py-1 text-sm text-white" } else { SMALL_BUTTON_CLASS }
                        data-testid=format!("period-{d}") href=format!("/stats?days={d}")
                        aria-current=move || (days.get() == d).then_some("page")>{format!("近 {d} 天")}</a>
                }
            }).collect_view()}
        </div>
        <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
            {move || data.get().map(|result| match result {
                Ok(v) => {
                    let d = v.days;
                    let promo = v.clone();
                    view! {
                        <div class="grid grid-cols-1 gap-4">
                            <Card>
                                <p class="text-sm text-slate-600" data-testid="stats-totals">{format!("近 {} 天：{} 单，成交额 ¥{}", v.days, v.orders, v.gmv_yuan)}</p>
                                <div class="mt-3" data-testid="gmv-chart" inner_html=v.gmv_chart.clone()></div>
                            </Card>
                            <Card>
                                <div class="mb-2 flex items-center justify-between">
                                    <h2 class="text-base font-semibold">"每日成交"</h2>{csv_link("daily", d)}
                                </div>
                                {v.daily.is_empty().then(|| view! { <p class="text-sm text-slate-500">"该周期没有成交。"</p> })}
                                <table class=TABLE_CLASS>
                                    <TableHead columns=&["日期", "店铺", "订单数", "成交额（元）"]/>
                                    <tbody class="divide-y divide-slate-100">
                                        {v.daily.iter().rev().map(|r| view! {
                                            <tr data-testid="daily-row"><td class=TD_CLASS>{r.day.clone()}</td><td class=TD_CLASS>{r.shop.clone()}</td>
                                            <td class=TD_CLASS>{r.orders}</td><td class=TD_CLASS>{r.gmv_yuan.clone()}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </Card>
                            <Card>
                                <div class="mb-2 flex items-center justify-between">
                                    <h2 class="text-base font-semibold">"热销商品"
                                        <span class="ml-2 text-xs font-normal text-slate-400" data-testid="ranked-at">{format!("排行计算于 {}", v.ranked_at)}</span>
                                    </h2>{csv_link("products", d)}
                                </div>
                                {if v.top.is_empty() {
                                    view! { <p class="text-sm text-slate-500">"该周期没有成交。"</p> }.into_any()
                                } else {
                                    view! { <div data-testid="top-chart" inner_html=v.top_chart.clone()></div> }.into_any()
                                }}
                                <table class=TABLE_CLASS>
                                    <TableHead columns=&["商品", "订单数", "件数", "成交额（元）"]/>
                                    <tbody class="divide-y divide-slate-100">
                                        {v.top.iter().map(|r| view! {
                                            <tr data-testid="top-row"><td class=TD_CLASS>{r.name.clone()}<div class="font-mono text-xs text-slate-400">{r.product_id.clone()}</div></td>
                                            <td class=TD_CLASS>{r.orders}</td><td class=TD_CLASS>{r.units}</td><td class=TD_CLASS>{r.gmv_yuan.clone()}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </Card>
                            <PromotionCards v=promo/>
                            <Card>
                                <div class="mb-2 flex items-center justify-between">
                                    <h2 class="text-base font-semibold">"销售来源"</h2>{csv_link("sources", d)}
                                </div>
                                <table class=TABLE_CLASS>
                                    <TableHead columns=&["来源", "视频 / 直播间 / 达人 ID", "订单数", "成交额（元）"]/>
                                    <tbody class="divide-y divide-slate-100">
                                        {v.sources.iter().map(|r| view! {
                                            <tr data-testid="source-row"><td class=TD_CLASS>{r.source.clone()}</td><td class=format!("{TD_CLASS} font-mono")>{r.id.clone()}</td>
                                            <td class=TD_CLASS>{r.orders}</td><td class=TD_CLASS>{r.gmv_yuan.clone()}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {(v.sources_total > v.sources.len()).then(|| view! {
                                    <p class="mt-2 text-xs text-slate-500" data-testid="sources-more">
                                        {sources_note(v.sources_total, v.sources.len())}
                                    </p>
                                })}
                            </Card>
                        </div>
                    }.into_any()
                }
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
        </Transition>
    }
}

/// 推广发布 (chart of successes and failures) and 推广效果 (per published promotion).
#[component]
fn PromotionCards(v: super::StatsView) -> impl IntoView {
    let d = v.days;
    view! {
        <Card>
            <div class="mb-2 flex items-center justify-between">
                <h2 class="text-base font-semibold">"推广发布"</h2>{csv_link("publishing", d)}
            </div>
            <div data-testid="publish-chart" inner_html=v.publish_chart.clone()></div>
        </Card>
        <Card>
            <div class="mb-2 flex items-center justify-between">
                <h2 class="text-base font-semibold">"推广效果"</h2>{csv_link("promotions", d)}
            </div>
            {v.promotions.is_empty().then(|| view! { <p class="text-sm text-slate-500">"还没有已发布的推广。"</p> })}
            <table class=TABLE_CLASS>
                <TableHead columns=&["推广", "类型", "账号", "播放", "互动", "订单数", "成交额（元）"]/>
                <tbody class="divide-y divide-slate-100">
                    {v.promotions.iter().map(|r| view! {
                        <tr data-testid="promotion-effect-row">
                            <td class=TD_CLASS><a class="text-indigo-600 hover:underline" href=format!("/promotions/{}", r.id)>{r.title.clone()}</a></td>
                            <td class=TD_CLASS>{r.kind.clone()}</td><td class=TD_CLASS>{r.account.clone()}</td>
                            <td class=TD_CLASS>{r.plays}</td><td class=TD_CLASS>{r.engagement}</td>
                            <td class=TD_CLASS>{r.orders}</td><td class=TD_CLASS>{r.gmv_yuan.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Card>
    }
}

/// Under the 销售来源 table when it shows only the largest sources.
fn sources_note(total: usize, shown: usize) -> String {
    let all = if total >= super::SOURCES_KEPT {
        format!(
            "超过 {} 个来源（CSV 列出前 {} 个）",
            super::SOURCES_KEPT - 1,
            super::SOURCES_KEPT
        )
    } else {
        format!("共 {total} 个来源")
    };
    format!("{all}，这里列出成交额最高的 {shown} 个；完整列表请下载 CSV。")
}
