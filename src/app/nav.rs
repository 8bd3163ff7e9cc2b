//! The side navigation, the user menu and the demo-mode banner of the page layout.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::is_admin_path;
use crate::auth::CurrentUser;
use crate::ui::text;

struct NavItem {
    label: &'static str,
    href: &'static str,
}

const NAV: &[(&str, &[NavItem])] = &[
    (
        "",
        &[NavItem {
            label: text::NAV_HOME,
            href: "/",
        }],
    ),
    (
        text::NAV_SECTION_MARKETS,
        &[
            NavItem {
                label: text::NAV_PLATFORMS,
                href: "/platforms",
            },
            NavItem {
                label: text::NAV_SHOPS,
                href: "/shops",
            },
            NavItem {
                label: text::NAV_PRODUCTS,
                href: "/products",
            },
            NavItem {
                label: "订单",
                href: "/orders",
            },
            NavItem {
                label: "统计",
                href: "/stats",
            },
            NavItem {
                label: text::NAV_PROMOTIONS,
                href: "/promotions",
            },
        ],
    ),
    (
        text::NAV_SECTION_OZON,
        &[
            NavItem {
                label: text::NAV_OZON_CREDENTIALS,
                href: "/ozon/credentials",
            },
            NavItem {
                label: text::NAV_OZON_IMAGES,
                href: "/ozon/images",
            },
            NavItem {
                label: text::NAV_OZON_LISTING,
                href: "/ozon/listing",
            },
            NavItem {
                label: "上架流程",
                href: "/ozon/listing/pipeline",
            },
        ],
    ),
    (
        text::NAV_SECTION_ADMIN,
        &[
            NavItem {
                label: text::NAV_USERS,
                href: "/users",
            },
            NavItem {
                label: text::NAV_PLATFORM_APPS,
                href: "/platforms/apps",
            },
            NavItem {
                label: text::NAV_API_KEYS,
                href: "/api-keys",
            },
            NavItem {
                label: text::NAV_AUDIT,
                href: "/audit",
            },
        ],
    ),
];

/// The sections and links this user may see.
fn nav_for(user: &CurrentUser) -> Vec<(&'static str, Vec<&'static NavItem>)> {
    NAV.iter()
        .map(|(section, items)| {
            let visible = items
                .iter()
                .filter(|item| user.is_admin() || !is_admin_path(item.href))
                .collect::<Vec<_>>();
            (*section, visible)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

/// Says, on every page of `shopbridge demo`, that the data comes from the simulators.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let demo = Resource::new(|| (), |_| crate::auth::api::demo_mode());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                demo.await.unwrap_or(false).then(|| view! {
                    <div class="border-b border-indigo-200 bg-indigo-50 px-6 py-2 text-sm text-indigo-900" role="note" data-testid="demo-banner">
                        "演示模式：所有账号、店铺、商品和订单都来自内置模拟器，均为演示数据，不会连接真实平台。"
                    </div>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn SideNav(user: CurrentUser) -> impl IntoView {
    let link = "block rounded-md px-3 py-2 text-sm hover:bg-slate-800 hover:text-white \
                aria-[current=page]:bg-slate-800 aria-[current=page]:text-white";
    view! {
        <nav class="space-y-5 px-3 pb-6" aria-label="主导航">
            {nav_for(&user)
                .into_iter()
                .map(|(section, items)| {
                    view! {
                        <div>
                            {(!section.is_empty()).then(|| view! {
                                <div class="px-3 pb-1 text-xs font-semibold uppercase tracking-wider text-slate-500">{section}</div>
                            })}
                            {items.into_iter().map(|item| view! {
                                <A href=item.href exact=true attr:class=link>{item.label}</A>
                            }).collect_view()}
                        </div>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
pub fn UserMenu(user: CurrentUser) -> impl IntoView {
    view! {
        <span class="text-sm text-slate-600" data-testid="current-user">
            {user.display_name.clone()}
            <span class="ml-2 rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-500">{user.role.label()}</span>
        </span>
        <A href="/account" attr:class="text-sm text-slate-600 hover:text-indigo-600">{text::NAV_ACCOUNT}</A>
        <form method="post" action="/logout">
            <button type="submit" class="text-sm text-slate-600 hover:text-red-600">{text::LOGOUT}</button>
        </form>
    }
}
