//! 忘记密码: request a code, then set a new password.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::recovery::{reset_target, ResetPassword, SendResetCode};
use crate::components::field::{
    countdown, ErrorSummary, FormState, PasswordChecklist, SubmitButton, TextField,
};
use crate::components::help::HelpTip;
use crate::components::layout::ErrorNotice;
use crate::components::HydrationMarker;
use crate::domain::account::{ResetField as F, ResetInput, ResetRequestField};
use crate::domain::help::manual;
use crate::domain::{CreditCode, FieldErrors};
use crate::url::with_account;

fn account_errors(account: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    match CreditCode::parse(account) {
        Ok(_) => {}
        Err(err) if err.manual_review_possible() => {}
        Err(err) => e.add(ResetRequestField::Account, err.to_string()),
    }
    e
}

#[cfg(whole_pages)]
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let account = Memo::new(move |_| query.with(|q| q.get("account").unwrap_or_default()));
    let sent = Memo::new(move |_| query.with(|q| q.get("sent").as_deref() == Some("1")));
    view! {
        <Title text="忘记密码 - 危化品经营安全监管系统" />
        <h1>"忘记密码 " <HelpTip link=manual::FORGOT topic="找回密码" /></h1>
        <p class="field-note">"这里找回的是注册经办人(首位管理员)的密码。本单位管理员邀请的其他用户忘记密码或换了手机,请本单位管理员在“本单位用户”中为您重置:一次性链接只发到您本人的手机。"</p>
        <ol class="steps" aria-label="找回步骤">
            <li class:current=move || !sent.get() class:done=move || sent.get()><span class="step-no">"1"</span>"获取验证码"</li>
            <li class:current=move || sent.get()><span class="step-no">"2"</span>"设置新密码"</li>
        </ol>
        {move || {
            if sent.get() && !account.get().is_empty() {
                view! { <ResetStep account=account.get() /> }.into_any()
            } else {
                view! { <RequestStep initial=account.get() /> }.into_any()
            }
        }}
    }
}

#[cfg(any(whole_pages, island = "RequestStep"))]
#[cfg_attr(island = "RequestStep", island)]
#[cfg_attr(not(island = "RequestStep"), component)]
fn RequestStep(initial: String) -> impl IntoView {
    let account = RwSignal::new(initial);
    let action = ServerAction::<SendResetCode>::new();
    let form = FormState::for_action(action, |_| ());
    let check = Callback::new(move |_| account_errors(&account.get_untracked()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            action.dispatch(SendResetCode {
                account: account.get_untracked(),
            });
        }
    };
    view! {
        <HydrationMarker />
        <form class="form" action=SendResetCode::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=ResetRequestField::LABELS.to_vec() />
            <TextField
                field=ResetRequestField::Account
                value=account
                form
                check
                autocomplete="username"
                maxlength=40
                hint="验证码将发送到注册时填写的经办人手机。"
            />
            <SubmitButton pending=action.pending() idle="获取验证码" busy="正在发送……" />
            <p class="form-links">
                <a href=move || with_account("/change-phone", &account.get())>"手机号码无法接收短信?"</a>
            </p>
        </form>
    }
}

#[cfg(any(whole_pages, island = "ResetStep"))]
#[cfg_attr(island = "ResetStep", island)]
#[cfg_attr(not(island = "ResetStep"), component)]
fn ResetStep(account: String) -> impl IntoView {
    let target = {
        let account = account.clone();
        Resource::new(move || account.clone(), reset_target)
    };
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    let action = ServerAction::<ResetPassword>::new();
    let resend = ServerAction::<SendResetCode>::new();
    let form = FormState::for_action(action, |_| ());
    let check = {
        let account = account.clone();
        Callback::new(move |_| {
            let typed = ResetInput {
                code: code.get_untracked(),
                password: password.get_untracked(),
                password_confirm: password_confirm.get_untracked(),
            };
            typed.validate(&account).err().unwrap_or_default()
        })
    };
    let on_submit = {
        let account = account.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if form.validate(check) {
                action.dispatch(ResetPassword {
                    account: account.clone(),
                    code: code.get_untracked(),
                    password: password.get_untracked(),
                    password_confirm: password_confirm.get_untracked(),
                });
            }
        }
    };
    // Exactly what happened, and a countdown to the next code.
    let wait = countdown(resend, |d| d.retry_in);
    let change_phone = with_account("/change-phone", &account);
    let resent = move || match resend.value().get() {
        Some(Ok(d)) if d.sent => Some((
            false,
            format!("已重新发送验证码至 {},5分钟内有效。", d.mobile_masked),
        )),
        Some(Ok(d)) => Some((
            false,
            format!(
                "没有发送新的验证码:{} 刚刚已收到一条,仍然有效,请先查看短信。",
                d.mobile_masked
            ),
        )),
        Some(Err(e)) => Some((true, e.to_string())),
        None => None,
    };
    view! {
        <HydrationMarker />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match target.await {
                    Ok(t) => Either::Left(view! {
                        <p class="notice" role="status">
                            "验证码已发送至经办人手机 " <strong class="masked-mobile">{t.mobile_masked}</strong> ",5分钟内有效。"
                        </p>
                    }
                        ),
                    Err(e) => Either::Right(view! { <ErrorNotice error=e /> }),
                }
            })}
        </Suspense>
        <form class="form" action=ResetPassword::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=F::LABELS.to_vec() />
            <input type="hidden" name="account" value=account.clone() autocomplete="username" />
            <TextField field=F::Code value=code form check input_type="text" autocomplete="one-time-code" maxlength=10 />
            <TextField
                field=F::Password
                value=password
                form
                check
                input_type="password"
                autocomplete="new-password"
                maxlength=64
            />
            <PasswordChecklist password account=account.clone() />
            <TextField
                field=F::Confirm
                value=password_confirm
                form
                check
                input_type="password"
                autocomplete="new-password"
                maxlength=64
            />
            <SubmitButton pending=action.pending() idle="重置密码" busy="正在提交……" />
        </form>
        <ActionForm action=resend attr:class="inline">
            <input type="hidden" name="account" value=account.clone() />
            <button type="submit" class="button link" disabled=move || { wait.get() > 0 || resend.pending().get() }>
                {move || match wait.get() {
                    0 => "没收到?重新获取验证码".to_string(),
                    n => format!("{n}秒后可重新获取验证码"),
                }}
            </button>
        </ActionForm>
        {move || resent().map(|(error, m)| {
            view! { <p class=if error { "field-error" } else { "field-note" } role="status">{m}</p> }
        })}
        <details class="help">
            <summary>"手机号码无法接收短信?"</summary>
            <p>
                "经办人手机号已停用或更换时,请先"
                <a href=change_phone>"更换经办人手机号"</a>
                ":核对企业名称和法定代表人证件号码,并用新手机号接收验证码。"
            </p>
        </details>
    }
}
