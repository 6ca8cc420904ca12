//! 手机号码无法接收短信? Ask to change the handler's phone; follow the
//! request on its status page; the phone on file cancels it from its own page.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use leptos_router::hooks::use_query_map;

use crate::api::phone::{
    phone_change_progress, phone_change_to_cancel, CancelPhoneChange, ChangePhone, PhoneChangeView,
    SendPhoneCode, SubmitPhoneEvidence, WithdrawPhoneChange,
};
use crate::components::field::{ErrorSummary, FormState, SendCodeButton, TextField};
use crate::components::help::HelpTip;
use crate::components::layout::ErrorNotice;
use crate::components::{prop_getter, HydrationMarker};
use crate::domain::help::manual;
use crate::domain::id_document::parse_any_id_number;
use crate::domain::phone_change::{EvidenceDocument, PhoneChangeField as F, PhoneChangeStatus};
use crate::domain::registration::parse_enterprise_name;
use crate::domain::{CreditCode, FieldErrors, Mobile, SmsCode};
use crate::pages::loaded;

fn check(account: &str, name: &str, id: &str, mobile: &str, code: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    if let Err(err) = CreditCode::parse(account) {
        if !err.manual_review_possible() {
            e.add(F::Account, err.to_string());
        }
    }
    e.take(F::EnterpriseName, parse_enterprise_name(name));
    e.take(F::IdNumber, parse_any_id_number(id, crate::clock::today()));
    e.take(F::NewMobile, Mobile::parse(mobile));
    e.take(F::SmsCode, SmsCode::parse(code));
    e
}

#[cfg(whole_pages)]
#[component]
pub fn ChangePhonePage() -> impl IntoView {
    // The account typed on the page before, carried in the link.
    let carried = use_query_map().with_untracked(|q| q.get("account").unwrap_or_default());
    view! { <ChangePhoneForm carried /> }
}

#[cfg(any(whole_pages, island = "ChangePhoneForm"))]
#[cfg_attr(island = "ChangePhoneForm", island)]
#[cfg_attr(not(island = "ChangePhoneForm"), component)]
fn ChangePhoneForm(carried: String) -> impl IntoView {
    let account = RwSignal::new(carried);
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
                // Everything but the code itself: nobody waits for an SMS
                // only to learn that the ID number had a typo.
                .filter(|(k, _)| k != F::SmsCode.name())
                .collect(),
        );
        if !blocking.is_empty() {
            form.errors.set(blocking);
            return;
        }
        send.dispatch(SendPhoneCode {
            account: account.get_untracked(),
            new_mobile: new_mobile.get_untracked(),
            enterprise_name: name.get_untracked(),
            id_number: id_number.get_untracked(),
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
            <p class="form-intro">"经办人手机号停用或更换时,请核对以下企业信息,并用新手机号接收验证码。为防止他人冒用企业信息,申请提交后会立即以短信告知原手机号,原手机号可随时取消:登记机关核验一致的,公示24小时后生效;登记机关无法确认的,需上传营业执照、法人授权书和新经办人身份证件,人工审核通过并公示后生效。"</p>
            <form class="form" action=ChangePhone::url() method="post" novalidate on:submit=on_submit>
                <ErrorSummary form labels=F::LABELS.to_vec() />
                <TextField field=F::Account value=account form check maxlength=40 autocomplete="username" />
                <TextField field=F::EnterpriseName value=name form check maxlength=120 />
                <TextField field=F::IdNumber value=id_number form check maxlength=40 autocomplete="off" />
                <TextField field=F::NewMobile value=new_mobile form check input_type="tel" maxlength=20 />
                <SendCodeButton action=send on_click=Callback::new(send_code) />
                <TextField field=F::SmsCode value=sms_code form check maxlength=10 autocomplete="one-time-code" />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || change.pending().get()>"确认更换"</button>
                </div>
            </form>
        </Show>
    }
}

/// The facts of a request, as both of its pages show them.
#[component]
fn ChangeFacts(v: PhoneChangeView) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>"企业"</dt><dd>{v.enterprise_name.clone()}</dd>
            <dt>"统一社会信用代码"</dt><dd>{v.credit_code.clone()}</dd>
            <dt>"原手机号"</dt><dd>{if v.old_mobile.is_empty() { "未登记".to_string() } else { v.old_mobile.clone() }}</dd>
            <dt>"新手机号"</dt><dd>{v.new_mobile.clone()}</dd>
            <dt>"申请时间"</dt><dd>{v.submitted_at.clone()}</dd>
            <dt>"状态"</dt><dd class="status">{v.status.label()}</dd>
        </dl>
        <p class="notice" role="status">{v.explanation.clone()}</p>
    }
}

/// The outcome of an action as a notice (success or the error).
fn outcome<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Error = crate::error::AppError, Output = String> + Clone + Send + Sync + 'static,
{
    move || {
        action.value().get().map(|r| match r {
            Ok(m) => view! { <p class="notice success" role="status">{m}</p> }.into_any(),
            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
        })
    }
}

/// `/change-phone/status?r=…`: where the requester's change stands, and the
/// documents a review needs.
#[cfg(whole_pages)]
#[component]
pub fn PhoneChangeStatusPage() -> impl IntoView {
    let token = crate::pages::query_text("r");
    move || view! { <PhoneChangeProgress token=token() /> }
}

#[cfg(any(whole_pages, island = "PhoneChangeProgress"))]
#[cfg_attr(island = "PhoneChangeProgress", island)]
#[cfg_attr(not(island = "PhoneChangeProgress"), component)]
fn PhoneChangeProgress(token: String) -> impl IntoView {
    let token = prop_getter(token);
    let submit = ServerAction::<SubmitPhoneEvidence>::new();
    let withdraw = ServerAction::<WithdrawPhoneChange>::new();
    let uploaded = RwSignal::new(0u32);
    let state = Resource::new(
        move || {
            (
                token(),
                submit.version().get(),
                withdraw.version().get(),
                uploaded.get(),
            )
        },
        |(t, ..)| phone_change_progress(t),
    );
    view! {
        <Title text="更换手机号申请进度 - 危化品经营安全监管系统" />
        <h1>"更换经办人手机号:申请进度 " <HelpTip link=manual::CHANGE_PHONE topic="更换经办人手机号" /></h1>
        {outcome(submit)}
        {outcome(withdraw)}
        {loaded("正在读取申请……", state, move |v| {
            let r = token();
            let evidence = (v.status == PhoneChangeStatus::Evidence).then(|| {
                let r2 = r.clone();
                view! {
                    <section class="evidence">
                        <h2>"证明材料"</h2>
                        <p class="form-intro">"每类材料可上传PDF、JPG或PNG文件(每个不超过5MB)。材料只供审核的监管部门查看。"</p>
                        {EvidenceDocument::ALL
                            .into_iter()
                            .map(|d| {
                                let names: Vec<String> = v
                                    .evidence
                                    .iter()
                                    .filter(|e| e.document == d)
                                    .map(|e| e.name.clone())
                                    .collect();
                                view! { <EvidenceField token=r.clone() document=d names uploaded /> }
                            })
                            .collect_view()}
                        <ActionForm action=submit>
                            <input type="hidden" name="r" value=r2 />
                            <button type="submit" class="button primary">"提交审核"</button>
                        </ActionForm>
                    </section>
                }
            });
            let open = v.status.is_open().then(|| {
                view! {
                    <ActionForm action=withdraw>
                        <input type="hidden" name="r" value=r.clone() />
                        <button type="submit" class="button">"撤回申请"</button>
                    </ActionForm>
                }
            });
            view! { <ChangeFacts v=v.clone() /> {evidence} {open} }
        })}
        <p><a href="/login">"返回登录"</a></p>
    }
}

/// One kind of document: what is uploaded, and a file input for more.
#[component]
fn EvidenceField(
    token: String,
    document: EvidenceDocument,
    names: Vec<String>,
    uploaded: RwSignal<u32>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = format!("f-evidence-{}", document.code());
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use crate::components::upload::{check_file, chosen_file, send_file};
            let Some(file) = chosen_file(&ev) else {
                return;
            };
            if let Err(m) = check_file(&file, "证明材料") {
                error.set(Some(m));
                return;
            }
            busy.set(true);
            let url = format!(
                "/files/phone-evidence?r={}&document={}",
                crate::url::urlencode(&token),
                document.code()
            );
            leptos::task::spawn_local(async move {
                let result = send_file(&url, file).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        error.set(None);
                        uploaded.update(|n| *n += 1);
                    }
                    Err(m) => error.set(Some(m)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (ev, &token, uploaded, busy);
        }
    };
    let msg_id = format!("{id}-msg");
    let msg_id2 = msg_id.clone();
    view! {
        <div class="field">
            <label for=id.clone()>{document.label()}</label>
            <input
                id=id.clone()
                type="file"
                accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                on:change=on_change
                aria-describedby=move || error.get().is_some().then(|| msg_id.clone())
            />
            {move || busy.get().then(|| view! { <p class="field-note" role="status">"正在上传……"</p> })}
            {(!names.is_empty()).then(|| view! { <p class="field-note">"已上传:" {names.join("、")}</p> })}
            {move || error.get().map(|m| view! { <p class="field-error" id=msg_id2.clone() role="alert">{m}</p> })}
        </div>
    }
}

/// `/change-phone/cancel?t=…`: the phone on file stops a change it did not ask for.
#[cfg(whole_pages)]
#[component]
pub fn PhoneChangeCancelPage() -> impl IntoView {
    let token = crate::pages::query_text("t");
    move || view! { <PhoneChangeCancel token=token() /> }
}

#[cfg(any(whole_pages, island = "PhoneChangeCancel"))]
#[cfg_attr(island = "PhoneChangeCancel", island)]
#[cfg_attr(not(island = "PhoneChangeCancel"), component)]
fn PhoneChangeCancel(token: String) -> impl IntoView {
    let token = prop_getter(token);
    let cancel = ServerAction::<CancelPhoneChange>::new();
    let state = Resource::new(
        move || (token(), cancel.version().get()),
        |(t, _)| phone_change_to_cancel(t),
    );
    view! {
        <Title text="取消更换手机号 - 危化品经营安全监管系统" />
        <h1>"取消更换经办人手机号"</h1>
        {outcome(cancel)}
        {loaded("正在读取申请……", state, move |v| {
            let action = v.status.is_open().then(|| view! {
                <p>"如果这不是本单位提出的申请,请点击下面的按钮取消,手机号将不会更换。"</p>
                <ActionForm action=cancel>
                    <input type="hidden" name="t" value=token() />
                    <button type="submit" class="button primary">"取消这次更换"</button>
                </ActionForm>
            });
            view! { <ChangeFacts v /> {action} }
        })}
    }
}
