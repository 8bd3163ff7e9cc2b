//! 商品 (across shops, with a detail page) and 订单 (filters and totals). What a list shows is in
//! the address (`/products?q=保温杯&page=3&cursor=…`), so 上一页/下一页 are links: they work
//! without JavaScript, the back button returns to the same page, and a page can be shared.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::api::{orders_page, product_detail, products_page, shop_names};
use super::{COUNT_CAP, ORDER_STATUSES};
use crate::common::url::encode_segment;
use crate::ui::components::{
    route_id, Card, Notice, PageHeader, TableHead, INPUT_CLASS, LABEL_CLASS, SMALL_BUTTON_CLASS,
    TABLE_CLASS, TD_CLASS,
};

/// `path?k=v&…` with the empty values left out.
fn href(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_segment(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// What a list page says about where it is, and its 上一页/下一页 links.
struct Paging {
    total: i64,
    capped: bool,
    page: i64,
    pages: i64,
    next: String,
    prev: String,
}

fn pager(path: &'static str, filters: Vec<(&'static str, String)>, p: Paging) -> impl IntoView {
    let link = |page: i64, cursor: &str| {
        let mut params = filters.clone();
        params.push(("page", page.to_string()));
        params.push(("cursor", cursor.to_string()));
        href(path, &params)
    };
    let step = |label: &'static str, testid: &'static str, to: Option<String>| {
        match to {
        Some(to) => view! { <a class=SMALL_BUTTON_CLASS data-testid=testid href=to>{label}</a> }.into_any(),
        None => view! {
            <span class=format!("{SMALL_BUTTON_CLASS} opacity-50") data-testid=testid aria-disabled="true">{label}</span>
        }
        .into_any(),
    }
    };
    let text = if p.capped {
        format!("超过 {COUNT_CAP} 条 · 第 {} 页", p.page)
    } else {
        format!("共 {} 条 · 第 {}/{} 页", p.total, p.page, p.pages)
    };
    let prev = (!p.prev.is_empty()).then(|| link(p.page - 1, &p.prev));
    let next = (!p.next.is_empty()).then(|| link(p.page + 1, &p.next));
    view! {
        <div class="mt-3 flex items-center gap-2 text-sm text-slate-600">
            <span data-testid="total">{text}</span>
            {step("上一页", "prev-page", prev)}
            {step("下一页", "next-page", next)}
        </div>
    }
}

fn number(text: Option<String>, default: i64) -> i64 {
    text.and_then(|t| t.parse().ok()).unwrap_or(default)
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            number(q.get("page"), 1),
            q.get("cursor").unwrap_or_default(),
        )
    });
    let data = Resource::new(
        move || args.get(),
        |(q, page, cursor)| products_page(q, 0, page, cursor),
    );
    view! {
        <Title text="商品"/>
        <PageHeader title="商品" subtitle="所有店铺同步来的商品"/>
        <Card>
            <Form method="GET" action="/products">
                <label class=LABEL_CLASS>"搜索（名称、商品 ID、商家编码）"
                    <input class=INPUT_CLASS data-testid="product-search" maxlength="100" name="q"
                        value=move || args.get().0/>
                </label>
            </Form>
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
                        {pager("/products", vec![("q", args.get_untracked().0)], Paging {
                            total: p.total, capped: p.capped, page: p.page, pages: p.pages, next: p.next, prev: p.prev,
                        })}
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

/// The 订单 filters as they are in the address.
#[derive(Clone, Debug, Default, PartialEq)]
struct OrderArgs {
    shop: i64,
    status: i64,
    from: String,
    to: String,
    page: i64,
    cursor: String,
}

impl OrderArgs {
    fn filters(&self) -> Vec<(&'static str, String)> {
        let nonzero = |n: i64| if n == 0 { String::new() } else { n.to_string() };
        vec![
            ("shop", nonzero(self.shop)),
            ("status", nonzero(self.status)),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
        ]
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let args = Memo::new(move |_| {
        let q = query.read();
        OrderArgs {
            shop: number(q.get("shop"), 0),
            status: number(q.get("status"), 0),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            page: number(q.get("page"), 1),
            cursor: q.get("cursor").unwrap_or_default(),
        }
    });
    let data = Resource::new(
        move || args.get(),
        |a| orders_page(a.shop, a.status, a.from, a.to, a.page, a.cursor),
    );
    // The shop filter's choices: read once, not with every filter change.
    let shops = Resource::new(
        || (),
        |_| async move { shop_names().await.unwrap_or_default() },
    );
    // A changed filter starts again at page 1.
    let navigate = use_navigate();
    let set = move |key: &'static str, value: String| {
        let mut filters = args.get_untracked().filters();
        if let Some(slot) = filters.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = if value == "0" { String::new() } else { value };
        }
        navigate(&href("/orders", &filters), Default::default());
    };
    let on = move |key: &'static str| {
        let set = set.clone();
        move |ev: leptos::ev::Event| set(key, event_target_value(&ev))
    };
    let (on_shop, on_status, on_from, on_to) = (on("shop"), on("status"), on("from"), on("to"));
    view! {
        <Title text="订单"/>
        <PageHeader title="订单" subtitle="抖店订单（金额单位：元；买家信息保持平台加密/脱敏形式）"/>
        <Card>
            <div class="grid grid-cols-1 gap-3 md:grid-cols-4">
                <label class=LABEL_CLASS>"店铺"
                    // The shop list is read inside its own Transition (outside one, the server
                    // renders no options and hydration meets options it did not expect).
                    <Transition fallback=|| view! { <select class=INPUT_CLASS data-testid="order-shop" disabled=true><option>"全部店铺"</option></select> }>
                        {move || { let on_shop = on_shop.clone(); shops.get().map(move |list| view! {
                            <select class=INPUT_CLASS data-testid="order-shop" on:change=on_shop>
                                <option value="0">"全部店铺"</option>
                                {list.into_iter().map(|(id, name)| view! {
                                    <option value=id.to_string() selected=move || args.get().shop == id>{name}</option>
                                }).collect_view()}
                            </select>
                        })}}
                    </Transition>
                </label>
                <label class=LABEL_CLASS>"状态"
                    <select class=INPUT_CLASS data-testid="order-status" on:change=on_status>
                        <option value="0">"全部状态"</option>
                        {ORDER_STATUSES.iter().map(|(code, name)| {
                            let code = *code;
                            view! { <option value=code.to_string() selected=move || args.get().status == code>{*name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class=LABEL_CLASS>"下单日期从"
                    <input type="date" class=INPUT_CLASS data-testid="order-from" value=move || args.get().from on:change=on_from/>
                </label>
                <label class=LABEL_CLASS>"到"
                    <input type="date" class=INPUT_CLASS data-testid="order-to" value=move || args.get().to on:change=on_to/>
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
                        {pager("/orders", args.get_untracked().filters(), Paging {
                            total: p.total, capped: false, page: p.page, pages: p.pages, next: p.next, prev: p.prev,
                        })}
                    }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </Transition>
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::href;

    #[test]
    fn list_addresses_leave_out_empty_filters_and_encode_the_rest() {
        assert_eq!(href("/products", &[("q", String::new())]), "/products");
        assert_eq!(
            href(
                "/products",
                &[("q", "保温 杯&x".into()), ("page", "2".into())]
            ),
            "/products?q=%E4%BF%9D%E6%B8%A9%20%E6%9D%AF%26x&page=2"
        );
    }
}
