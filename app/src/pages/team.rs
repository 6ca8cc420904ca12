//! 本单位用户 (an enterprise's users and their roles), the page an
//! invitation or reset link opens (设置密码), and 账号设置 (everyone's own
//! account: name, mobile, password, second factor, logins, security events).
//!
//! /team is rendered by the server: its buttons are plain posts, and only
//! the forms that take a mobile number are islands. 设置密码 and 账号设置
//! are islands of `ActionForm`s: without JavaScript they post and the page
//! comes back; with it, the answer shows in place and the data reloads.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::account::security_events;
use crate::api::team::{
    account_overview, team_link, team_members, AcceptLink, AccountView, EndMemberSessions,
    EndOwnSession, InviteMember, LinkView, MemberView, OwnMobileCode, ResetMember, SetMemberActive,
    SetMemberRole, SetOwnMobile, SetOwnName, TeamView,
};
use crate::components::field::{
    aria_describedby_at, aria_invalid_at, form_refusal, keep_typed_in, message_at, FormState,
    PasswordChecklist, SendCodeButton,
};
use crate::components::layout::{refusal, ErrorNotice};
use crate::components::{
    plain_post_error, prop_getter, reload_after_success, reload_page_after_success, HydrationMarker,
};
use crate::domain::team::{parse_invitee, Role};
use crate::domain::{FieldErrors, Mobile};

/// A labelled input (`name`, label, `type` and `autocomplete`), with its
/// message (from the browser's check or the server); `node_ref` reads what
/// was typed, and `follow`, when given, follows it as it is typed (with
/// [`keep_typed_in`] on `node_ref` by the caller, also what was typed
/// before the page was live: only the islands that need it link it).
fn input(
    form: FormState,
    (name, label, kind, autocomplete): (&'static str, &'static str, &'static str, &'static str),
    id: String,
    value: String,
    node_ref: NodeRef<leptos::html::Input>,
    follow: Option<RwSignal<String>>,
) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || form.message(name).is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                node_ref=node_ref
                on:input=move |ev| {
                    if let Some(v) = follow {
                        v.set(event_target_value(&ev));
                    }
                }
                aria-invalid=aria_invalid_at(form, name.into())
                aria-describedby=aria_describedby_at(form, name.into())
            />
            {message_at(form, name.to_string())}
        </div>
    }
}

fn role_options(selected: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.code() selected=r == selected>{r.label()}</option> })
        .collect_view()
}

/// `/team`: the enterprise's users; a 管理员 manages them. Rendered by the
/// server (issue 13): 调整角色, 停用/重新启用 and 结束其登录 are plain posts
/// (the page they come back to says what was done or, from the address,
/// what was refused). The two forms that take a mobile number, 邀请用户 and
/// a user's 重置密码, are islands: they check it by the server's own rule
/// before sending and load the page again once done.
#[cfg(whole_pages)]
#[component]
pub fn TeamPage() -> impl IntoView {
    // A plain post that failed (also 邀请用户's or 重置密码's, sent before
    // its island was live) came back with its error in the address.
    let failed = plain_post_error::<SetMemberRole>()
        .or_else(plain_post_error::<SetMemberActive>)
        .or_else(plain_post_error::<EndMemberSessions>)
        .or_else(plain_post_error::<InviteMember>)
        .or_else(plain_post_error::<ResetMember>);
    let team = Resource::new(|| (), |_| team_members());
    view! {
        <Title text="本单位用户 - 危化品经营安全监管系统" />
        <h1>"本单位用户"</h1>
        {refusal(failed)}
        {crate::pages::loaded("正在加载……", team, team_table)}
    }
}

#[cfg(whole_pages)]
fn team_table(t: TeamView) -> impl IntoView {
    let manage = t.can_manage;
    let me = t.me;
    view! {
        <p>{format!("{}(统一社会信用代码 {})", t.enterprise, t.credit_code)}</p>
        <dl class="which-case roles">
            {Role::ALL.into_iter().map(|r| view! { <dt>{r.label()}</dt><dd>{r.describe()}</dd> }).collect_view()}
        </dl>
        <p class="field-note">
            "注册时的经办人是首位管理员,用统一社会信用代码和密码登录;其他用户用统一社会信用代码、本人手机号(或用户名)和密码登录。本单位始终至少保留一名正常使用的管理员。"
        </p>
        {(!manage).then(|| view! { <p class="notice">"只有管理员可以邀请、停用用户或调整角色;如需调整,请联系本单位管理员。"</p> })}
        <table class="data team">
            <caption>"用户"</caption>
            <thead>
                <tr>
                    <th>"姓名"</th><th>"手机号"</th><th>"用户名"</th><th>"角色"</th><th>"状态"</th><th>"最近登录"</th>
                    {manage.then(|| view! { <th>"管理"</th> })}
                </tr>
            </thead>
            <tbody>
                {t.members.into_iter().map(|m| {
                    let (disabled, user) = (!m.active && !m.invited, m.id.to_string());
                    view! {
                        <tr class:disabled=disabled data-user=user>
                            <td>{m.name.clone()} {m.first.then(|| view! { <br/><small>"首位管理员(注册经办人)"</small> })} {(m.id == me).then(|| view! { <br/><small>"(我)"</small> })}</td>
                            <td>{m.mobile.clone()}</td>
                            <td>{m.username.clone()}</td>
                            <td class="role">{m.role.label()}</td>
                            <td class="status">{m.status.clone()}</td>
                            <td>{m.last_login.clone()} {(m.sessions > 0).then(|| view! { <br/><small>{format!("当前登录 {} 处", m.sessions)}</small> })}</td>
                            {manage.then(|| view! { <td class="actions">{member_actions(m.clone())}</td> })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {manage.then(|| view! { <InviteForm /> })}
    }
}

/// A 管理员's actions on one user: role, disable or enable, end logins (plain
/// posts), and a reset link to the user's new phone (an island).
#[cfg(whole_pages)]
fn member_actions(m: MemberView) -> impl IntoView {
    let id = m.id;
    let name = m.name.clone();
    let on = m.active || m.invited;
    view! {
        <form action=SetMemberRole::url() method="post" class="inline-form">
            <input type="hidden" name="user_id" value=id />
            <label class="sr-only" for=format!("role-{id}")>{format!("{name}的角色")}</label>
            <select id=format!("role-{id}") name="role">{role_options(m.role)}</select>
            <button type="submit" class="button">"调整角色"</button>
        </form>
        <form action=SetMemberActive::url() method="post" class="inline-form">
            <input type="hidden" name="user_id" value=id />
            <input type="hidden" name="active" value=if on { "false" } else { "true" } />
            <button type="submit" class="button">{if on { "停用" } else { "重新启用" }}</button>
        </form>
        {(m.sessions > 0).then(|| view! {
            <form action=EndMemberSessions::url() method="post" class="inline-form">
                <input type="hidden" name="user_id" value=id />
                <button type="submit" class="button">"结束其登录"</button>
            </form>
        })}
        {on.then(|| view! {
            <details class="reset">
                <summary>{if m.invited { "重发邀请" } else { "重置密码" }}</summary>
                <ResetForm user_id=id mobile=m.mobile />
            </details>
        })}
    }
}

/// The value typed into an input (empty before it is mounted).
fn typed(input: NodeRef<leptos::html::Input>) -> String {
    input.get_untracked().map(|i| i.value()).unwrap_or_default()
}

/// 重置密码 (or 重发邀请) of user `user_id`: the one-time link goes to the
/// mobile typed here, checked before sending.
#[cfg(any(whole_pages, island = "ResetForm"))]
#[cfg_attr(island = "ResetForm", island)]
#[cfg_attr(not(island = "ResetForm"), component)]
fn ResetForm(user_id: i64, mobile: String) -> impl IntoView {
    let reset = ServerAction::<ResetMember>::new();
    reload_page_after_success(reset);
    let form = FormState::for_island(reset, None);
    let mobile_input = NodeRef::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mobile = typed(mobile_input);
        let check = Callback::new({
            let mobile = mobile.clone();
            move |_| {
                let mut e = FieldErrors::new();
                e.take("mobile", Mobile::parse(&mobile));
                e
            }
        });
        if form.validate(check) {
            reset.dispatch(ResetMember { user_id, mobile });
        }
    };
    view! {
        <form class="reset-form" action=ResetMember::url() method="post" novalidate on:submit=on_submit>
            <input type="hidden" name="user_id" value=user_id />
            {input(form, ("mobile", "接收链接的手机号(本人新手机号)", "tel", "off"), format!("reset-mobile-{user_id}"), mobile, mobile_input, None)}
            <p class="field-hint">"一次性链接只发到这个手机号,由本人设置新密码;您看不到链接和密码。号码改变时,原手机会收到通知。"</p>
            {form_refusal(form, &["user_id"])}
            <button type="submit" class="button" disabled=move || reset.pending().get()>"发送链接"</button>
        </form>
    }
}

/// 邀请用户: name, mobile and role, checked before sending.
#[cfg(any(whole_pages, island = "InviteForm"))]
#[cfg_attr(island = "InviteForm", island)]
#[cfg_attr(not(island = "InviteForm"), component)]
fn InviteForm() -> impl IntoView {
    let invite = ServerAction::<InviteMember>::new();
    reload_page_after_success(invite);
    let form = FormState::for_island(invite, None);
    let (name_input, mobile_input) = (NodeRef::new(), NodeRef::new());
    let role_input = NodeRef::<leptos::html::Select>::new();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (name, mobile) = (typed(name_input), typed(mobile_input));
        let role = role_input
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_default();
        let check = Callback::new({
            let (name, mobile) = (name.clone(), mobile.clone());
            move |_| parse_invitee(&name, &mobile).err().unwrap_or_default()
        });
        if form.validate(check) {
            invite.dispatch(InviteMember { name, mobile, role });
        }
    };
    view! {
        <section aria-labelledby="invite-title">
            <h2 id="invite-title">"邀请用户"</h2>
            <form class="form invite-form" action=InviteMember::url() method="post" novalidate on:submit=on_submit>
                {input(form, ("name", "姓名", "text", "off"), "invite-name".into(), String::new(), name_input, None)}
                {input(form, ("mobile", "手机号(接收邀请短信)", "tel", "off"), "invite-mobile".into(), String::new(), mobile_input, None)}
                <div class="field" class:invalid=move || form.message("role").is_some()>
                    <label for="invite-role">"角色"</label>
                    <select id="invite-role" name="role" node_ref=role_input>{role_options(Role::Filler)}</select>
                    {message_at(form, "role".into())}
                </div>
                {form_refusal(form, &["user_id"])}
                <p class="field-hint">"对方会收到含一次性链接的短信(72小时内有效),打开后自行设置密码;管理员不设置、也看不到他人的密码。"</p>
                <button type="submit" class="button primary" disabled=move || invite.pending().get()>"发送邀请"</button>
            </form>
        </section>
    }
}

/// `/team/link?t=…`: the invited (or reset) user sets their own password.
#[cfg(whole_pages)]
#[component]
pub fn TeamLinkPage() -> impl IntoView {
    let token = crate::pages::query_text("t");
    move || view! { <TeamLinkArea token=token() /> }
}

#[cfg(any(whole_pages, island = "TeamLinkArea"))]
#[cfg_attr(island = "TeamLinkArea", island)]
#[cfg_attr(not(island = "TeamLinkArea"), component)]
fn TeamLinkArea(token: String) -> impl IntoView {
    let token = prop_getter(token);
    let link = Resource::new(token, team_link);
    view! {
        <Title text="设置密码 - 危化品经营安全监管系统" />
        <h1>"设置密码"</h1>
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match link.await {
                    Ok(l) => Either::Left(view! { <LinkForm l token=token() /><HydrationMarker /> }),
                    Err(e) => Either::Right(view! {
                        <ErrorNotice error=e />
                        <p><a class="button" href="/login">"前往登录"</a></p>
                        <HydrationMarker />
                    }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LinkForm(l: LinkView, token: String) -> impl IntoView {
    let accept = ServerAction::<AcceptLink>::new();
    let form = FormState::for_action(accept, |_| ());
    // Followed as typed (also before the island was live) by the checklist.
    let password = RwSignal::new(String::new());
    let password_input = NodeRef::new();
    keep_typed_in(password_input, password);
    // Changes once, on success: a refused sending keeps the form (and what
    // was typed in it).
    let done = Memo::new(move |_| accept.value().get().and_then(Result::ok));
    let code = l.credit_code.clone();
    view! {
        <dl class="profile">
            <dt>"单位"</dt><dd>{l.enterprise.clone()}</dd>
            <dt>"统一社会信用代码"</dt><dd>{l.credit_code.clone()}</dd>
            <dt>"姓名"</dt><dd>{l.name.clone()}</dd>
            <dt>"手机号"</dt><dd>{l.mobile.clone()}</dd>
            <dt>"角色"</dt><dd>{l.role.label()} <small>{format!("({})", l.role.describe())}</small></dd>
        </dl>
        {move || match done.get() {
            Some(m) => view! {
                <p class="notice success" role="status">{m}</p>
                <p><a class="button primary" href=format!("/login?account={}", code.clone())>"前往登录"</a></p>
            }.into_any(),
            None => {
                let (l, token) = (l.clone(), token.clone());
                view! {
                <ActionForm action=accept attr:class="form">
                    <input type="hidden" name="t" value=token.clone() />
                    <input type="hidden" name="account" autocomplete="username" value=l.credit_code.clone() />
                    {(l.invite && l.username.is_empty()).then(|| input(form, ("username", "用户名(选填,可代替手机号登录)", "text", "off"), "link-username".into(), String::new(), NodeRef::new(), None))}
                    {input(form, ("password", "新密码", "password", "new-password"), "link-password".into(), String::new(), password_input, Some(password))}
                    <PasswordChecklist password account=l.credit_code.clone() />
                    {input(form, ("password_confirm", "确认新密码", "password", "new-password"), "link-password-confirm".into(), String::new(), NodeRef::new(), None)}
                    {form_refusal(form, &[])}
                    <button type="submit" class="button primary">"设置密码"</button>
                </ActionForm>
            }.into_any()
            }
        }}
    }
}

/// `/account` (and `/settings`): 账号设置 for every user.
#[cfg(any(whole_pages, island = "AccountPage"))]
#[cfg_attr(island = "AccountPage", island)]
#[cfg_attr(not(island = "AccountPage"), component)]
pub fn AccountPage() -> impl IntoView {
    let reload = RwSignal::new(0);
    let flash = RwSignal::new(None::<String>);
    let account = Resource::new(move || reload.get(), |_| account_overview());
    let events = Resource::new(move || reload.get(), |_| security_events(true));
    view! {
        <Title text="账号设置 - 危化品经营安全监管系统" />
        <h1>"账号设置"</h1>
        {move || flash.get().map(|m| view! { <p class="notice success" role="status">{m}</p> })}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(a) => {
                        let events = events.await.unwrap_or_default();
                        Either::Left(view! { <Account a events reload flash /><HydrationMarker /> })
                    }
                    Err(e) => Either::Right(view! { <ErrorNotice error=e /><HydrationMarker /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Account(
    a: AccountView,
    events: Vec<crate::api::account::SecurityEventView>,
    reload: RwSignal<i32>,
    flash: RwSignal<Option<String>>,
) -> impl IntoView {
    let name = ServerAction::<SetOwnName>::new();
    let end = ServerAction::<EndOwnSession>::new();
    reload_after_success(name, reload, move |m| flash.set(Some(m)));
    reload_after_success(end, reload, move |m| flash.set(Some(m)));
    let name_form = FormState::for_action(name, |_| ());
    let others = a.sessions.iter().filter(|s| !s.current).count();
    view! {
        <dl class="profile account">
            <dt>"单位"</dt><dd>{a.belongs_to.clone()}</dd>
            <dt>"角色"</dt><dd>{a.role.clone()}</dd>
            <dt>"登录方式"</dt><dd>{a.login.clone()}</dd>
            <dt>"手机号"</dt><dd class="mobile">{if a.mobile.is_empty() { "未登记".to_string() } else { a.mobile.clone() }}</dd>
            <dt>"身份验证器"</dt><dd>{if a.totp { "已绑定" } else { "未绑定" }} " " <a href="/account/totp">{if a.totp { "管理" } else { "绑定" }}</a></dd>
            <dt>"密码"</dt><dd><a href="/account/password">"修改密码"</a></dd>
        </dl>
        <section aria-labelledby="name-title">
            <h2 id="name-title">"姓名"</h2>
            <ActionForm action=name attr:class="form inline">
                {input(name_form, ("name", "姓名", "text", "name"), "own-name".into(), a.name.clone(), NodeRef::new(), None)}
                {form_refusal(name_form, &[])}
                <button type="submit" class="button">"保存姓名"</button>
            </ActionForm>
        </section>
        <MobileForm reload flash />
        <section aria-labelledby="sessions-title">
            <h2 id="sessions-title">"登录设备"</h2>
            <table class="data sessions">
                <thead><tr><th>"设备"</th><th>"登录时间"</th><th>"最近活动"</th><th>"地址"</th><th></th></tr></thead>
                <tbody>
                    {a.sessions.into_iter().map(|s| view! {
                        <tr class:current=s.current>
                            <td>{s.device.clone()} {s.current.then(|| view! { <br/><small>"(当前设备)"</small> })}</td>
                            <td>{s.started}</td>
                            <td>{s.last_seen}</td>
                            <td>{s.ip}</td>
                            <td>
                                {(!s.current).then(|| view! {
                                    <ActionForm action=end attr:class="inline-form">
                                        <input type="hidden" name="id" value=s.id.clone() />
                                        <button type="submit" class="button">"结束此登录"</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(others > 0).then(|| view! {
                <ActionForm action=end attr:class="inline-form">
                    <input type="hidden" name="others" value="true" />
                    <button type="submit" class="button">"结束其他所有登录"</button>
                </ActionForm>
            })}
            {move || end.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
        </section>
        <section aria-labelledby="events-title">
            <h2 id="events-title">"近90天的账号安全事件"</h2>
            {if events.is_empty() {
                view! { <p class="empty">"暂无。"</p> }.into_any()
            } else {
                view! {
                    <ol class="security-events-list">
                        {events.into_iter().map(|e| view! { <li><span class="when">{e.at}</span> " " {e.summary} " · " {e.actor}</li> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// A new mobile: a code to the new phone, the current password; the old
/// phone is told.
#[component]
fn MobileForm(reload: RwSignal<i32>, flash: RwSignal<Option<String>>) -> impl IntoView {
    let code = ServerAction::<OwnMobileCode>::new();
    let set = ServerAction::<SetOwnMobile>::new();
    reload_after_success(set, reload, move |m| flash.set(Some(m)));
    let form = FormState::for_action(set, |_| ());
    form.follow(code, |_| ());
    // Followed as typed (also before the island was live): the code goes to it.
    let mobile = RwSignal::new(String::new());
    let mobile_input = NodeRef::new();
    keep_typed_in(mobile_input, mobile);
    let send = Callback::new(move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        code.dispatch(OwnMobileCode {
            mobile: mobile.get_untracked(),
        });
    });
    view! {
        <section aria-labelledby="mobile-title">
            <h2 id="mobile-title">"更换手机号"</h2>
            <ActionForm action=set attr:class="form mobile-form">
                {input(form, ("mobile", "新手机号", "tel", "tel"), "own-mobile".into(), String::new(), mobile_input, Some(mobile))}
                <SendCodeButton action=code on_click=send />
                {move || code.value().get().and_then(Result::ok).map(|c| view! { <p class="field-hint" role="status">{c.message}</p> })}
                {input(form, ("code", "短信验证码(发送到新手机)", "text", "one-time-code"), "own-mobile-code".into(), String::new(), NodeRef::new(), None)}
                {input(form, ("current", "当前密码", "password", "current-password"), "own-mobile-current".into(), String::new(), NodeRef::new(), None)}
                {form_refusal(form, &[])}
                <p class="field-hint">"更换后,原手机号会收到通知短信。"</p>
                <button type="submit" class="button">"更换手机号"</button>
            </ActionForm>
        </section>
    }
}
