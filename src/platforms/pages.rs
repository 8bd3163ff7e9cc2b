//! 平台 (apps and connected accounts) and 店铺 (shops and their syncs); 商品 and 订单 are in
//! browse.rs.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{platforms_overview, shops_list, RefreshAccount, SyncShop};
use super::{AccountView, PlatformView, SyncView};
use crate::ui::components::{
    action_notice, ticker, Card, Notice, PageHeader, TableHead, BUTTON_CLASS, SMALL_BUTTON_CLASS,
    TABLE_CLASS, TD_CLASS,
};

fn status_badge(status: &str) -> &'static str {
    match status {
        "reauth" => "rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800",
        "expiring" => "rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800",
        _ => "rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800",
    }
}

#[component]
pub fn PlatformsPage() -> impl IntoView {
    let refresh = ServerAction::<RefreshAccount>::new();
    let data = Resource::new(move || refresh.version().get(), |_| platforms_overview());
    view! {
        <Title text="平台"/>
        <PageHeader title="平台" subtitle="连接公司的抖音账号和抖店店铺；授权到期前自动刷新，无需手动重新授权"/>
        {move || action_notice(refresh.value().get())}
        <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
            {move || data.get().map(|result| match result {
                Ok(o) => view! {
                    {o.flash.clone().map(|(ok, message)| view! {
                        <div data-testid="oauth-result"><Notice message=message error=!ok/></div>
                    })}
                    <div class="mt-4 grid grid-cols-1 gap-4 md:grid-cols-3">
                        {o.platforms.iter().cloned().map(|p| view! { <PlatformCard p=p is_admin=o.is_admin/> }).collect_view()}
                    </div>
                    <div class="mt-6"><Card>
                        <h2 class="mb-3 text-base font-semibold text-slate-900">"已连接的账号和店铺"</h2>
                        {if o.accounts.is_empty() {
                            view! { <p class="text-slate-500" data-testid="no-accounts">"还没有连接任何账号。"</p> }.into_any()
                        } else {
                            view! { <AccountsTable accounts=o.accounts.clone() is_admin=o.is_admin refresh=refresh/> }.into_any()
                        }}
                    </Card></div>
                }.into_any(),
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn PlatformCard(p: PlatformView, is_admin: bool) -> impl IntoView {
    let (badge, text) = match (p.integrated, p.enabled) {
        (false, _) => (
            "rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-800",
            "尚未接入",
        ),
        (true, true) => (
            "rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800",
            "应用已启用",
        ),
        (true, false) => (
            "rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600",
            "应用未启用",
        ),
    };
    let can_connect = p.integrated && is_admin && !p.connect_href.is_empty();
    view! {
        <Card>
            <div class="flex items-center justify-between" data-testid="platform" data-platform=p.platform.clone()>
                <h2 class="text-base font-semibold text-slate-900">{p.label.clone()}</h2>
                <span class=badge>{text}</span>
            </div>
            {can_connect.then(|| view! {
                <a class=format!("{BUTTON_CLASS} mt-4") rel="external" href=p.connect_href.clone()
                    data-testid=format!("connect-{}", p.platform)>{p.connect_label.clone()}</a>
            })}
            {(p.integrated && !p.enabled && is_admin).then(|| view! {
                <p class="mt-3 text-xs text-slate-500">"请先在「平台应用」页填写并启用该应用。"</p>
            })}
        </Card>
    }
}

#[component]
fn AccountsTable(
    accounts: Vec<AccountView>,
    is_admin: bool,
    refresh: ServerAction<RefreshAccount>,
) -> impl IntoView {
    view! {
        <table class=TABLE_CLASS>
            <TableHead columns=&["平台", "名称", "状态", "授权到期", "可续期至", "最近同步", "操作"]/>
            <tbody class="divide-y divide-slate-100">
                {accounts.into_iter().map(|a| {
                    let id = a.id;
                    view! {
                        <tr data-testid="account-row" data-status=a.status.clone()>
                            <td class=TD_CLASS>{a.platform_label.clone()}</td>
                            <td class=TD_CLASS>
                                <div class="font-medium">{a.name.clone()}</div>
                                <div class="font-mono text-xs text-slate-400">{a.external_id.clone()}</div>
                            </td>
                            <td class=TD_CLASS>
                                <span class=status_badge(&a.status) data-testid="account-status">{a.status_label.clone()}</span>
                                {(!a.status_reason.is_empty()).then(|| view! { <div class="mt-1 text-xs text-red-700">{a.status_reason.clone()}</div> })}
                            </td>
                            <td class=TD_CLASS>{a.access_expires.clone()}</td>
                            <td class=TD_CLASS>
                                {a.refresh_expires.clone()}
                                {(a.platform == "douyin").then(|| view! { <div class="text-xs text-slate-400">{format!("已续期 {}/5 次", a.renewals)}</div> })}
                            </td>
                            <td class=TD_CLASS>
                                {a.last_sync.clone()}
                                <div class=if a.last_ok { "text-xs text-slate-500" } else { "text-xs text-red-700" }>{a.last_result.clone()}</div>
                            </td>
                            <td class=TD_CLASS>
                                {is_admin.then(|| view! {
                                    <button class=SMALL_BUTTON_CLASS on:click=move |_| { refresh.dispatch(RefreshAccount { id }); }>"立即刷新授权"</button>
                                })}
                                {(a.status == "reauth" && is_admin).then(|| {
                                    let href = if a.platform == "douyin" { "/oauth/douyin/start" } else { "/oauth/doudian/start" };
                                    view! { <a class=format!("{SMALL_BUTTON_CLASS} ml-1") rel="external" href=href>"重新授权"</a> }
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn sync_cell(s: SyncView) -> impl IntoView {
    let (class, text) = if s.running {
        ("text-indigo-700", "同步中…".to_string())
    } else if s.resumable {
        (
            "text-amber-700",
            format!("上次中断，将从断点继续：{}", s.result),
        )
    } else {
        match s.ok {
            None => ("text-slate-400", "尚未同步".to_string()),
            Some(true) => ("text-slate-600", format!("{} · {}", s.last_at, s.result)),
            Some(false) => (
                "text-red-700",
                format!("{} · 失败：{}", s.last_at, s.result),
            ),
        }
    };
    view! { <span class=format!("text-xs {class}")>{text}</span> }
}

#[component]
pub fn ShopsPage() -> impl IntoView {
    let sync = ServerAction::<SyncShop>::new();
    let tick = ticker(3);
    let data = Resource::new(move || (sync.version().get(), tick.get()), |_| shops_list());
    view! {
        <Title text="店铺"/>
        <PageHeader title="店铺" subtitle="已授权的抖店店铺；商品和订单每 15 分钟按更新时间增量同步，也可立即同步"/>
        {move || action_notice(sync.value().get())}
        <Card>
            <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="text-slate-500">"还没有店铺。管理员可在「平台」页授权抖店。"</p> }.into_any(),
                    Ok(list) => view! {
                        <table class=TABLE_CLASS>
                            <TableHead columns=&["店铺", "授权", "商品", "订单", "商品同步", "订单同步", "操作"]/>
                            <tbody class="divide-y divide-slate-100">
                                {list.into_iter().map(|s| {
                                    let id = s.id;
                                    view! {
                                        <tr data-testid="shop-row">
                                            <td class=TD_CLASS>
                                                <div class="font-medium">{s.shop_name.clone()}</div>
                                                <div class="text-xs text-slate-400">{format!("{} · {}", s.platform_label, s.shop_id)}</div>
                                            </td>
                                            <td class=TD_CLASS>{s.account_status.clone()}</td>
                                            <td class=TD_CLASS data-testid="shop-products">{s.products}</td>
                                            <td class=TD_CLASS data-testid="shop-orders">{s.orders}</td>
                                            <td class=TD_CLASS>{sync_cell(s.product_sync.clone())}</td>
                                            <td class=TD_CLASS>{sync_cell(s.order_sync.clone())}</td>
                                            <td class=TD_CLASS>
                                                <button class=SMALL_BUTTON_CLASS data-testid="sync-shop"
                                                    on:click=move |_| { sync.dispatch(SyncShop { id }); }>"立即同步"</button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
        </Card>
    }
}
