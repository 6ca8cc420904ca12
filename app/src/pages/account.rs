//! 修改密码: every user changes their own password (the current one is
//! required); a user on an administrator's password must do it first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::ChangePassword;
use crate::api::auth::current_user;
use crate::components::field::{ErrorSummary, FormState, PasswordChecklist, TextField};
use crate::components::HydrationMarker;
use crate::domain::password::PasswordError;
use crate::domain::{FieldErrors, Password};

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let query = use_query_map();
    let first = move || query.with(|q| q.get("first").as_deref() == Some("1"));
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="修改密码 - 危化品经营安全监管系统" />
        <h1>"修改密码"</h1>
        <Show when=first>
            <p class="alert" role="alert">"您的密码由系统管理员设置。请设置一个只有您本人知道的新密码;设置后才能办理业务。"</p>
        </Show>
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => view! { <PasswordForm login=u.login /> <HydrationMarker /> }.into_any(),
                    _ => view! {
                        <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                        <HydrationMarker />
                    }
                        .into_any(),
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
        let mut e = FieldErrors::new();
        if current.get_untracked().is_empty() {
            e.add("current", "请输入当前密码。");
        }
        let (p, c) = (password.get_untracked(), confirm.get_untracked());
        match Password::parse_confirmed(&p, &c, Some(&account)) {
            Ok(_) if p == current.get_untracked() => {
                e.add("password", "新密码不能与当前密码相同。")
            }
            Ok(_) => {}
            Err(PasswordError::Mismatch) => {
                e.add("password_confirm", PasswordError::Mismatch.to_string())
            }
            Err(err) => e.add("password", err.to_string()),
        }
        e
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
            <ErrorSummary form labels=vec![("current", "当前密码"), ("password", "新密码"), ("password_confirm", "确认新密码")] />
            <input type="hidden" name="username" value=login.clone() autocomplete="username" />
            <TextField name="current" label="当前密码" value=current form check input_type="password" autocomplete="current-password" maxlength=64 />
            <TextField name="password" label="新密码" value=password form check input_type="password" autocomplete="new-password" maxlength=64 />
            <PasswordChecklist password account=login.clone() />
            <TextField name="password_confirm" label="确认新密码" value=confirm form check input_type="password" autocomplete="new-password" maxlength=64 />
            <p class="field-hint">"修改后,您在其他设备和浏览器上的登录会全部退出。"</p>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "正在提交……" } else { "修改密码" }}
                </button>
            </div>
        </form>
    }
}
