//! 推广: the list (`/promotions`) and the editor (`/promotions/new`, `/promotions/:id`) with its
//! media upload form, the confirmation step, the timeline and the post's effect.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::api::{
    promotion_view, promotions_list, PromotionCancel, PromotionDelete, PromotionMediaRemove,
    PromotionPublish, PromotionSave, PromotionsReadback,
};
use super::{state_label, PromotionDetail, PromotionForm, KINDS};
use crate::ui::components::{
    action_notice, route_id, ticker, Card, Notice, PageHeader, TableHead, BUTTON_CLASS,
    INPUT_CLASS, LABEL_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};

fn state_badge(state: &str) -> &'static str {
    match state {
        "published" => "rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800",
        "failed" => "rounded bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800",
        "scheduled" | "publishing" => {
            "rounded bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800"
        }
        _ => "rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700",
    }
}

fn review_label(review: &str) -> &'static str {
    match review {
        "reviewing" => "抖音审核中",
        "passed" => "审核已通过",
        "rejected" => "审核未通过",
        _ => "",
    }
}

#[component]
pub fn PromotionsPage() -> impl IntoView {
    let readback = ServerAction::<PromotionsReadback>::new();
    let tick = ticker(2);
    let data = Resource::new(
        move || (tick.get(), readback.version().get()),
        |_| promotions_list(),
    );
    view! {
        <Title text="推广"/>
        <PageHeader title="推广" subtitle="给公司的抖音账号发布短视频、图文和直播预告；每次发布和删除都需确认，并记入审计日志"/>
        <div class="mb-4 flex gap-2">
            <a class=BUTTON_CLASS href="/promotions/new" data-testid="new-promotion">"新建推广"</a>
            <button class=SMALL_BUTTON_CLASS on:click=move |_| { readback.dispatch(PromotionsReadback {}); }>"从抖音刷新数据"</button>
            <a class=SMALL_BUTTON_CLASS rel="external" download="" href="/stats/promotions.csv?days=90">"导出推广效果 CSV"</a>
        </div>
        {move || action_notice(readback.value().get())}
        <Card>
            <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(list) if list.rows.is_empty() => view! { <p class="text-slate-500" data-testid="no-promotions">"还没有推广。点「新建推广」开始。"</p> }.into_any(),
                    Ok(list) => view! {
                        <p class="mb-3 text-xs text-slate-500">
                            {list.counts.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(" · ")}
                        </p>
                        <table class=TABLE_CLASS>
                            <TableHead columns=&["类型", "账号", "标题", "状态", "发布时间", "播放", "互动", "订单", "成交额（元）"]/>
                            <tbody class="divide-y divide-slate-100">
                                {list.rows.into_iter().map(|r| view! {
                                    <tr data-testid="promotion-row" data-state=r.state.clone()>
                                        <td class=TD_CLASS>{r.kind.clone()}</td>
                                        <td class=TD_CLASS>{r.account.clone()}</td>
                                        <td class=TD_CLASS><a class="text-indigo-600 hover:underline" href=format!("/promotions/{}", r.id)>{r.title.clone()}</a></td>
                                        <td class=TD_CLASS>
                                            <span class=state_badge(&r.state)>{state_label(&r.state)}</span>
                                            <div class="text-xs text-slate-500">{review_label(&r.review)}</div>
                                            {(!r.error.is_empty()).then(|| view! { <div class="mt-1 max-w-xs text-xs text-red-700">{r.error.clone()}</div> })}
                                        </td>
                                        <td class=TD_CLASS>{r.publish_at.clone()}</td>
                                        <td class=TD_CLASS>{r.plays}</td>
                                        <td class=TD_CLASS>{r.engagement}</td>
                                        <td class=TD_CLASS>{r.orders}</td>
                                        <td class=TD_CLASS>{r.gmv_yuan.clone()}</td>
                                    </tr>
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

#[component]
pub fn PromotionEditorPage() -> impl IntoView {
    let id = route_id();
    let tick = ticker(2);
    let publish = ServerAction::<PromotionPublish>::new();
    let cancel = ServerAction::<PromotionCancel>::new();
    let delete = ServerAction::<PromotionDelete>::new();
    let remove = ServerAction::<PromotionMediaRemove>::new();
    let versions = move || {
        (
            publish.version().get(),
            cancel.version().get(),
            delete.version().get(),
            remove.version().get(),
        )
    };
    // The form is loaded once per promotion; the status part follows the 2-second tick while
    // the promotion is on its way.
    let data = Resource::new(
        move || (id(), versions()),
        |(id, _)| promotion_view(id, true),
    );
    let live = Resource::new(
        move || (id(), tick.get()),
        |(id, _)| async move {
            if id == 0 {
                Ok(None)
            } else {
                promotion_view(id, false).await
            }
        },
    );
    view! {
        <Title text="推广编辑"/>
        <PageHeader title="推广" subtitle="填写内容、上传素材，确认后发布到所选抖音账号"/>
        <p class="mb-4 text-sm"><a class="text-indigo-600 hover:underline" href="/promotions">"← 返回推广列表"</a></p>
        {move || action_notice(publish.value().get())}
        {move || action_notice(cancel.value().get())}
        {move || action_notice(delete.value().get())}
        {move || action_notice(remove.value().get())}
        <Transition fallback=|| view! { <p class="text-slate-500">"加载中…"</p> }>
            {move || data.get().map(|result| match result {
                Ok(Some(d)) => view! {
                    {d.flash.clone().map(|(ok, m)| view! { <div data-testid="upload-result"><Notice message=m error=!ok/></div> })}
                    <div class="grid grid-cols-1 gap-4 lg:grid-cols-3">
                        <div class="lg:col-span-2"><Editor d=d.clone()/></div>
                        <div class="space-y-4">
                            {(d.form.id > 0).then(|| view! {
                                <StatusPanel live=live publish=publish cancel=cancel delete=delete/>
                                <MediaPanel d=d.clone() remove=remove/>
                            })}
                        </div>
                    </div>
                }.into_any(),
                Ok(None) => view! { <Notice message="推广不存在" error=true/> }.into_any(),
                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
            })}
        </Transition>
    }
}

fn field<F>(label: &'static str, testid: &'static str, value: String, set: F) -> impl IntoView
where
    F: Fn(&mut PromotionForm, String) + Copy + Send + Sync + 'static,
{
    let form = use_context::<RwSignal<PromotionForm>>();
    view! {
        <label class=LABEL_CLASS>{label}
            <input class=INPUT_CLASS data-testid=testid prop:value=value
                on:input=move |ev| { if let Some(f) = form { f.update(|f| set(f, event_target_value(&ev))); } }/>
        </label>
    }
}

#[component]
fn Editor(d: PromotionDetail) -> impl IntoView {
    let form = RwSignal::new(d.form.clone());
    provide_context(form);
    let save = ServerAction::<PromotionSave>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            if form.get_untracked().id == 0 {
                navigate(&format!("/promotions/{id}"), Default::default());
            }
        }
    });
    let editable = d.editable();
    let f = d.form.clone();
    view! {
        <Card>
            <h2 class="mb-3 text-base font-semibold text-slate-900">"内容"</h2>
            <div class="grid grid-cols-1 gap-3 md:grid-cols-2">
                <label class=LABEL_CLASS>"类型"
                    <select class=INPUT_CLASS data-testid="kind" on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))>
                        {KINDS.iter().map(|(k, l)| view! { <option value=*k selected={f.kind == *k}>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <label class=LABEL_CLASS>"发布到抖音账号"
                    <select class=INPUT_CLASS data-testid="account" on:change=move |ev| form.update(|f| f.account_id = event_target_value(&ev).parse().unwrap_or(0))>
                        {d.accounts.iter().map(|(id, name)| view! { <option value=id.to_string() selected={f.account_id == *id}>{name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                {field("标题（仅内部使用）", "title", f.title.clone(), |f, v| f.title = v)}
                <label class=LABEL_CLASS>"关联店铺"
                    <select class=INPUT_CLASS data-testid="shop" on:change=move |ev| form.update(|f| f.shop_row = event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0">"不关联"</option>
                        {d.shops.iter().map(|(id, name)| view! { <option value=id.to_string() selected={f.shop_row == *id}>{name.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <label class=format!("{LABEL_CLASS} mt-3")>"正文（#话题 和 @昵称 直接写在正文里）"
                <textarea class=INPUT_CLASS rows="4" data-testid="body" prop:value=f.body.clone()
                    on:input=move |ev| form.update(|f| f.body = event_target_value(&ev))></textarea>
            </label>
            <label class=format!("{LABEL_CLASS} mt-3")>"@提及（每行「@昵称 open_id」）"
                <textarea class=INPUT_CLASS rows="2" data-testid="mentions" prop:value=f.mentions.clone()
                    on:input=move |ev| form.update(|f| f.mentions = event_target_value(&ev))></textarea>
            </label>
            <div class="mt-3 grid grid-cols-1 gap-3 md:grid-cols-2">
                {field("发布时间 / 开播时间（北京时间，如 2026-12-01 20:00；留空立即发布）", "publish-at", f.publish_at.clone(), |f, v| f.publish_at = v)}
                {field("关联商品编号（逗号分隔）", "products", f.product_ids.clone(), |f, v| f.product_ids = v)}
                {field("封面时间点（秒，视频）", "cover-tsp", f.cover_tsp.clone(), |f, v| f.cover_tsp = v)}
                {field("直播间 ID（直播预告，用于统计带货）", "room-id", f.room_id.clone(), |f, v| f.room_id = v)}
                {field("位置 POI ID（锚点，可选）", "poi", f.poi_id.clone(), |f, v| f.poi_id = v)}
                {field("小程序 ID（锚点，可选，与位置二选一）", "micro-app", f.micro_app_id.clone(), |f, v| f.micro_app_id = v)}
                {field("小程序标题", "micro-app-title", f.micro_app_title.clone(), |f, v| f.micro_app_title = v)}
                {field("小程序页面路径", "micro-app-url", f.micro_app_url.clone(), |f, v| f.micro_app_url = v)}
            </div>
            <div class="mt-4 flex items-center gap-3">
                <button class=BUTTON_CLASS data-testid="save" disabled=!editable
                    on:click=move |_| { save.dispatch(PromotionSave { form: form.get_untracked() }); }>"保存草稿"</button>
                {(!editable).then(|| view! { <span class="text-xs text-slate-500">"已排期或已发布的推广不能修改"</span> })}
            </div>
            {move || save.value().get().map(|r| match r {
                Ok(_) => view! { <Notice message="已保存"/> }.into_any(),
                Err(e) => view! { <Notice message=e.to_string() error=true/> }.into_any(),
            })}
            {(!d.problems.is_empty()).then(|| view! {
                <div class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-800" data-testid="problems">
                    <p class="font-medium">"发布前还需要："</p>
                    <ul class="list-disc pl-5">{d.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
        </Card>
    }
}

#[component]
fn MediaPanel(d: PromotionDetail, remove: ServerAction<PromotionMediaRemove>) -> impl IntoView {
    let id = d.form.id;
    let editable = d.editable();
    view! {
        <Card>
            <h2 class="mb-2 text-base font-semibold text-slate-900">"素材"</h2>
            <ul class="space-y-1 text-sm" data-testid="media-list">
                {d.media.iter().map(|m| {
                    let media_id = m.id;
                    let role = match m.role.as_str() { "video" => "视频", "cover" => "封面", _ => "图片" };
                    view! {
                        <li data-testid="media" data-role=m.role.clone()>
                            <a class="text-indigo-600 hover:underline" href=m.url.clone() rel="external">{format!("{role}：{}", m.file_name)}</a>
                            <span class="text-xs text-slate-500">{format!(" {} {}", m.size, m.duration)}</span>
                            {editable.then(|| view! {
                                <button class="ml-2 text-xs text-red-700" on:click=move |_| { remove.dispatch(PromotionMediaRemove { id, media_id }); }>"删除"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {editable.then(|| view! {
                <form class="mt-3 space-y-2 text-sm" method="post" enctype="multipart/form-data" action=format!("/promotions/{id}/media")>
                    <label class=LABEL_CLASS>"视频（MP4，≤ 4 GB，≤ 15 分钟）"<input type="file" name="video" accept="video/mp4" data-testid="video-file"/></label>
                    <label class=LABEL_CLASS>"图片（图文，最多 30 张，每张 ≤ 20 MB）"<input type="file" name="images" multiple accept="image/jpeg,image/png,image/webp" data-testid="image-files"/></label>
                    <label class=LABEL_CLASS>"封面图（可选）"<input type="file" name="cover" accept="image/jpeg,image/png,image/webp"/></label>
                    <button class=SMALL_BUTTON_CLASS type="submit" data-testid="upload">"上传"</button>
                </form>
            })}
        </Card>
    }
}

#[component]
fn StatusPanel(
    live: Resource<Result<Option<PromotionDetail>, crate::error::AppError>>,
    publish: ServerAction<PromotionPublish>,
    cancel: ServerAction<PromotionCancel>,
    delete: ServerAction<PromotionDelete>,
) -> impl IntoView {
    let confirm_publish = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    view! {
        <Card>
            <h2 class="mb-2 text-base font-semibold text-slate-900">"发布"</h2>
            <Transition fallback=|| ()>
                {move || live.get().and_then(Result::ok).flatten().map(|d| {
                    let id = d.form.id;
                    view! {
                        <p class="text-sm">"状态："<span class=state_badge(&d.state) data-testid="state">{state_label(&d.state)}</span>
                            " "<span class="text-xs text-slate-500" data-testid="review">{review_label(&d.review)}</span></p>
                        {(!d.error.is_empty()).then(|| view! { <p class="mt-2 text-sm text-red-700" data-testid="error">{d.error.clone()}</p> })}
                        {(!d.item_id.is_empty()).then(|| view! { <p class="mt-1 break-all font-mono text-xs text-slate-400">{format!("item_id {}", d.item_id)}</p> })}
                        {d.editable().then(|| view! {
                            <div class="mt-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm">
                                <p>"将发布到抖音账号「"<b data-testid="target-account">{d.account_name.clone()}</b>"」"</p>
                                <label class="mt-2 flex items-center gap-2">
                                    <input type="checkbox" data-testid="confirm-publish" prop:checked=move || confirm_publish.get()
                                        on:change=move |ev| confirm_publish.set(event_target_checked(&ev))/>
                                    "是否同步：确认发布到该账号"
                                </label>
                                <button class=format!("{BUTTON_CLASS} mt-2") data-testid="publish"
                                    on:click=move |_| { publish.dispatch(PromotionPublish { id, confirm: confirm_publish.get_untracked() }); }>"确认发布"</button>
                            </div>
                        })}
                        {(d.state == "scheduled").then(|| view! {
                            <button class=format!("{SMALL_BUTTON_CLASS} mt-3") on:click=move |_| { cancel.dispatch(PromotionCancel { id }); }>"取消排期"</button>
                        })}
                        {matches!(d.state.as_str(), "published" | "failed" | "draft").then(|| view! {
                            <div class="mt-3 border-t border-slate-100 pt-3 text-sm">
                                <label class="flex items-center gap-2">
                                    <input type="checkbox" data-testid="confirm-delete" prop:checked=move || confirm_delete.get()
                                        on:change=move |ev| confirm_delete.set(event_target_checked(&ev))/>
                                    {format!("是否删除：{}", if d.item_id.is_empty() { "删除这条推广".to_string() } else { format!("从「{}」删除这条内容", d.account_name) })}
                                </label>
                                <button class=format!("{SMALL_BUTTON_CLASS} mt-2 text-red-700") data-testid="delete"
                                    on:click=move |_| { delete.dispatch(PromotionDelete { id, confirm: confirm_delete.get_untracked() }); }>"删除"</button>
                            </div>
                        })}
                        {(d.state == "published" || d.plays > 0).then(|| view! {
                            <dl class="mt-3 grid grid-cols-3 gap-2 text-center text-sm" data-testid="effect">
                                <div><dt class="text-xs text-slate-500">"播放"</dt><dd>{d.plays}</dd></div>
                                <div><dt class="text-xs text-slate-500">"点赞"</dt><dd>{d.likes}</dd></div>
                                <div><dt class="text-xs text-slate-500">"评论/分享"</dt><dd>{format!("{}/{}", d.comments, d.shares)}</dd></div>
                                <div><dt class="text-xs text-slate-500">"订单"</dt><dd>{d.orders}</dd></div>
                                <div class="col-span-2"><dt class="text-xs text-slate-500">"成交额（元）"</dt><dd>{d.gmv_yuan.clone()}</dd></div>
                            </dl>
                        })}
                        <h3 class="mt-4 text-sm font-semibold text-slate-900">"时间线"</h3>
                        <ul class="mt-1 space-y-1 text-xs text-slate-600" data-testid="timeline">
                            {d.events.iter().map(|e| view! { <li>{format!("{} · {} · {}", e.at, e.state, e.message)}</li> }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </Card>
    }
}
