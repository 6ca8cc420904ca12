//! 手机号码无法接收短信? Change the handler's phone by proving who one is.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::api::phone::{ChangePhone, SendPhoneCode};
use crate::components::field::{ErrorSummary, FormState, SendCodeButton, TextField};
use crate::components::help::HelpTip;
use crate::components::HydrationMarker;
use crate::domain::help::manual;
use crate::domain::normalize::normalize_code;
use crate::domain::registration::parse_enterprise_name;
use crate::domain::{CreditCode, FieldErrors, Mobile, SmsCode};

fn check(account: &str, name: &str, id: &str, mobile: &str, code: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    if let Err(err) = CreditCode::parse(account) {
        if !err.manual_review_possible() {
            e.add("account", err.to_string());
        }
    }
    e.take("enterprise_name", parse_enterprise_name(name));
    if normalize_code(id).is_empty() {
        e.add("id_number", "请输入法定代表人的证件号码。");
    }
    e.take("new_mobile", Mobile::parse(mobile));
    e.take("sms_code", SmsCode::parse(code));
    e
}

#[component]
pub fn ChangePhonePage() -> impl IntoView {
    let account = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let new_mobile = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let change = ServerAction::<ChangePhone>::new();
    let send = ServerAction::<SendPhoneCode>::new();
    let form = FormState::for_action(change, |_| ());
    form.follow(send, |_| ());
    let check = Callback::new(move |_| {
        check(
            &account.get_untracked(),
            &name.get_untracked(),
            &id_number.get_untracked(),
            &new_mobile.get_untracked(),
            &sms_code.get_untracked(),
        )
    });
    let send_code = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let errors = check.run(());
        let blocking: FieldErrors = FieldErrors(
            errors
                .0
                .into_iter()
                .filter(|(k, _)| k == "account" || k == "new_mobile")
                .collect(),
        );
        if !blocking.is_empty() {
            form.errors.set(blocking);
            return;
        }
        send.dispatch(SendPhoneCode {
            account: account.get_untracked(),
            new_mobile: new_mobile.get_untracked(),
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.validate(check) {
            change.dispatch(ChangePhone {
                account: account.get_untracked(),
                enterprise_name: name.get_untracked(),
                id_number: id_number.get_untracked(),
                new_mobile: new_mobile.get_untracked(),
                sms_code: sms_code.get_untracked(),
            });
        }
    };
    let done = move || change.value().get().and_then(Result::ok);
    view! {
        <Title text="更换经办人手机号 - 危化品经营安全监管系统" />
        <h1>"手机号码无法接收短信? " <HelpTip link=manual::CHANGE_PHONE topic="更换经办人手机号" /></h1>
        <HydrationMarker />
        <Show
            when=move || done().is_none()
            fallback=move || view! { <p class="notice success" role="status">{done()}</p> <p><a href="/login">"返回登录"</a></p> }
        >
            <p class="form-intro">"经办人手机号停用或更换时,请核对以下企业信息,并用新手机号接收验证码。核对通过后立即更换;登记机关暂时无法确认时,转人工审核(一个工作日内)。"</p>
            <form class="form" action=ChangePhone::url() method="post" novalidate on:submit=on_submit>
                <ErrorSummary
                    form
                    labels=vec![
                        ("account", "账号(统一社会信用代码)"),
                        ("enterprise_name", "企业名称"),
                        ("id_number", "法定代表人证件号码"),
                        ("new_mobile", "新手机号"),
                        ("sms_code", "短信验证码"),
                    ]
                />
                <TextField name="account" label="账号(统一社会信用代码)" value=account form check maxlength=40 autocomplete="username" />
                <TextField name="enterprise_name" label="企业名称" value=name form check maxlength=120 />
                <TextField name="id_number" label="法定代表人证件号码" value=id_number form check maxlength=40 autocomplete="off" />
                <TextField name="new_mobile" label="新手机号" value=new_mobile form check input_type="tel" maxlength=20 />
                <SendCodeButton action=send on_click=Callback::new(send_code) />
                <TextField name="sms_code" label="短信验证码" value=sms_code form check maxlength=10 autocomplete="one-time-code" />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || change.pending().get()>"确认更换"</button>
                </div>
            </form>
        </Show>
    }
}
