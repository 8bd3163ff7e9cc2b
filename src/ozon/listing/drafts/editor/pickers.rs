//! The editor's pickers, also used by the spreadsheet panel and the landing page: the Ozon
//! credential to work with, and the category and type searched by name.

use leptos::prelude::*;

use super::problems_for;
use crate::ozon::listing::catalog::api::search_types;
use crate::ozon::listing::{Draft, Node, Problem};
use crate::ui::components::{INPUT_CLASS, LABEL_CLASS};
use crate::ui::text;
use crate::vault::api::credential_names;

#[component]
pub(crate) fn CategoryPicker(
    credential: RwSignal<i64>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let label = RwSignal::new(None::<String>);
    let found = Resource::new(
        move || (credential.get(), query.get()),
        |(credential, query)| async move {
            if query.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                search_types(credential, query).await
            }
        },
    );
    view! {
        <h2 class="mb-3 text-base font-semibold text-slate-900">{text::LST_CATEGORY}</h2>
        <p class="text-sm text-slate-600" data-testid="chosen-type">
            {move || label.get().or_else(|| draft.with(|d| d.type_id.map(|t| format!("类目 {} · 类型 {t}", d.description_category_id.unwrap_or_default())))).unwrap_or_else(|| "未选择".into())}
        </p>
        {problems_for(problems, "type_id".into())}
        <input class=INPUT_CLASS placeholder="搜索类型，例如 杯子 或 Печатная книга" data-testid="type-search"
            on:input=move |ev| query.set(event_target_value(&ev))/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let nodes: Vec<Node> = found.await.unwrap_or_default();
                view! {
                    <ul class="mt-2 max-h-60 overflow-y-auto divide-y divide-slate-100">
                        {nodes.into_iter().map(|n| {
                            let path = n.path.clone();
                            view! {
                                <li><button class="w-full px-2 py-1.5 text-left text-sm hover:bg-slate-50" data-testid="type-option"
                                    on:click=move |_| {
                                        draft.update(|d| { d.description_category_id = Some(n.category_id); d.type_id = Some(n.type_id); });
                                        label.set(Some(path.clone()));
                                    }>{n.path.clone()}</button></li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
        </Transition>
    }
}

/// The stored Ozon credential to work with; picks the first one when none is chosen yet.
#[component]
pub(crate) fn CredentialSelect(credential: RwSignal<i64>) -> impl IntoView {
    let credentials = Resource::new(|| (), |_| credential_names());
    view! {
        <label class=LABEL_CLASS>{text::IMG_CREDENTIAL}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = credentials.await.unwrap_or_default();
                    if credential.get_untracked() == 0 {
                        if let Some(first) = list.first() { credential.set(first.id); }
                    }
                    view! {
                        <select class=INPUT_CLASS name="credential"
                            on:change=move |ev| credential.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {list.into_iter().map(|c| {
                                let id = c.id;
                                view! { <option value=id.to_string() selected=move || credential.get() == id>{c.name}</option> }
                            }).collect_view()}
                        </select>
                    }
                })}
            </Suspense>
        </label>
    }
}
