//! The Ozon 凭证 page: admins manage credentials, staff see names.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{CreateCredential, DeleteCredential, TestCredential, UpdateCredential};
use super::{ConnectionCheck, CredentialView, EXPIRY_WARNING_DAYS};
use crate::auth::Me;
use crate::ui::components::{
    action_notice, resource_list, Card, Notice, PageHeader, TableHead, BUTTON_CLASS, INPUT_CLASS,
    LABEL_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};
use crate::ui::text;

/// Admins manage credentials here; staff see the names they can choose.
#[component]
pub fn CredentialsPage() -> impl IntoView {
    let me = expect_context::<Me>();
    view! {
        <Title text=text::CRED_TITLE/>
        <Suspense fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) if user.is_admin() => view! { <AdminCredentials/> }.into_any(),
                    _ => view! { <StaffCredentials/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StaffCredentials() -> impl IntoView {
    let names = Resource::new(|| (), |_| super::api::credential_names());
    view! {
        <PageHeader title=text::CRED_TITLE subtitle=text::CRED_STAFF_SUBTITLE/>
        <Card>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match names.await {
                        Ok(list) if list.is_empty() => view! { <p class="text-slate-500">{text::CRED_EMPTY}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="divide-y divide-slate-100" data-testid="credential-names">
                                {list.into_iter().map(|c| view! {
                                    <li class="flex justify-between py-2 text-sm">
                                        <span class="font-medium text-slate-800">{c.name}</span>
                                        <span class="text-slate-500">{c.expires_at.map(|at| format!("{}：{at}", text::CRED_EXPIRES))}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                    }
                })}
            </Suspense>
        </Card>
    }
}

fn expiry_badge(c: &CredentialView) -> impl IntoView {
    let (label, class) = match (c.expires_at.clone(), c.expires_in_days) {
        (Some(at), Some(days)) if days < 0 => {
            (format!("{at}（{}）", text::CRED_EXPIRED), "text-red-700")
        }
        (Some(at), Some(days)) if days < EXPIRY_WARNING_DAYS => {
            (format!("{at}（剩余 {days} 天）"), "text-amber-700")
        }
        (Some(at), Some(days)) => (format!("{at}（剩余 {days} 天）"), "text-slate-700"),
        _ => (text::CRED_NOT_CHECKED.to_string(), "text-slate-400"),
    };
    view! { <span class=class>{label}</span> }
}

fn check_badge(c: &CredentialView) -> impl IntoView {
    match c.last_check_ok {
        None => view! { <span class="text-slate-400">{text::CRED_NOT_CHECKED}</span> }.into_any(),
        Some(ok) => {
            let class = if ok {
                "text-emerald-700"
            } else {
                "text-red-700"
            };
            view! {
                <span class=class>{c.last_check_message.clone()}</span>
                <div class="text-xs text-slate-400">{c.last_checked_at.clone()}</div>
            }
            .into_any()
        }
    }
}

#[component]
fn AdminCredentials() -> impl IntoView {
    let add = ServerAction::<CreateCredential>::new();
    let update = ServerAction::<UpdateCredential>::new();
    let delete = ServerAction::<DeleteCredential>::new();
    let test = ServerAction::<TestCredential>::new();
    let list = Resource::new(
        move || {
            (
                add.version().get(),
                update.version().get(),
                delete.version().get(),
                test.version().get(),
            )
        },
        |_| super::api::list_credentials(),
    );
    let editing = RwSignal::new(None::<CredentialView>);
    let confirming = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            editing.set(None);
        }
    });
    let test_result = move || {
        test.value().get().map(|result| match result {
            Ok(ConnectionCheck::Ok { roles, expires_at }) => {
                let expiry = expires_at
                    .map(|at| format!("；Api-Key 到期时间 {at}"))
                    .unwrap_or_default();
                view! { <Notice message=format!("连接成功：角色 {}{expiry}", roles.join("、"))/> }
                    .into_any()
            }
            Ok(ConnectionCheck::Failed { reason }) => {
                view! { <Notice message=format!("连接失败：{reason}") error=true/> }.into_any()
            }
            Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
        })
    };
    view! {
        <PageHeader title=text::CRED_TITLE subtitle=text::CRED_SUBTITLE/>
        <div class="grid grid-cols-1 gap-6 xl:grid-cols-3">
            <div class="space-y-4 xl:col-span-2">
                <Card>
                    <div data-testid="test-result">{test_result}</div>
                    {move || action_notice(delete.value().get())}
                    {resource_list(list, text::CRED_EMPTY, move |rows| view! {
                                    <table class=TABLE_CLASS>
                                        <TableHead columns=&[text::CRED_NAME, text::CRED_CLIENT_ID, text::CRED_API_KEY, text::CRED_EXPIRES, text::CRED_LAST_CHECK, text::CRED_ACTIONS]/>
                                        <tbody class="divide-y divide-slate-100">
                                            {rows.into_iter().map(|c| {
                                                let id = c.id;
                                                let for_edit = c.clone();
                                                view! {
                                                    <tr data-testid="credential-row" data-name=c.name.clone()>
                                                        <td class=TD_CLASS>{c.name.clone()}</td>
                                                        <td class=TD_CLASS>{c.client_id.clone()}</td>
                                                        <td class=format!("{TD_CLASS} font-mono")>{format!("••••{}", c.key_last4)}</td>
                                                        <td class=TD_CLASS data-testid="expiry">{expiry_badge(&c)}</td>
                                                        <td class=TD_CLASS>{check_badge(&c)}</td>
                                                        <td class=TD_CLASS>
                                                            <div class="flex flex-wrap gap-1">
                                                                <button class=SMALL_BUTTON_CLASS disabled=move || test.pending().get()
                                                                    on:click=move |_| { test.dispatch(TestCredential { id }); }>{text::CRED_TEST}</button>
                                                                <button class=SMALL_BUTTON_CLASS on:click=move |_| editing.set(Some(for_edit.clone()))>{text::CRED_EDIT}</button>
                                                                <Show when=move || confirming.get() == Some(id)
                                                                    fallback=move || view! {
                                                                        <button class=SMALL_BUTTON_CLASS on:click=move |_| confirming.set(Some(id))>{text::CRED_DELETE}</button>
                                                                    }>
                                                                    <button class="rounded-md bg-red-600 px-2.5 py-1 text-xs font-medium text-white"
                                                                        on:click=move |_| { confirming.set(None); delete.dispatch(DeleteCredential { id }); }>{text::CRED_CONFIRM_DELETE}</button>
                                                                    <button class=SMALL_BUTTON_CLASS on:click=move |_| confirming.set(None)>{text::CRED_CANCEL}</button>
                                                                </Show>
                                                            </div>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any())}
                </Card>
                {move || editing.get().map(|c| view! { <EditCredential credential=c update=update editing=editing/> })}
            </div>
            <Card>
                <h2 class="mb-4 text-base font-semibold text-slate-900">{text::CRED_ADD}</h2>
                <ActionForm action=add attr:class="space-y-3" attr:data-testid="add-credential-form">
                    <label class=LABEL_CLASS>{text::CRED_NAME}<input name="name" required maxlength="50" class=INPUT_CLASS/></label>
                    <label class=LABEL_CLASS>{text::CRED_CLIENT_ID}<input name="client_id" required inputmode="numeric" class=INPUT_CLASS/></label>
                    <label class=LABEL_CLASS>{text::CRED_API_KEY}<input name="api_key" type="password" autocomplete="off" required class=INPUT_CLASS/></label>
                    <button type="submit" class=BUTTON_CLASS disabled=move || add.pending().get()>{text::CRED_ADD}</button>
                </ActionForm>
                {move || action_notice(add.value().get())}
            </Card>
        </div>
    }
}

#[component]
fn EditCredential(
    credential: CredentialView,
    update: ServerAction<UpdateCredential>,
    editing: RwSignal<Option<CredentialView>>,
) -> impl IntoView {
    view! {
        <Card>
            <h2 class="mb-4 text-base font-semibold text-slate-900">{text::CRED_EDITING}" · "{credential.name.clone()}</h2>
            <ActionForm action=update attr:class="grid grid-cols-1 gap-3 md:grid-cols-3" attr:data-testid="edit-credential-form">
                <input type="hidden" name="id" value=credential.id/>
                <label class=LABEL_CLASS>{text::CRED_NAME}<input name="name" required value=credential.name.clone() class=INPUT_CLASS/></label>
                <label class=LABEL_CLASS>{text::CRED_CLIENT_ID}<input name="client_id" required value=credential.client_id.clone() class=INPUT_CLASS/></label>
                <label class=LABEL_CLASS>{text::CRED_API_KEY}
                    <input name="api_key" type="password" autocomplete="off" placeholder=text::CRED_KEEP_KEY class=INPUT_CLASS/>
                </label>
                <div class="flex gap-2 md:col-span-3">
                    <button type="submit" class=BUTTON_CLASS>{text::CRED_SAVE}</button>
                    <button type="button" class=SMALL_BUTTON_CLASS on:click=move |_| editing.set(None)>{text::CRED_CANCEL}</button>
                </div>
            </ActionForm>
            {move || action_notice(update.value().get())}
        </Card>
    }
}
