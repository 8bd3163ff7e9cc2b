//! 平台应用 and API 密钥 pages, and the admin banner for expiring Ozon keys.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{CreateApiKey, RevokeApiKey, UpdatePlatformApp};
use super::PlatformAppView;
use crate::ui::components::{
    action_notice, resource_list, Card, Notice, PageHeader, TableHead, BUTTON_CLASS, INPUT_CLASS,
    LABEL_CLASS, SMALL_BUTTON_CLASS, TABLE_CLASS, TD_CLASS,
};
use crate::ui::text;

#[component]
pub fn PlatformAppsPage() -> impl IntoView {
    let save = ServerAction::<UpdatePlatformApp>::new();
    let apps = Resource::new(
        move || save.version().get(),
        |_| super::api::list_platform_apps(),
    );
    view! {
        <Title text=text::APPS_TITLE/>
        <PageHeader title=text::APPS_TITLE subtitle=text::APPS_SUBTITLE/>
        {move || action_notice(save.value().get())}
        <Transition fallback=|| view! { <p class="text-slate-500">{text::LOADING}</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(list) => view! {
                        <div class="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
                            {list.into_iter().map(|app| view! { <PlatformAppCard app=app save=save/> }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PlatformAppCard(app: PlatformAppView, save: ServerAction<UpdatePlatformApp>) -> impl IntoView {
    let secret_state = if app.secret_last4.is_empty() {
        text::APPS_SECRET_NONE.to_string()
    } else {
        format!("{} ••••{}", text::APPS_SECRET_SAVED, app.secret_last4)
    };
    view! {
        <Card>
            <div class="mb-3 flex items-center justify-between" data-testid="platform-app" data-platform=app.platform.clone()>
                <h2 class="text-base font-semibold text-slate-900">{app.label.clone()}</h2>
                {(!app.integrated).then(|| view! {
                    <span class="rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-800">{text::APPS_NOT_INTEGRATED}</span>
                })}
            </div>
            <ActionForm action=save attr:class="space-y-3">
                <input type="hidden" name="platform" value=app.platform.clone()/>
                <label class=LABEL_CLASS>{app.key_label.clone()}
                    <input name="app_key" value=app.app_key.clone() class=INPUT_CLASS/>
                </label>
                <label class=LABEL_CLASS>{format!("{}（{secret_state}）", app.secret_label)}
                    <input name="app_secret" type="password" autocomplete="off" placeholder=text::CRED_KEEP_KEY class=INPUT_CLASS/>
                </label>
                {app.has_service_id.then(|| view! {
                    <label class=LABEL_CLASS>"service_id"
                        <input name="service_id" value=app.service_id.clone() inputmode="numeric" class=INPUT_CLASS/>
                    </label>
                })}
                <label class="flex items-center gap-2 text-sm text-slate-700">
                    <input type="checkbox" name="enabled" value="on" checked=app.enabled/>
                    {text::APPS_ENABLED}
                </label>
                <div class="flex items-center justify-between">
                    <button type="submit" class=BUTTON_CLASS>{text::CRED_SAVE}</button>
                    <span class="text-xs text-slate-400">{app.updated_at.map(|at| format!("{} · {at}", app.updated_by))}</span>
                </div>
            </ActionForm>
        </Card>
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| super::api::list_api_keys(),
    );
    let created = move || {
        create.value().get().map(|result| match result {
            Ok(key) => view! {
                <div class="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800" role="status">
                    {text::KEYS_ONCE}
                    <code class="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-slate-900" data-testid="new-api-key">{key}</code>
                </div>
            }.into_any(),
            Err(err) => view! { <Notice message=err.to_string() error=true/> }.into_any(),
        })
    };
    view! {
        <Title text=text::KEYS_TITLE/>
        <PageHeader title=text::KEYS_TITLE subtitle=text::KEYS_SUBTITLE/>
        <div class="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div class="lg:col-span-2">
                <Card>
                    {move || action_notice(revoke.value().get())}
                    {resource_list(keys, text::KEYS_EMPTY, move |list| view! {
                                    <table class=TABLE_CLASS>
                                        <TableHead columns=&[text::KEYS_NAME, text::KEYS_PREFIX, text::KEYS_CREATOR, text::KEYS_CREATED, text::KEYS_LAST_USED, text::CRED_ACTIONS]/>
                                        <tbody class="divide-y divide-slate-100">
                                            {list.into_iter().map(|k| {
                                                let id = k.id;
                                                view! {
                                                    <tr data-testid="api-key-row">
                                                        <td class=TD_CLASS>{k.name}</td>
                                                        <td class=format!("{TD_CLASS} font-mono")>{format!("{}…", k.prefix)}</td>
                                                        <td class=TD_CLASS>{k.created_by}</td>
                                                        <td class=TD_CLASS>{k.created_at}</td>
                                                        <td class=TD_CLASS>{k.last_used_at.unwrap_or_else(|| text::NEVER.to_string())}</td>
                                                        <td class=TD_CLASS>
                                                            {if k.revoked {
                                                                view! { <span class="text-slate-400">{text::KEYS_REVOKED}</span> }.into_any()
                                                            } else {
                                                                view! { <button class=SMALL_BUTTON_CLASS on:click=move |_| { revoke.dispatch(RevokeApiKey { id }); }>{text::KEYS_REVOKE}</button> }.into_any()
                                                            }}
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any())}
                </Card>
            </div>
            <Card>
                <h2 class="mb-4 text-base font-semibold text-slate-900">{text::KEYS_CREATE}</h2>
                <ActionForm action=create attr:class="space-y-3">
                    <label class=LABEL_CLASS>{text::KEYS_NAME}<input name="name" required maxlength="50" class=INPUT_CLASS/></label>
                    <button type="submit" class=BUTTON_CLASS>{text::KEYS_CREATE}</button>
                </ActionForm>
                {created}
            </Card>
        </div>
    }
}

/// A banner for admins when a stored Api-Key lapses within 14 days.
#[component]
pub fn ExpiryBanner() -> impl IntoView {
    let expiring = Resource::new(|| (), |_| super::api::expiring_credentials());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = expiring.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <div class="border-b border-amber-200 bg-amber-50 px-6 py-2 text-sm text-amber-900" role="alert" data-testid="expiry-banner">
                        {list.into_iter().map(|c| {
                            let when = if c.days_left < 0 { "已于".to_string() } else { format!("剩余 {} 天，将于", c.days_left) };
                            view! {
                                <div>{format!("Ozon 凭证「{}」的 Api-Key {when} {} 过期，请在 Ozon 后台生成新密钥并在此更新。", c.name, c.expires_at)}</div>
                            }
                        }).collect_view()}
                    </div>
                })
            })}
        </Suspense>
    }
}
