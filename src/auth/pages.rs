//! 登录, 用户, 修改密码 and 审计日志 pages.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{AddUser, ChangePassword, Login, ResetUserPassword, SetUserDisabled};
use super::{LoginOutcome, Role, UserSummary};
use crate::ui::components::{
    action_notice, resource_list, Card, Notice, PageHeader, TableHead, BUTTON_CLASS, INPUT_CLASS,
    LABEL_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};
use crate::ui::text;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let value = login.value();
    // A full reload after signing in, so every part of the page sees the new session.
    Effect::new(move |_| {
        if let Some(Ok(LoginOutcome::SignedIn)) = value.get() {
            let _ = window().location().set_href("/");
        }
    });
    let message = move || match value.get() {
        Some(Ok(LoginOutcome::Refused(reason))) => {
            Some(view! { <Notice message=reason error=true/> })
        }
        Some(Err(err)) => Some(view! { <Notice message=err.to_string() error=true/> }),
        _ => None,
    };
    view! {
        <Title text=text::LOGIN_TITLE/>
        <div class="flex min-h-screen items-center justify-center bg-slate-100 px-4">
            <div class="w-full max-w-sm">
                <div class="mb-6 text-center">
                    <div class="text-2xl font-semibold text-slate-900">{text::APP_NAME}</div>
                    <div class="text-sm text-slate-500">{text::APP_TAGLINE}</div>
                </div>
                <Card>
                    <h1 class="text-lg font-semibold text-slate-900">{text::LOGIN_TITLE}</h1>
                    <p class="mb-4 text-sm text-slate-500">{text::LOGIN_SUBTITLE}</p>
                    <ActionForm action=login attr:class="space-y-4">
                        <label class=LABEL_CLASS>
                            {text::LOGIN_USERNAME}
                            <input name="username" autocomplete="username" required class=INPUT_CLASS/>
                        </label>
                        <label class=LABEL_CLASS>
                            {text::LOGIN_PASSWORD}
                            <input name="password" type="password" autocomplete="current-password" required class=INPUT_CLASS/>
                        </label>
                        <button type="submit" class=format!("{BUTTON_CLASS} w-full justify-center") disabled=move || login.pending().get()>
                            {move || if login.pending().get() { text::LOGIN_PENDING } else { text::LOGIN_SUBMIT }}
                        </button>
                    </ActionForm>
                    {message}
                </Card>
            </div>
        </div>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let add = ServerAction::<AddUser>::new();
    let toggle = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let users = Resource::new(
        move || {
            (
                add.version().get(),
                toggle.version().get(),
                reset.version().get(),
            )
        },
        |_| super::api::list_users(),
    );
    let toggle_error = move || match toggle.value().get() {
        Some(Err(err)) => Some(view! { <Notice message=err.to_string() error=true/> }),
        _ => None,
    };
    view! {
        <Title text=text::USERS_TITLE/>
        <PageHeader title=text::USERS_TITLE subtitle=text::USERS_SUBTITLE/>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <Card>
                    <Transition fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
                        {move || Suspend::new(async move {
                            match users.await {
                                Ok(list) => view! { <UserTable users=list toggle=toggle reset=reset/> }.into_any(),
                                Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                            }
                        })}
                    </Transition>
                    {toggle_error}
                    {move || action_notice(reset.value().get())}
                </Card>
            </div>
            <Card>
                <h2 class="mb-4 text-base font-semibold text-slate-900">{text::USERS_ADD}</h2>
                <ActionForm action=add attr:class="space-y-3" attr:data-testid="add-user-form">
                    <label class=LABEL_CLASS>
                        {text::USERS_NAME}
                        <input name="name" required maxlength="32" class=INPUT_CLASS/>
                    </label>
                    <label class=LABEL_CLASS>
                        {text::USERS_DISPLAY_NAME}
                        <input name="display_name" maxlength="50" class=INPUT_CLASS/>
                    </label>
                    <label class=LABEL_CLASS>
                        {text::USERS_ROLE}
                        <select name="role" class=INPUT_CLASS>
                            <option value=Role::Staff.as_str() selected>{Role::Staff.label()}</option>
                            <option value=Role::Admin.as_str()>{Role::Admin.label()}</option>
                        </select>
                    </label>
                    <label class=LABEL_CLASS>
                        {text::USERS_PASSWORD}
                        <input name="password" type="password" autocomplete="new-password" required class=INPUT_CLASS/>
                    </label>
                    <button type="submit" class=BUTTON_CLASS disabled=move || add.pending().get()>{text::USERS_ADD}</button>
                </ActionForm>
                {move || action_notice(add.value().get())}
            </Card>
        </div>
    }
}

#[component]
fn UserTable(
    users: Vec<UserSummary>,
    toggle: ServerAction<SetUserDisabled>,
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    if users.is_empty() {
        return view! { <p class="text-slate-500">{text::USERS_EMPTY}</p> }.into_any();
    }
    view! {
        <table class=TABLE_CLASS>
            <TableHead columns=&[text::USERS_NAME, text::USERS_DISPLAY_NAME, text::USERS_ROLE, text::USERS_STATUS, text::USERS_CREATED, text::USERS_ACTIONS]/>
            <tbody class="divide-y divide-slate-100">
                {users.into_iter().map(|user| {
                    let id = user.id;
                    let disabled = user.disabled;
                    let (status, badge) = if disabled {
                        (text::STATUS_DISABLED, "bg-slate-200 text-slate-600")
                    } else {
                        (text::STATUS_ACTIVE, "bg-emerald-100 text-emerald-800")
                    };
                    view! {
                        <tr data-testid="user-row" data-user=user.name.clone()>
                            <td class=TD_CLASS>{user.name.clone()}</td>
                            <td class=TD_CLASS>{user.display_name.clone()}</td>
                            <td class=TD_CLASS>{user.role.label()}</td>
                            <td class=TD_CLASS><span class=format!("rounded-full px-2 py-0.5 text-xs {badge}")>{status}</span></td>
                            <td class=TD_CLASS>{user.created_at.clone()}</td>
                            <td class=TD_CLASS>
                                <div class="flex flex-col gap-2">
                                    <button class=SMALL_BUTTON_CLASS on:click=move |_| {
                                        toggle.dispatch(SetUserDisabled { id, disabled: !disabled });
                                    }>
                                        {if disabled { text::USERS_ENABLE } else { text::USERS_DISABLE }}
                                    </button>
                                    <ActionForm action=reset attr:class="flex gap-1">
                                        <input type="hidden" name="id" value=id/>
                                        <input name="password" type="password" autocomplete="new-password" required
                                            placeholder=text::USERS_NEW_PASSWORD class="w-28 rounded border border-slate-300 px-2 py-1 text-xs"/>
                                        <button type="submit" class=SMALL_BUTTON_CLASS>{text::USERS_RESET}</button>
                                    </ActionForm>
                                </div>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <Title text=text::ACCOUNT_TITLE/>
        <PageHeader title=text::ACCOUNT_TITLE/>
        <div class="max-w-md">
            <Card>
                <ActionForm action=change attr:class="space-y-4">
                    <label class=LABEL_CLASS>
                        {text::ACCOUNT_CURRENT}
                        <input name="current" type="password" autocomplete="current-password" required class=INPUT_CLASS/>
                    </label>
                    <label class=LABEL_CLASS>
                        {text::ACCOUNT_NEW}
                        <input name="new" type="password" autocomplete="new-password" required class=INPUT_CLASS/>
                    </label>
                    <button type="submit" class=BUTTON_CLASS>{text::ACCOUNT_SUBMIT}</button>
                </ActionForm>
                {move || action_notice(change.value().get())}
            </Card>
        </div>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let entries = Resource::new(
        move || filter.get(),
        |action| super::api::list_audit(Some(action)),
    );
    view! {
        <Title text=text::AUDIT_TITLE/>
        <PageHeader title=text::AUDIT_TITLE subtitle=text::AUDIT_SUBTITLE/>
        <Card>
            <div class="mb-4">
                <select class="rounded-md border border-slate-300 px-3 py-2 text-sm"
                    aria-label=text::AUDIT_ACTION
                    on:change=move |ev| filter.set(event_target_value(&ev))>
                    <option value="">{text::AUDIT_ALL}</option>
                    {text::AUDIT_ACTIONS.iter().map(|(key, label)| view! { <option value=*key>{*label}</option> }).collect_view()}
                </select>
            </div>
            {resource_list(entries, text::AUDIT_EMPTY, move |list| view! {
                            <table class=TABLE_CLASS>
                                <TableHead columns=&[text::AUDIT_TIME, text::AUDIT_ACTOR, text::AUDIT_ACTION, text::AUDIT_TARGET, text::AUDIT_DETAIL, text::AUDIT_IP]/>
                                <tbody class="divide-y divide-slate-100">
                                    {list.into_iter().map(|e| view! {
                                        <tr data-testid="audit-row">
                                            <td class=format!("{TD_CLASS} whitespace-nowrap")>{e.at}</td>
                                            <td class=TD_CLASS>{e.actor}</td>
                                            <td class=TD_CLASS>{text::audit_action_label(&e.action).to_string()}</td>
                                            <td class=TD_CLASS>{e.target}</td>
                                            <td class=TD_CLASS>{e.detail}</td>
                                            <td class=TD_CLASS>{e.ip}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any())}
        </Card>
    }
}
