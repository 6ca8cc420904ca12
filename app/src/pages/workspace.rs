//! The page a user lands on after login.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::prelude::*;
use leptos_meta::Title;

use leptos_router::hooks::use_query_map;

use crate::api::account::security_events;
use crate::api::auth::{current_user, PASSWORD_PAGE_FIRST, TOTP_PAGE};
use crate::components::HydrationMarker;
use crate::domain::UserKind;

#[cfg(whole_pages)]
#[component]
pub fn WorkspacePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    let query = use_query_map();
    let changed = move || query.with(|q| q.get("password").as_deref() == Some("1"));
    view! {
        <Title text="工作台 - 危化品经营安全监管系统" />
        <Show when=changed>
            <p class="notice success" role="status">"密码已修改。其他设备和浏览器上的登录已全部退出。"</p>
        </Show>
        // Only an enterprise's own open request shows.
        <PendingPhoneChange />
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if u.must_change_password => view! {
                        <h1>"请先设置新密码"</h1>
                        <p class="alert" role="alert">"您的密码由系统管理员设置。为保证只有您本人知道密码,请先设置新密码,然后才能办理业务。"</p>
                        <p><a class="button primary" href=PASSWORD_PAGE_FIRST>"设置新密码"</a></p>
                        <HydrationMarker />
                    }
                        .into_any(),
                    Ok(Some(u)) if u.needs_totp => view! {
                        <h1>"请先绑定身份验证器"</h1>
                        <p class="alert" role="alert">"监管用户和系统管理员登录时须输入身份验证器App中的动态验证码。请先完成绑定,然后才能办理业务。"</p>
                        <p><a class="button primary" href=format!("{TOTP_PAGE}?first=1")>"绑定身份验证器"</a></p>
                        <HydrationMarker />
                    }
                        .into_any(),
                    Ok(Some(u)) => {
                        let role = u.kind.label();
                        view! {
                            <h1>"工作台"</h1>
                            <dl class="profile">
                                <dt>"单位"</dt>
                                <dd class="belongs-to">{u.belongs_to}</dd>
                                <dt>"账号"</dt>
                                <dd>{u.login}</dd>
                                <dt>"身份"</dt>
                                <dd>{role} " · " {u.display_name}</dd>
                            </dl>
                            {(u.kind != UserKind::Enterprise)
                                .then(|| {
                                    view! {
                                        <nav class="tasks" aria-label="业务">
                                            {(u.kind == UserKind::Regulator).then(|| view! { <a class="button" href="/cases">"许可证案件"</a> " " })}
                                            <a class="button primary" href="/dashboard">"监管统计与待办"</a> " "
                                            <a class="button" href="/maintenance">"信息维护"</a>
                                            " "
                                            <a class="button" href="/review">"注册审核"</a>
                                            " "
                                            <a class="button" href="/reports/annual">"年度报告"</a>
                                            {(u.kind == UserKind::Admin)
                                                .then(|| view! { " " <a class="button" href="/admin/users">"用户管理"</a> " " <a class="button" href="/admin/issuers">"发证机关设置"</a> })}
                                        </nav>
                                    }
                                })}
                            {(u.kind == UserKind::Enterprise).then(|| view! { <EnterpriseSummary /> })}
                            <SecuritySinceLastLogin />
                            <p class="form-links">
                                <a href="/account">"账号设置"</a> " · " <a href="/account/password">"修改密码"</a> " · " <a href=TOTP_PAGE>"身份验证器(动态验证码)"</a>
                                {(u.kind == UserKind::Enterprise).then(|| view! { " · " <a href="/team">"本单位用户"</a> })}
                            </p>
                            <HydrationMarker />
                        }
                            .into_any()
                    }
                    Ok(None) | Err(_) => view! {
                        <h1>"请先登录"</h1>
                        <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                        <HydrationMarker />
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The enterprise's status at a glance: information, licences, what waits for it.
#[cfg(whole_pages)]
#[component]
fn EnterpriseSummary() -> impl IntoView {
    use crate::api::enterprise_info::my_info;
    use crate::domain::enterprise_info::RecordStatus;
    let info = Resource::new(|| (), |_| my_info());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                info.await.ok().map(|v| {
                    let missing = v.issues.len();
                    view! {
                        <section class="glance" aria-labelledby="glance-title">
                            <h2 id="glance-title">"企业信息"</h2>
                            {v.lock.clone().map(|p| view! {
                                <p class="alert" role="alert">"待处理:" {p.organization} "申请修改企业信息,请确认或拒绝。" <a href="/info">"去处理"</a></p>
                            })}
                            <p>
                                "状态:" <strong class="info-status">{v.status.label(v.changing)}</strong>
                                {(v.status == RecordStatus::Draft && missing > 0).then(|| format!(",还有 {missing} 项待完善"))}
                                " " <a class="button primary" href="/info">{if v.status == RecordStatus::Draft { "完善信息" } else { "查看企业信息" }}</a>
                            </p>
                            {(!v.licences.is_empty()).then(|| crate::components::record::licence_list(v.licences.clone(), true))}
                            <p><a class="button" href="/licences">"许可证业务(申请、延期、变更、注销)"</a></p>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

/// What happened to the account since the previous login (locks, unlocks,
/// password and phone changes), so the holder notices what they did not do.
#[cfg(whole_pages)]
#[component]
fn SecuritySinceLastLogin() -> impl IntoView {
    let events = Resource::new(|| (), |_| security_events(false));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                events.await.ok().filter(|e| !e.is_empty()).map(|list| view! {
                    <section class="security-events" aria-labelledby="security-title">
                        <h2 id="security-title">"自上次登录以来的账号安全事件"</h2>
                        <ul>
                            {list.into_iter().map(|e| view! {
                                <li><span class="when">{e.at}</span> " " {e.summary} " (" {e.actor} ")"</li>
                            }).collect_view()}
                        </ul>
                        <p class="field-note">"如有不是您本人或本单位所为的事件,请立即修改密码并拨打客服电话。"</p>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// An open request to change this account's phone: shown at the top, with
/// a button that stops it, so the owner needs no SMS to object. Rendered by
/// the server; only an open request brings its (small) island.
#[cfg(whole_pages)]
#[component]
fn PendingPhoneChange() -> impl IntoView {
    use crate::api::phone::my_phone_change;
    let change = Resource::new(|| (), |_| my_phone_change());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                change.await.ok().flatten().map(|change| view! { <PendingPhoneChangeNotice change /> })
            })}
        </Suspense>
    }
}

#[cfg(any(whole_pages, island = "PendingPhoneChangeNotice"))]
#[cfg_attr(island = "PendingPhoneChangeNotice", island)]
#[cfg_attr(not(island = "PendingPhoneChangeNotice"), component)]
fn PendingPhoneChangeNotice(change: crate::api::phone::PhoneChangeView) -> impl IntoView {
    use crate::api::phone::CancelMyPhoneChange;
    let cancel = ServerAction::<CancelMyPhoneChange>::new();
    let open = move || !matches!(cancel.value().get(), Some(Ok(_)));
    view! {
        {move || cancel.value().get().map(|r| match r {
            Ok(m) => view! { <p class="notice success" role="status">{m}</p> }.into_any(),
            Err(e) => view! { <p class="alert" role="alert">{e.to_string()}</p> }.into_any(),
        })}
        <Show when=open>
            <section class="alert phone-change-pending" role="alert">
                <h2>"有人申请更换本账号的经办人手机号"</h2>
                <p>{format!("{} 申请将经办人手机号由 {} 更换为 {}。", change.submitted_at, change.old_mobile, change.new_mobile)} {change.explanation.clone()}</p>
                <p>"如果这不是本单位的申请,请立即取消:"</p>
                <ActionForm action=cancel>
                    <button type="submit" class="button primary">"取消这次更换"</button>
                </ActionForm>
            </section>
        </Show>
    }
}
