//! Ozon 上架: the drafts list, the spreadsheet panel and the admins' cache panel. The editor
//! is in `editor.rs`.

use crate::auth::Me;
use crate::ozon::listing::catalog::api::{recent_diffs, RefreshCache};
use crate::ozon::listing::drafts::api::{cloudinary_settings, list_drafts, SaveCloudinary};
use crate::ozon::listing::drafts::editor::CredentialSelect;
use crate::ozon::listing::sheets::panel::SheetPanel;
use crate::ui::components::{
    resource_list, Card, Notice, PageHeader, TableHead, BUTTON_CLASS, INPUT_CLASS, LABEL_CLASS,
    TABLE_CLASS, TD_CLASS,
};
use crate::ui::text;
use crate::vault::api::credential_names;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ListingPage() -> impl IntoView {
    let imported = RwSignal::new(0u32);
    let drafts = Resource::new(move || imported.get(), |_| list_drafts());
    view! {
        <Title text=text::NAV_OZON_LISTING/>
        <PageHeader title=text::LST_TITLE subtitle=text::LST_SUBTITLE/>
        <Card>
            <div class="mb-4 flex items-center justify-between">
                <h2 class="text-base font-semibold text-slate-900">{text::LST_DRAFTS}</h2>
                <a class=BUTTON_CLASS href="/ozon/listing/drafts/new" data-testid="new-draft">{text::LST_NEW}</a>
            </div>
            {resource_list(drafts, text::LST_EMPTY, |rows| view! {
                <table class=TABLE_CLASS data-testid="draft-list">
                    <TableHead columns=&["货号", "名称", "问题", "更新人", "更新时间"]/>
                    <tbody class="divide-y divide-slate-100">
                        {rows.into_iter().map(|d| view! {
                            <tr data-testid="draft-row">
                                <td class=TD_CLASS>
                                    <a class="font-mono text-indigo-700 hover:underline"
                                        href=format!("/ozon/listing/drafts/{}", crate::common::url::encode_segment(&d.offer_id))>{d.offer_id.clone()}</a>
                                </td>
                                <td class=TD_CLASS>{d.name}</td>
                                <td class=TD_CLASS>
                                    {if d.problems == 0 { view! { <span class="text-emerald-700">"可提交"</span> }.into_any() }
                                     else { view! { <span class="text-red-700">{format!("{} 个问题", d.problems)}</span> }.into_any() }}
                                    {d.flag.map(|f| view! { <div class="text-xs text-amber-700">{f}</div> })}
                                </td>
                                <td class=TD_CLASS>{d.updated_by}</td>
                                <td class=TD_CLASS>{d.updated_at}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any())}
        </Card>
        <div class="mt-6" data-testid="sheet-panel">
            <SheetPanel on_import=Callback::new(move |_| imported.update(|n| *n += 1))/>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let me = expect_context::<Me>();
                match me.await {
                    Ok(Some(user)) if user.is_admin() => view! {
                        <div class="mt-6"><CachePanel/></div>
                        <div class="mt-6"><CloudinaryPanel/></div>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

/// Admins: refresh an account's category cache now, and what recent refreshes changed.
#[component]
fn CachePanel() -> impl IntoView {
    let credentials = Resource::new(|| (), |_| credential_names());
    let refresh = ServerAction::<RefreshCache>::new();
    let diffs = Resource::new(move || refresh.version().get(), |_| recent_diffs());
    let select = NodeRef::<leptos::html::Select>::new();
    view! {
        <Card>
            <h2 class="mb-3 text-base font-semibold text-slate-900">{text::LST_CACHE}</h2>
            <p class="mb-3 text-sm text-slate-500">{text::LST_CACHE_HINT}</p>
            <div class="flex flex-wrap items-center gap-2">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = credentials.await.unwrap_or_default();
                        view! {
                            <select class="rounded-md border border-slate-300 px-3 py-2 text-sm" node_ref=select aria-label=text::IMG_CREDENTIAL>
                                {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </Suspense>
                <button class=BUTTON_CLASS disabled=move || refresh.pending().get() data-testid="refresh-cache"
                    on:click=move |_| {
                        let id = select.get_untracked().and_then(|el| el.value().parse::<i64>().ok()).unwrap_or(0);
                        refresh.dispatch(RefreshCache { credential_id: id });
                    }>{text::LST_REFRESH}</button>
            </div>
            {move || refresh.value().get().map(|r| match r {
                Ok(diff) if diff.is_empty() => view! { <Notice message="已刷新，没有变化"/> }.into_any(),
                Ok(diff) => view! { <Notice message=format!("已刷新：{} 个新必填属性，{} 个草稿被标记", diff.newly_required.len(), diff.flagged_drafts.len()) error=true/> }.into_any(),
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
            <div class="mt-4">
                {resource_list(diffs, "还没有类目变化记录", |rows| view! {
                    <ul class="divide-y divide-slate-100 text-sm" data-testid="cache-diffs">
                        {rows.into_iter().map(|r| view! {
                            <li class="py-2">
                                <div class="text-slate-500">{format!("{} · {}", r.created_at, r.credential_name)}</div>
                                {(!r.diff.added_types.is_empty()).then(|| view! { <div>{format!("新增类型：{}", r.diff.added_types.join("；"))}</div> })}
                                {(!r.diff.removed_types.is_empty()).then(|| view! { <div class="text-red-700">{format!("移除类型：{}", r.diff.removed_types.join("；"))}</div> })}
                                {(!r.diff.newly_required.is_empty()).then(|| view! { <div class="text-amber-700">{format!("新必填属性：{}", r.diff.newly_required.join("；"))}</div> })}
                                {(!r.diff.removed_attributes.is_empty()).then(|| view! { <div>{format!("移除属性：{}", r.diff.removed_attributes.join("；"))}</div> })}
                                {(!r.diff.changed_dictionaries.is_empty()).then(|| view! { <div>{format!("字典变化：{}", r.diff.changed_dictionaries.join("；"))}</div> })}
                                {(!r.diff.flagged_drafts.is_empty()).then(|| view! { <div>{format!("受影响草稿：{}", r.diff.flagged_drafts.join("、"))}</div> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any())}
            </div>
        </Card>
    }
}

/// Admins: Cloudinary as the image host of an account (cloud name and folder).
#[component]
fn CloudinaryPanel() -> impl IntoView {
    let credential = RwSignal::new(0i64);
    let save = ServerAction::<SaveCloudinary>::new();
    let current = Resource::new(
        move || (credential.get(), save.version().get()),
        |(id, _)| async move {
            if id > 0 {
                cloudinary_settings(id).await
            } else {
                Ok(None)
            }
        },
    );
    let cloud = RwSignal::new(String::new());
    let folder = RwSignal::new(String::new());
    view! {
        <Card>
            <h2 class="mb-2 text-base font-semibold text-slate-900">"Cloudinary 图床（按账号）"</h2>
            <p class="mb-3 text-sm text-slate-500">"设置后，草稿可以按 public_id 添加 Cloudinary 公网图片：主图 ar_3:4,c_pad,b_white,w_1600,f_jpg,q_auto:good，其余 ar_3:4,c_fill,g_auto,w_1600,f_jpg,q_auto:good。Cloud name 留空则停用。"</p>
            <div class="grid grid-cols-1 gap-3 md:grid-cols-3" data-testid="cloudinary-panel">
                <CredentialSelect credential=credential/>
                <label class=LABEL_CLASS>"Cloud name"
                    <input class=INPUT_CLASS name="cloud_name" prop:value=move || cloud.get() on:input=move |ev| cloud.set(event_target_value(&ev))/>
                </label>
                <label class=LABEL_CLASS>"文件夹"
                    <input class=INPUT_CLASS name="folder" placeholder="products" prop:value=move || folder.get() on:input=move |ev| folder.set(event_target_value(&ev))/>
                </label>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let now = current.await.ok().flatten();
                    if let Some(s) = &now {
                        cloud.set(s.cloud_name.clone());
                        folder.set(s.folder.clone());
                    }
                    let shown = now.map(|s| format!("当前：{} / {}", s.cloud_name, if s.folder.is_empty() { "（根目录）".into() } else { s.folder })).unwrap_or_else(|| "当前：未使用 Cloudinary".into());
                    view! { <p class="mt-2 text-sm text-slate-600" data-testid="cloudinary-current">{shown}</p> }
                })}
            </Transition>
            <button class=format!("{BUTTON_CLASS} mt-3") data-testid="cloudinary-save" disabled=move || save.pending().get()
                on:click=move |_| { save.dispatch(SaveCloudinary { credential_id: credential.get_untracked(), cloud_name: cloud.get_untracked(), folder: folder.get_untracked() }); }>"保存"</button>
            {move || save.value().get().map(|r| match r {
                Ok(()) => view! { <Notice message="已保存"/> }.into_any(),
                Err(e) => view! { <Notice message=e.to_string() error=true/> }.into_any(),
            })}
        </Card>
    }
}
