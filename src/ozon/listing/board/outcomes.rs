//! The per-product result list of a bulk action (the board's submit and retry, the commercial
//! CSV on the tools panel).

use leptos::prelude::*;

use crate::ozon::listing::board::api::Outcome;

/// Per-product outcomes of a bulk action.
pub fn outcomes(list: Vec<Outcome>, testid: &'static str) -> impl IntoView {
    let ok = list.iter().filter(|o| o.ok).count();
    view! {
        <div class="mt-3 text-sm" data-testid=testid role="status">
            <p class="font-medium">{format!("成功 {ok} 个，未处理 {} 个", list.len() - ok)}</p>
            <ul class="mt-1 space-y-0.5">
                {list.into_iter().map(|o| view! {
                    <li class=if o.ok { "text-emerald-700" } else { "text-red-700" }>{format!("{}：{}", o.offer_id, o.message)}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}
