//! 修改密码: every user changes their own password (the current one is
//! required); a user on an administrator's password must do it first.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::{begin_totp, ChangePassword, ConfirmTotp};
use crate::api::auth::current_user;
use crate::components::field::{
    ErrorSummary, FormState, PasswordChecklist, SubmitButton, TextField,
};
use crate::components::layout::ErrorNotice;
use crate::components::HydrationMarker;
use crate::domain::account::{
    check_totp_confirm, ChangePasswordField as P, ChangePasswordInput, TotpConfirmField as T,
};

#[cfg(whole_pages)]
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let query = use_query_map();
    let first = move || query.with(|q| q.get("first").as_deref() == Some("1"));
    view! {
        <Title text="修改密码 - 危化品经营安全监管系统" />
        <h1>"修改密码"</h1>
        <Show when=first>
            <p class="alert" role="alert">"您的密码由系统管理员设置。请设置一个只有您本人知道的新密码;设置后才能办理业务。"</p>
        </Show>
        <PasswordArea />
    }
}

#[cfg(any(whole_pages, island = "PasswordArea"))]
#[cfg_attr(island = "PasswordArea", island)]
#[cfg_attr(not(island = "PasswordArea"), component)]
fn PasswordArea() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => Either::Left(view! { <PasswordForm login=u.login /> <HydrationMarker /> }),
                    _ => Either::Right(view! {
                        <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                        <HydrationMarker />
                    }
                        ),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PasswordForm(login: String) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let action = ServerAction::<ChangePassword>::new();
    let form = FormState::for_action(action, |_| ());
    let account = login.clone();
    let check = Callback::new(move |_| {
        let typed = ChangePasswordInput {
            current: current.get_untracked(),
            password: password.get_untracked(),
            password_confirm: confirm.get_untracked(),
        };
        typed.validate(&account).err().unwrap_or_default()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            action.dispatch(ChangePassword {
                current: current.get_untracked(),
                password: password.get_untracked(),
                password_confirm: confirm.get_untracked(),
            });
        }
    };
    view! {
        <form class="form" action=ChangePassword::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=P::LABELS.to_vec() />
            <input type="hidden" name="username" value=login.clone() autocomplete="username" />
            <TextField field=P::Current value=current form check input_type="password" autocomplete="current-password" maxlength=64 />
            <TextField field=P::Password value=password form check input_type="password" autocomplete="new-password" maxlength=64 />
            <PasswordChecklist password account=login.clone() />
            <TextField field=P::Confirm value=confirm form check input_type="password" autocomplete="new-password" maxlength=64 />
            <p class="field-hint">"修改后,您在其他设备和浏览器上的登录会全部退出。"</p>
            <SubmitButton pending=action.pending() idle="修改密码" busy="正在提交……" />
        </form>
    }
}

/// `/account/totp`: enrol an authenticator app (required for regulators and
/// administrators, optional for enterprises) and receive recovery codes.
#[cfg(whole_pages)]
#[component]
pub fn TotpPage() -> impl IntoView {
    let query = use_query_map();
    let first = move || query.with(|q| q.get("first").as_deref() == Some("1"));
    view! {
        <Title text="身份验证器 - 危化品经营安全监管系统" />
        <h1>"身份验证器(动态验证码)"</h1>
        <Show when=first>
            <p class="alert" role="alert">"监管用户和系统管理员登录时,除密码外还要输入手机身份验证器App中的动态验证码。请先完成绑定,然后才能办理业务。"</p>
        </Show>
        <TotpEnrolment />
    }
}

/// The enrolment and, once confirmed, the recovery codes.
#[cfg(any(whole_pages, island = "TotpEnrolment"))]
#[cfg_attr(island = "TotpEnrolment", island)]
#[cfg_attr(not(island = "TotpEnrolment"), component)]
fn TotpEnrolment() -> impl IntoView {
    let enrolment = Resource::new(|| (), |_| begin_totp());
    let confirm = ServerAction::<ConfirmTotp>::new();
    let codes = move || confirm.value().get().and_then(Result::ok);
    view! {
        {move || codes().map(|list| view! {
            <section class="recovery-codes">
                <p class="notice success" role="status">"绑定成功。以后登录时请输入App中显示的动态验证码。"</p>
                <h2>"恢复码"</h2>
                <p>"手机丢失或App被删除时,可用下面的恢复码代替动态验证码登录,每个只能用一次。请现在抄写或打印,保存在安全的地方;离开本页后不再显示。"</p>
                <ul class="codes">{list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                <p><a class="button primary" href="/workspace">"我已保存,进入工作台"</a></p>
            </section>
        })}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            <HydrationMarker />
            {move || Suspend::new(async move {
                match enrolment.await {
                    Ok(e) if e.enrolled => EitherOf3::A(view! {
                        <p class="notice" role="status">{format!("已绑定身份验证器。还有 {} 个未用的恢复码。", e.recovery_codes_left)}</p>
                        <p><a href="/workspace">"返回工作台"</a></p>
                    }
                        ),
                    Ok(e) => EitherOf3::B(view! {
                        <Show when=move || codes().is_none()>
                            <ol class="totp-steps">
                                <li>"在手机上安装身份验证器App(如腾讯身份验证器、Microsoft Authenticator、Google Authenticator)。"</li>
                                <li>
                                    "用App扫描下面的二维码:"
                                    <div class="qr" aria-label="绑定二维码" role="img" inner_html=e.qr_svg.clone()></div>
                                    "无法扫描时,在App中选择“手动输入密钥”,输入:"
                                    <code class="totp-secret">{e.secret.clone()}</code>
                                </li>
                                <li>"输入App中显示的6位动态码,完成绑定。"</li>
                            </ol>
                            <ConfirmTotpForm confirm />
                        </Show>
                    }
                        ),
                    Err(e) => EitherOf3::C(view! {
                        <ErrorNotice error=e />
                        <p><a href="/login">"前往登录"</a></p>
                    }
                        ),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConfirmTotpForm(confirm: ServerAction<ConfirmTotp>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let current = RwSignal::new(String::new());
    let form = FormState::for_action(confirm, |_| ());
    let check = Callback::new(move |_| {
        check_totp_confirm(&current.get_untracked(), &code.get_untracked())
            .err()
            .unwrap_or_default()
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            confirm.dispatch(ConfirmTotp {
                current: current.get_untracked(),
                code: code.get_untracked(),
            });
        }
    };
    view! {
        <form class="form" action=ConfirmTotp::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=T::LABELS.to_vec() />
            <TextField field=T::Current value=current form check input_type="password" autocomplete="current-password" maxlength=64 />
            <TextField field=T::Code value=code form check maxlength=10 autocomplete="one-time-code" input_type="text" />
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || confirm.pending().get()>"完成绑定"</button>
            </div>
        </form>
    }
}
