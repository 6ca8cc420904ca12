//! Page frame: header (with the logged-in user), main content and the footer
//! with the customer-service line.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::{current_user, Logout};
use crate::api::site::{site_info, SiteContact};
use crate::components::help::message_with_help;
use crate::domain::UserKind;
use crate::error::AppError;

type ContactResource = Resource<Result<SiteContact, AppError>>;

/// 客服电话 and working hours (configured), for the footer and every error.
#[component]
pub fn ServiceLine() -> impl IntoView {
    let info = use_context::<ContactResource>();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let i = match info {
                    Some(info) => info.await.ok()?,
                    None => contact_on_page()?,
                };
                let SiteContact { service_phone: phone, service_hours: hours } = i;
                Some(view! {
                    <p class="service-line" data-phone=phone.clone() data-hours=hours.clone()>
                        "客服电话:"
                        <a class="service-phone" href=format!("tel:{phone}")>{phone.clone()}</a>
                        "(" {hours.clone()} ")"
                    </p>
                })
            })}
        </Suspense>
    }
}

/// Where no page frame provides the contact: an island in the browser (the
/// frame is the server's). The footer's line, rendered with it, is read back.
fn contact_on_page() -> Option<SiteContact> {
    #[cfg(feature = "hydrate")]
    {
        let line = document().query_selector("footer .service-line").ok()??;
        Some(SiteContact {
            service_phone: line.get_attribute("data-phone")?,
            service_hours: line.get_attribute("data-hours")?,
        })
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The message of a plain post that failed (its error came back in the
/// address: `ServerAction::new` reads it). A field problem (a missing
/// reason) says more than the generic text, so its message is shown.
pub fn refusal(error: Option<AppError>) -> impl IntoView {
    error.map(|e| {
        let message = e
            .field_errors()
            .0
            .into_values()
            .next()
            .unwrap_or_else(|| e.message());
        view! { <p class="alert" role="alert">{message_with_help("", message)}</p> }
    })
}

/// An error that stops a page: the message, its help link and the service line.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    // Not logged in (or timed out): the way in, on either tab.
    let login = matches!(error, AppError::Unauthorized).then(|| {
        view! {
            <p class="form-links">
                <a href="/login">"法人用户登录"</a>
                " · "
                <a href="/login?tab=regulator">"监管用户登录"</a>
            </p>
        }
    });
    view! {
        <div class="alert" role="alert">
            <p>{message_with_help("", error.message())}</p>
            {login}
            <ServiceLine />
        </div>
    }
}

/// Bumped by a page whose action changed what the header shows (the
/// unread-message count), so the header reloads without a navigation.
#[derive(Clone, Copy)]
pub struct HeaderRefresh(pub RwSignal<i32>);

impl HeaderRefresh {
    /// Asks the header to reload.
    pub fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

/// Every message is read now: the header's count goes. With islands the
/// header is the server's and outside every island, so no `HeaderRefresh`
/// reaches the page; its count is then cleared in place, as a reload would
/// show it.
pub fn all_messages_read(header: Option<HeaderRefresh>) {
    match header {
        Some(h) => h.bump(),
        #[cfg(feature = "hydrate")]
        None => {
            if let Ok(Some(a)) = document().query_selector("header a.header-messages") {
                a.set_text_content(Some("消息"));
                let _ = a.set_attribute("data-unread", "0");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        None => {}
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let info: ContactResource = Resource::new(|| (), |_| site_info());
    provide_context(info);
    let path = use_location().pathname;
    // Refetched on every navigation, so the header follows login and logout,
    // and when a page says the unread count changed (`HeaderRefresh`).
    let refresh = HeaderRefresh(RwSignal::new(0));
    provide_context(refresh);
    let user = Resource::new(move || (path.get(), refresh.0.get()), |_| current_user());
    let logout = ServerAction::<Logout>::new();
    // What a plain form post, or an island that loads its page again after
    // its call, just did: shown once.
    #[cfg(feature = "ssr")]
    let flash = crate::server::http::take_flash();
    #[cfg(not(feature = "ssr"))]
    let flash: Option<String> = None;
    let flash = flash.map(|m| view! { <p class="notice success flash" role="status">{m}</p> });
    view! {
        <header class="site-header">
            <a class="brand" href="/">"危化品经营安全监管系统"</a>
            <a class="header-help" href="/help">"帮助中心"</a>
            <a class="header-lookup" href="/lookup">"许可证查询"</a>
            <nav aria-label="账号">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! {
                                {if u.kind == UserKind::Enterprise {
                                    view! { <a href="/info">"完善信息"</a> <a href="/licences">"许可证业务"</a> <a href="/team">"本单位用户"</a> }.into_any()
                                } else if u.kind == UserKind::Regulator {
                                    view! { <a href="/dashboard">"监管统计"</a> <a href="/cases">"许可证案件"</a> <a href="/maintenance">"信息维护"</a> <a href="/review">"注册审核"</a> <a href="/reports/annual">"年度报告"</a> }.into_any()
                                } else {
                                    view! { <a href="/dashboard">"监管统计"</a> <a href="/maintenance">"信息维护"</a> <a href="/review">"注册审核"</a> <a href="/reports/annual">"年度报告"</a> }.into_any()
                                }}
                                <a href="/workspace" class="current-user">
                                    {if u.display_name == u.belongs_to { u.belongs_to.clone() } else { format!("{} · {}", u.belongs_to, u.display_name) }}
                                </a>
                                <a href="/messages" class="header-messages" data-unread=u.unread_messages.to_string()>
                                    {if u.unread_messages > 0 { format!("消息 ({})", u.unread_messages) } else { "消息".to_string() }}
                                    {(u.unread_messages > 0).then(|| view! {
                                        <span class="sr-only">{format!(",{} 条未读", u.unread_messages)}</span>
                                    })}
                                </a>
                                <a href="/account">"账号设置"</a>
                                <ActionForm action=logout attr:class="inline">
                                    <button type="submit" class="button link on-dark">"退出登录"</button>
                                </ActionForm>
                            }
                                .into_any(),
                            _ => view! {
                                <a href="/login">"登录"</a>
                                <a href="/register">"企业注册"</a>
                            }
                                .into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
        <main id="main">{flash}{children()}</main>
        <footer class="site-footer">
            <ServiceLine />
            <p><a href="/help">"帮助中心"</a></p>
            <nav class="public-links" aria-label="公开信息">
                <a href="/lookup">"许可证查询"</a>
                <a href="/publicity">"许可公示"</a>
                <a href="/notices">"通知公告"</a>
            </nav>
        </footer>
    }
}
