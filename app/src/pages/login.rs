//! 登录: 法人用户登录 and 监管用户登录 on one page.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{Login, SendUnlockCode};
use crate::components::field::{ErrorSummary, FormState, SendCodeButton, SubmitButton, TextField};
use crate::components::help::HelpTip;
use crate::components::HydrationMarker;
use crate::domain::account::{check_login, LoginField as L, STAFF_ACCOUNT_LABEL};
use crate::domain::help::manual;
use crate::url::with_account;

#[cfg(whole_pages)]
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let regulator =
        Memo::new(move |_| query.with(|q| q.get("tab").as_deref() == Some("regulator")));
    view! {
        <Title text="登录 - 危化品经营安全监管系统" />
        <h1>
            "登录 "
            {move || {
                let (link, topic) = if regulator.get() {
                    (manual::LOGIN_REGULATOR, "监管用户登录")
                } else {
                    (manual::LOGIN_ENTERPRISE, "企业登录")
                };
                view! { <HelpTip link topic /> }
            }}
        </h1>
        <nav class="tabs" aria-label="登录方式">
            <a href="/login" class:active=move || !regulator.get() aria-current=move || (!regulator.get()).then_some("page")>
                "法人用户登录"
            </a>
            <a href="/login?tab=regulator" class:active=move || regulator.get() aria-current=move || regulator.get().then_some("page")>
                "监管用户登录"
            </a>
        </nav>
        <Show when=move || query.with(|q| q.get("reset").as_deref() == Some("1"))>
            <p class="notice success" role="status">"密码已重置,请使用新密码登录。"</p>
        </Show>
        {move || {
            let initial = query.with_untracked(|q| q.get("account").unwrap_or_default());
            view! { <LoginForm regulator=regulator.get() initial /> }
        }}
    }
}

#[cfg(any(whole_pages, island = "LoginForm"))]
#[cfg_attr(island = "LoginForm", island)]
#[cfg_attr(not(island = "LoginForm"), component)]
fn LoginForm(
    regulator: bool,
    /// The account carried from the page before (after a reset, say).
    initial: String,
) -> impl IntoView {
    let account = RwSignal::new(initial);
    let password = RwSignal::new(String::new());
    let unlock = RwSignal::new(String::new());
    let totp = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let action = ServerAction::<Login>::new();
    let send = ServerAction::<SendUnlockCode>::new();
    let form = FormState::for_action(action, |_| ());
    form.follow(send, |_| ());
    // A locked enterprise account asks for a code sent to the phone on file.
    let locked = move || {
        !regulator
            && (form.errors.with(|e| e.get(L::UnlockCode.name()).is_some())
                || send.value().with(Option::is_some)
                || !unlock.with(String::is_empty))
    };
    // Regulators and administrators always have a second factor; an
    // enterprise that chose one is asked for it by the server.
    let asks_totp = move || {
        regulator
            || form.errors.with(|e| e.get(L::Totp.name()).is_some())
            || !totp.with(String::is_empty)
    };
    let send_unlock = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        send.dispatch(SendUnlockCode {
            account: account.get_untracked(),
        });
    };
    let check = Callback::new(move |_| {
        check_login(
            regulator,
            &account.get_untracked(),
            &member.get_untracked(),
            &password.get_untracked(),
        )
        .err()
        .unwrap_or_default()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            action.dispatch(Login {
                tab: if regulator { "regulator" } else { "enterprise" }.into(),
                account: account.get_untracked(),
                password: password.get_untracked(),
                unlock_code: unlock.get_untracked(),
                totp: totp.get_untracked(),
                member: member.get_untracked(),
            });
        }
    };
    let (label, hint) = if regulator {
        (
            STAFF_ACCOUNT_LABEL,
            "监管部门和系统管理员使用管理员分配的用户名登录。",
        )
    } else {
        (
            L::Account.label(),
            "企业的登录账号就是营业执照上的18位统一社会信用代码;空格、全角字符和大小写会自动处理。",
        )
    };
    // The account's label is the tab's.
    let labels = L::LABELS
        .iter()
        .map(|&(name, l)| (name, if name == L::Account.name() { label } else { l }))
        .collect::<Vec<_>>();
    view! {
        <HydrationMarker />
        <form class="form" action=Login::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels />
            <input type="hidden" name="tab" value=if regulator { "regulator" } else { "enterprise" } />
            <TextField field=(L::Account.name(), label) value=account form check hint=hint autocomplete="username" maxlength=40 />
            {(!regulator).then(|| view! {
                <TextField
                    field=L::Member
                    value=member
                    form
                    check
                    maxlength=40
                    autocomplete="off"
                    hint="本单位管理员邀请的用户填写自己的手机号或用户名;注册时的经办人(首位管理员)不填。"
                />
            })}
            <TextField field=L::Password value=password form check input_type="password" autocomplete="current-password" maxlength=64 />
            {move || asks_totp().then(|| view! {
                <TextField
                    field=L::Totp
                    value=totp
                    form
                    check
                    maxlength=12
                    autocomplete="one-time-code"
                    hint="身份验证器App中显示的6位数字;手机丢失时可输入一个恢复码。首次登录尚未绑定的账号不用填,登录后按提示绑定。"
                />
            })}
            {move || locked().then(|| view! {
                <SendCodeButton action=send on_click=Callback::new(send_unlock) label="获取解锁验证码" />
                <TextField field=L::UnlockCode value=unlock form check maxlength=10 autocomplete="one-time-code" />
            })}
            <SubmitButton pending=action.pending() idle="登录" busy="正在登录……" />
            <p class="form-links">
                {(!regulator)
                    .then(|| {
                        view! {
                            <a href=move || with_account("/forgot-password", &account.get())>"忘记密码?"</a>
                            " · "
                            <a href=move || with_account("/change-phone", &account.get())>"手机号码无法接收短信?"</a>
                            " · "
                            <a href="/register">"没有账号?企业注册"</a>
                        }
                    })}
            </p>
        </form>
    }
}
