//! The draft editor: category picker, generated attribute form, images, save with every
//! problem next to its field.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::ozon::listing::catalog::api::dictionary_values;
use crate::ozon::listing::drafts::api::{get_draft, SaveDraft};
mod images;
mod pickers;
mod stocks;
use crate::ozon::listing::{AttributeSpec, Draft, DraftAttribute, DraftMode, DraftValue, Problem};
use crate::ui::components::{Card, Notice, BUTTON_CLASS, INPUT_CLASS, LABEL_CLASS};
use crate::ui::text;
use images::ImageList;
pub(crate) use pickers::{CategoryPicker, CredentialSelect};
use stocks::StockList;

pub(super) fn problems_for(problems: RwSignal<Vec<Problem>>, key: String) -> impl IntoView {
    move || {
        problems.with(|list| {
            list.iter()
                .filter(|p| p.field == key)
                .map(|p| view! { <p class="mt-1 text-xs text-red-700" data-testid="field-problem" data-field=p.field.clone()>{p.message.clone()}</p> })
                .collect_view()
        })
    }
}

/// A text input bound to one string field of the draft, with its problems under it.
fn text_input(
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
    key: &'static str,
    label: &'static str,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
) -> impl IntoView {
    view! {
        <label class=LABEL_CLASS>{label}
            <input class=INPUT_CLASS name=key prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))/>
        </label>
        {problems_for(problems, key.to_string())}
    }
}

fn attr_text(draft: &Draft, id: i64) -> String {
    draft
        .attributes
        .iter()
        .filter(|a| a.id == id)
        .flat_map(|a| a.values.iter().map(|v| v.value.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn set_attr(draft: &mut Draft, id: i64, values: Vec<DraftValue>) {
    draft.attributes.retain(|a| a.id != id);
    if !values.is_empty() {
        draft.attributes.push(DraftAttribute { id, values });
    }
}

#[component]
pub fn DraftEditorPage() -> impl IntoView {
    let params = use_params_map();
    let offer = move || params.read().get("offer_id").unwrap_or_default();
    let loaded = Resource::new(offer, |offer| async move {
        if offer == "new" || offer.is_empty() {
            Ok(None)
        } else {
            get_draft(offer).await.map(Some)
        }
    });
    view! {
        <Title text=text::LST_EDITOR/>
        <a href="/ozon/listing" class="text-sm text-indigo-700 hover:underline">"← "{text::LST_BACK}</a>
        <Suspense fallback=|| view! { <p class="mt-4 text-slate-500">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(found) => {
                        let saved = found.unwrap_or_default();
                        let (credential, draft, problems, flag) = (saved.credential_id, saved.draft, saved.problems, saved.flag);
                        view! { <Editor credential=credential draft=draft problems=problems flag=flag/> }.into_any()
                    }
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(
    credential: i64,
    draft: Draft,
    problems: Vec<Problem>,
    flag: Option<String>,
) -> impl IntoView {
    let credential = RwSignal::new(credential);
    let draft = RwSignal::new(draft);
    let problems = RwSignal::new(problems);
    let save = ServerAction::<SaveDraft>::new();
    let saved = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(list)) = save.value().get() {
            problems.set(list);
            saved.set(true);
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if saved.get() {
            let offer = draft.with_untracked(|d| d.offer_id.trim().to_string());
            navigate(
                &format!(
                    "/ozon/listing/drafts/{}",
                    crate::common::url::encode_segment(&offer)
                ),
                leptos_router::NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let on_save = move |_| {
        saved.set(false);
        let json = draft.with_untracked(|d| serde_json::to_string(d).unwrap_or_default());
        save.dispatch(SaveDraft {
            credential_id: credential.get_untracked(),
            draft: json,
        });
    };
    view! {
        <div class="mt-3 mb-6"><h1 class="text-2xl font-semibold text-slate-900">{text::LST_EDITOR}</h1></div>
        {flag.map(|f| view! { <Notice message=f error=true/> })}
        <div class="space-y-6">
            <Card>
                <div class="grid grid-cols-1 gap-4 md:grid-cols-2">
                    <CredentialSelect credential=credential/>
                    <div>{text_input(draft, problems, "offer_id", "货号（offer_id）", |d| d.offer_id.clone(), |d, v| d.offer_id = v)}</div>
                    <div class="md:col-span-2">{text_input(draft, problems, "name", "商品名称（最多 500 字）", |d| d.name.clone(), |d, v| d.name = v)}</div>
                    <div class="md:col-span-2">
                        <label class=LABEL_CLASS>"描述"
                            <textarea class=INPUT_CLASS rows="3" name="description"
                                prop:value=move || draft.with(|d| d.description.clone())
                                on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))></textarea>
                        </label>
                    </div>
                    <div>
                        <label class=LABEL_CLASS>"建卡方式"
                            <select class=INPUT_CLASS name="mode" on:change=move |ev| {
                                let value = event_target_value(&ev);
                                draft.update(|d| d.mode = match value.as_str() {
                                    "follow_sku" => DraftMode::FollowSku,
                                    "follow_barcode" => DraftMode::FollowBarcode,
                                    _ => DraftMode::New,
                                });
                            }>
                                <option value="new" selected=move || draft.with(|d| d.mode == DraftMode::New)>"新建商品卡"</option>
                                <option value="follow_sku" selected=move || draft.with(|d| d.mode == DraftMode::FollowSku)>"跟卖：按 SKU 复制已有商品卡"</option>
                                <option value="follow_barcode" selected=move || draft.with(|d| d.mode == DraftMode::FollowBarcode)>"跟卖：按相同条码建卡"</option>
                            </select>
                        </label>
                    </div>
                    <div>{text_input(draft, problems, "follow_sku", "跟卖目标 SKU（按 SKU 跟卖时必填）", |d| d.follow_sku.clone(), |d, v| d.follow_sku = v)}</div>
                    <div>{text_input(draft, problems, "barcode", "条码（GTIN）", |d| d.barcode.clone(), |d, v| d.barcode = v)}</div>
                    <div>{text_input(draft, problems, "price", "售价", |d| d.price.clone(), |d, v| d.price = v)}</div>
                    <div>{text_input(draft, problems, "old_price", "划线价（可空）", |d| d.old_price.clone(), |d, v| d.old_price = v)}</div>
                    <div>{text_input(draft, problems, "vat", "增值税（0、0.05、0.07、0.1、0.2、0.22）", |d| d.vat.clone(), |d, v| d.vat = v)}</div>
                    <div>{text_input(draft, problems, "currency_code", "币种（CNY、RUB…）", |d| d.currency_code.clone(), |d, v| d.currency_code = v)}</div>
                    <div>{text_input(draft, problems, "depth", "长", |d| d.depth.clone(), |d, v| d.depth = v)}</div>
                    <div>{text_input(draft, problems, "width", "宽", |d| d.width.clone(), |d, v| d.width = v)}</div>
                    <div>{text_input(draft, problems, "height", "高", |d| d.height.clone(), |d, v| d.height = v)}</div>
                    <div>{text_input(draft, problems, "dimension_unit", "尺寸单位（mm、cm、in）", |d| d.dimension_unit.clone(), |d, v| d.dimension_unit = v)}</div>
                    <div>{text_input(draft, problems, "weight", "重量", |d| d.weight.clone(), |d, v| d.weight = v)}</div>
                    <div>{text_input(draft, problems, "weight_unit", "重量单位（g、kg、lb）", |d| d.weight_unit.clone(), |d, v| d.weight_unit = v)}</div>
                </div>
            </Card>
            <Card>
                <CategoryPicker credential=credential draft=draft problems=problems/>
            </Card>
            <Card>
                <AttributeForm credential=credential draft=draft problems=problems/>
            </Card>
            <Card>
                <ImageList credential=credential draft=draft problems=problems/>
            </Card>
            <Card>
                <StockList credential=credential draft=draft problems=problems/>
            </Card>
            <div class="flex items-center gap-3">
                <button class=BUTTON_CLASS data-testid="save-draft" on:click=on_save disabled=move || save.pending().get()>{text::LST_SAVE}</button>
                {move || save.value().get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <Notice message=text::LST_CLEAN/> }.into_any(),
                    Ok(list) => view! { <Notice message=format!("已保存草稿，还有 {} 个问题需要处理", list.len()) error=true/> }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                })}
            </div>
        </div>
    }
}

#[component]
fn AttributeForm(
    credential: RwSignal<i64>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let pair = move || draft.with(|d| d.description_category_id.zip(d.type_id));
    let specs = Resource::new(
        move || (credential.get(), pair()),
        |(credential, pair)| async move {
            match pair {
                Some((category, type_id)) if credential > 0 => {
                    crate::ozon::listing::catalog::api::attributes(credential, category, type_id)
                        .await
                }
                _ => Ok(Vec::new()),
            }
        },
    );
    view! {
        <h2 class="mb-3 text-base font-semibold text-slate-900">{text::LST_ATTRIBUTES}</h2>
        <Transition fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match specs.await {
                    Ok(list) if list.is_empty() => view! { <p class="text-sm text-slate-500">"先选择类型，属性会按类型生成"</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="grid grid-cols-1 gap-4 md:grid-cols-2" data-testid="attribute-form">
                            {list.into_iter().map(|spec| view! { <AttributeInput spec=spec credential=credential draft=draft problems=problems/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AttributeInput(
    spec: AttributeSpec,
    credential: RwSignal<i64>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let id = spec.id;
    let title = format!("{}{}", spec.name, if spec.is_required { " *" } else { "" });
    let key = format!("attributes.{id}");
    if spec.dictionary_id > 0 {
        let query = RwSignal::new(String::new());
        let pair = move || {
            draft.with(|d| {
                (
                    d.description_category_id.unwrap_or_default(),
                    d.type_id.unwrap_or_default(),
                )
            })
        };
        let options = Resource::new(
            move || (credential.get(), pair(), query.get()),
            move |(credential, (category, type_id), query)| {
                dictionary_values(credential, id, category, type_id, query)
            },
        );
        let chosen = move || {
            draft.with(|d| {
                d.attributes
                    .iter()
                    .find(|a| a.id == id)
                    .and_then(|a| a.values.first())
                    .and_then(|v| v.dictionary_value_id)
            })
        };
        return view! {
            <div data-testid="dictionary-attribute" data-attribute=id.to_string()>
                <label class=LABEL_CLASS>{title}</label>
                <input class=INPUT_CLASS placeholder="搜索字典值" on:input=move |ev| query.set(event_target_value(&ev))/>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = options.await.unwrap_or_default();
                        view! {
                            <select class=INPUT_CLASS data-testid="dictionary-select"
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    let label = value.clone();
                                    draft.update(|d| set_attr(d, id, value.parse::<i64>().ok().map(|v| vec![DraftValue { dictionary_value_id: Some(v), value: label }]).unwrap_or_default()));
                                }>
                                <option value="">"— 请选择 —"</option>
                                {list.into_iter().map(|(value_id, value)| view! {
                                    <option value=value_id.to_string() selected=move || chosen() == Some(value_id)>{value}</option>
                                }).collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                {problems_for(problems, key)}
            </div>
        }.into_any();
    }
    let collection = spec.is_collection;
    let hint = match spec.kind.as_str() {
        "Integer" => "整数",
        "Decimal" => "数字",
        "Boolean" => "true 或 false",
        _ if collection => "多个值用逗号分隔",
        _ => "",
    };
    view! {
        <div data-testid="text-attribute" data-attribute=id.to_string()>
            <label class=LABEL_CLASS>{title}
                <input class=INPUT_CLASS placeholder=hint prop:value=move || draft.with(|d| attr_text(d, id))
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        let parts: Vec<String> = if collection { text.split([',', '，']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect() } else { vec![text.trim().to_string()].into_iter().filter(|s| !s.is_empty()).collect() };
                        draft.update(|d| set_attr(d, id, parts.into_iter().map(|value| DraftValue { dictionary_value_id: None, value }).collect()));
                    }/>
            </label>
            {problems_for(problems, key)}
        </div>
    }.into_any()
}
