//! 平台 (apps and connected accounts), 店铺 (shops and their syncs), 商品 (across shops, with a
//! detail page) and 订单 (filters and totals).

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    orders_page, platforms_overview, product_detail, products_page, shops_list, RefreshAccount,
    SyncShop,
};
use super::{AccountView, PlatformView, SyncView, ORDER_STATUSES};
use crate::ui::components::{
    action_notice, route_id, ticker, Card, Notice, PageHeader, TableHead, BUTTON_CLASS,
    INPUT_CLASS, LABEL_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
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

fn pager(page: RwSignal<i64>, current: i64, pages: i64, total: i64) -> impl IntoView {
    view! {
        <div class="mt-3 flex items-center gap-2 text-sm text-slate-600">
            <span data-testid="total">{format!("共 {total} 条 · 第 {current}/{pages} 页")}</span>
            <button class=SMALL_BUTTON_CLASS disabled={current <= 1} on:click=move |_| page.set(current - 1)>"上一页"</button>
            <button class=SMALL_BUTTON_CLASS disabled={current >= pages} data-testid="next-page" on:click=move |_| page.set(current + 1)>"下一页"</button>
        </div>
    }
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let data = Resource::new(
        move || (query.get(), page.get()),
        |(q, p)| products_page(q, 0, p),
    );
    view! {
        <Title text="商品"/>
        <PageHeader title="商品" subtitle="所有店铺同步来的商品"/>
        <Card>
            <label class=LABEL_CLASS>"搜索（名称、商品 ID、商家编码）"
                <input class=INPUT_CLASS data-testid="product-search" maxlength="100"
                    on:change=move |ev| { query.set(event_target_value(&ev)); page.set(1); }/>
            </label>
            <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(p) => view! {
                        <table class=format!("{TABLE_CLASS} mt-4")>
                            <TableHead columns=&["商品", "店铺", "状态", "审核", "类目", "更新时间"]/>
                            <tbody class="divide-y divide-slate-100">
                                {p.rows.into_iter().map(|r| view! {
                                    <tr data-testid="product-row">
                                        <td class=TD_CLASS>
                                            <a class="font-medium text-indigo-700 hover:underline" href=format!("/products/{}", r.id)>{r.name.clone()}</a>
                                            <div class="font-mono text-xs text-slate-400">{format!("{} · {}", r.product_id, r.outer_product_id)}</div>
                                        </td>
                                        <td class=TD_CLASS>{r.shop_name.clone()}</td>
                                        <td class=TD_CLASS>{r.status.clone()}</td>
                                        <td class=TD_CLASS>{r.check_status.clone()}</td>
                                        <td class=TD_CLASS>{r.category.clone()}</td>
                                        <td class=TD_CLASS>{r.updated.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {pager(page, p.page, p.pages, p.total)}
                    }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
        </Card>
    }
}

#[component]
pub fn ProductDetailPage() -> impl IntoView {
    let id = route_id();
    let data = Resource::new(id, product_detail);
    view! {
        <Title text="商品详情"/>
        <PageHeader title="商品详情"/>
        <Card>
            <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(Some(d)) => view! {
                        <div class="flex gap-6" data-testid="product-detail">
                            {(!d.row.img.is_empty()).then(|| view! { <img src=d.row.img.clone() alt="" class="h-32 w-32 rounded object-cover"/> })}
                            <dl class="grid flex-1 grid-cols-2 gap-x-6 gap-y-2 text-sm">
                                <dt class="text-slate-500">"名称"</dt><dd>{d.row.name.clone()}</dd>
                                <dt class="text-slate-500">"店铺"</dt><dd>{d.row.shop_name.clone()}</dd>
                                <dt class="text-slate-500">"商品 ID"</dt><dd class="font-mono">{d.row.product_id.clone()}</dd>
                                <dt class="text-slate-500">"商家编码"</dt><dd class="font-mono">{d.row.outer_product_id.clone()}</dd>
                                <dt class="text-slate-500">"状态 / 审核"</dt><dd>{format!("{} / {}", d.row.status, d.row.check_status)}</dd>
                                <dt class="text-slate-500">"类目"</dt><dd>{d.row.category.clone()}</dd>
                                <dt class="text-slate-500">"创建 / 更新"</dt><dd>{format!("{} / {}", d.created, d.row.updated)}</dd>
                                <dt class="text-slate-500">"已同步订单"</dt><dd data-testid="product-sales">{format!("{} 单，{} 件，¥{}", d.orders, d.units, d.sales_yuan)}</dd>
                            </dl>
                        </div>
                        <details class="mt-4"><summary class="cursor-pointer text-sm text-slate-500">"平台原始数据"</summary>
                            <pre class="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs">{d.raw.clone()}</pre>
                        </details>
                    }.into_any(),
                    Ok(None) => view! { <p class="text-slate-500">"没有这个商品。"</p> }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
            <a class=format!("{SMALL_BUTTON_CLASS} mt-4 inline-block") href="/products">"返回商品列表"</a>
        </Card>
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let shop = RwSignal::new(0i64);
    let status = RwSignal::new(0i64);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let data = Resource::new(
        move || (shop.get(), status.get(), from.get(), to.get(), page.get()),
        |(s, st, f, t, p)| orders_page(s, st, f, t, p),
    );
    // The shop filter's choices: read once, not with every filter change.
    let shops = Resource::new(
        || (),
        |_| async move {
            shops_list()
                .await
                .map(|list| {
                    list.into_iter()
                        .map(|s| (s.id, s.shop_name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        },
    );
    let number = |ev: leptos::ev::Event| event_target_value(&ev).parse::<i64>().unwrap_or(0);
    view! {
        <Title text="订单"/>
        <PageHeader title="订单" subtitle="抖店订单（金额单位：元；买家信息保持平台加密/脱敏形式）"/>
        <Card>
            <div class="grid grid-cols-1 gap-3 md:grid-cols-4">
                <label class=LABEL_CLASS>"店铺"
                    // The shop list is read inside its own Transition (outside one, the server
                    // renders no options and hydration meets options it did not expect).
                    <Transition fallback=|| view! { <select class=INPUT_CLASS data-testid="order-shop" disabled=true><option>"全部店铺"</option></select> }>
                        {move || shops.get().map(|list| view! {
                            <select class=INPUT_CLASS data-testid="order-shop" on:change=move |ev| { shop.set(number(ev)); page.set(1); }>
                                <option value="0">"全部店铺"</option>
                                {list.into_iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=move || shop.get() == id>{name}</option>
                                }).collect_view()}
                            </select>
                        })}
                    </Transition>
                </label>
                <label class=LABEL_CLASS>"状态"
                    <select class=INPUT_CLASS data-testid="order-status" on:change=move |ev| { status.set(number(ev)); page.set(1); }>
                        <option value="0">"全部状态"</option>
                        {ORDER_STATUSES.iter().map(|(code, name)| view! { <option value=code.to_string()>{*name}</option> }).collect_view()}
                    </select>
                </label>
                <label class=LABEL_CLASS>"下单日期从"
                    <input type="date" class=INPUT_CLASS data-testid="order-from" on:change=move |ev| { from.set(event_target_value(&ev)); page.set(1); }/>
                </label>
                <label class=LABEL_CLASS>"到"
                    <input type="date" class=INPUT_CLASS data-testid="order-to" on:change=move |ev| { to.set(event_target_value(&ev)); page.set(1); }/>
                </label>
            </div>
            <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(p) => view! {
                        <p class="mt-4 text-sm font-medium text-slate-700" data-testid="order-totals">
                            {format!("合计 {} 单，实付 ¥{}", p.total, p.pay_total_yuan)}
                        </p>
                        <table class=format!("{TABLE_CLASS} mt-2")>
                            <TableHead columns=&["订单号", "店铺", "状态", "实付（元）", "下单时间", "商品", "收件人"]/>
                            <tbody class="divide-y divide-slate-100">
                                {p.rows.into_iter().map(|o| view! {
                                    <tr data-testid="order-row">
                                        <td class=format!("{TD_CLASS} font-mono")>{o.order_id.clone()}</td>
                                        <td class=TD_CLASS>{o.shop_name.clone()}</td>
                                        <td class=TD_CLASS>{o.status.clone()}</td>
                                        <td class=TD_CLASS>{o.pay_yuan.clone()}</td>
                                        <td class=TD_CLASS>{o.created.clone()}</td>
                                        <td class=TD_CLASS>{o.items.clone()}</td>
                                        <td class=TD_CLASS>{o.receiver.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {pager(page, p.page, p.pages, p.total)}
                    }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
        </Card>
    }
}
