//! The draft editor's stock per warehouse: the account's warehouses from Ozon, one row each,
//! problems next to their row.

use leptos::prelude::*;

use super::problems_for;
use crate::ozon::listing::drafts::api::warehouses;
use crate::ozon::listing::{Draft, DraftStock, Problem};
use crate::ui::components::{Notice, INPUT_CLASS, SMALL_BUTTON_CLASS};

#[component]
pub(super) fn StockList(
    credential: RwSignal<i64>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let list = Resource::new(
        move || credential.get(),
        |id| async move {
            if id > 0 {
                warehouses(id).await.map_err(|e| e.to_string())
            } else {
                Ok(Vec::new())
            }
        },
    );
    view! {
        <h2 class="mb-3 text-base font-semibold text-slate-900">"库存（按仓库）"</h2>
        <p class="mb-2 text-xs text-slate-500">"价格发送后才会写入 Ozon 库存；同一仓库只能出现一次。"</p>
        <Transition fallback=|| view! { <p class="text-sm text-slate-400">"正在读取仓库…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <Notice message=e error=true/> }.into_any(),
                    Ok(all) => {
                        let names = StoredValue::new(all);
                        view! {
                            <ul class="space-y-2" data-testid="stock-list">
                                {move || draft.with(|d| d.stocks.clone()).into_iter().enumerate().map(|(i, row)| view! {
                                    <li class="flex flex-wrap items-center gap-2 text-sm" data-testid="stock-row">
                                        <select class="rounded-md border border-slate-300 px-2 py-1.5 text-sm" aria-label="仓库"
                                            on:change=move |ev| {
                                                let id = event_target_value(&ev).parse().unwrap_or_default();
                                                draft.update(|d| if let Some(s) = d.stocks.get_mut(i) { s.warehouse_id = id; });
                                            }>
                                            {names.get_value().into_iter().map(|(id, name)| view! {
                                                <option value=id.to_string() selected=id == row.warehouse_id>{format!("{name}（{id}）")}</option>
                                            }).collect_view()}
                                            {(!names.with_value(|n| n.iter().any(|(id, _)| *id == row.warehouse_id))).then(|| view! {
                                                <option value=row.warehouse_id.to_string() selected=true>{format!("未知仓库 {}", row.warehouse_id)}</option>
                                            })}
                                        </select>
                                        <input class=format!("{INPUT_CLASS} w-32") aria-label="库存数量" inputmode="numeric" prop:value=row.stock.clone()
                                            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(s) = d.stocks.get_mut(i) { s.stock = v; }); }/>
                                        <button class=SMALL_BUTTON_CLASS on:click=move |_| draft.update(|d| { if i < d.stocks.len() { d.stocks.remove(i); } })>"删除"</button>
                                        <div class="w-full">{problems_for(problems, format!("stocks.{}", i + 1))}</div>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <button class=format!("{SMALL_BUTTON_CLASS} mt-2") data-testid="add-stock"
                                disabled=move || names.with_value(|n| n.is_empty())
                                on:click=move |_| {
                                    let used: Vec<i64> = draft.with_untracked(|d| d.stocks.iter().map(|s| s.warehouse_id).collect());
                                    let next = names.with_value(|n| n.iter().map(|(id, _)| *id).find(|id| !used.contains(id)));
                                    if let Some(warehouse_id) = next {
                                        draft.update(|d| d.stocks.push(DraftStock { warehouse_id, stock: "0".into() }));
                                    }
                                }>"添加仓库"</button>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
