//! 企业注册: step 1 机构信息, step 2 经办人与密码, then the submitted state.
//! Each step's form is an island of its own (its own bundle).
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::registration::{
    get_registration, RegistrationView, SaveOrgInfo, SendRegisterCode, SubmitAccount, Submitted,
};
use crate::clock::today;
use crate::components::field::{
    input_id, submitted_by, ErrorSummary, FormState, PasswordChecklist, SelectField,
    SendCodeButton, SubmitButton, TextField,
};
use crate::components::help::{message_with_help, HelpTip};
use crate::components::layout::ErrorNotice;
use crate::components::region_picker::RegionPicker;
use crate::components::{plain_post_error, reload_page_after_success, HydrationMarker};
use crate::domain::help::{manual, Faq};
use crate::domain::normalize::normalize_code;
use crate::domain::region::RegionLists;
use crate::domain::registration::{
    AccountInfoField as A, AccountInput, LegalType, OrgInfoField as O, OrgInfoInput, Verification,
    INDUSTRIES,
};
use crate::domain::{CreditCode, FieldErrors, IdDocType, Mobile};
use crate::error::AppError;

/// Where a registration is: what the page shows.
#[cfg(whole_pages)]
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Org,
    Account,
    Done,
}

/// `/register`: rendered by the server at the step the registration held
/// by this browser is at (a reload, or a plain post, comes back to it;
/// `?step=org` goes back to 机构信息). Each step's form is an island of its
/// own, started from what the server holds, and a step done loads the page
/// again: the next step. The submitted state needs no island.
#[cfg(whole_pages)]
#[component]
pub fn RegisterPage() -> impl IntoView {
    let edit_org = use_query_map().with_untracked(|q| q.get("step").as_deref() == Some("org"));
    // A plain post that failed (no JavaScript, or sent before the page was
    // live) came back with its error in the address: its form shows it.
    let org_failed = plain_post_error::<SaveOrgInfo>();
    let account_failed =
        plain_post_error::<SubmitAccount>().or_else(plain_post_error::<SendRegisterCode>);
    let data = Resource::new(|| (), |_| get_registration());
    view! {
        <Title text="企业注册 - 危化品经营安全监管系统" />
        <h1>"企业注册(法人用户)"</h1>
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || {
                let (org_failed, account_failed) = (org_failed.clone(), account_failed.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(v) => {
                            let step = if v.submitted.is_some() {
                                Step::Done
                            } else if v.org_accepted && !edit_org {
                                Step::Account
                            } else {
                                Step::Org
                            };
                            let body = match step {
                                Step::Org => EitherOf3::A(view! {
                                    // Back from 经办人与密码: the way there again, unchanged.
                                    {v.org_accepted.then(|| view! {
                                        <p><a href="/register">"不修改机构信息,返回“经办人与密码”"</a></p>
                                    })}
                                    <OrgStepForm org=v.org regions=v.regions failed=org_failed />
                                }),
                                Step::Account => EitherOf3::B(account_step(v, account_failed)),
                                Step::Done => EitherOf3::C(done(v.submitted)),
                            };
                            Either::Left(view! { {steps(step)} {body} <HydrationMarker /> })
                        }
                        Err(e) => Either::Right(view! { <ErrorNotice error=e /><HydrationMarker /> }),
                    }
                })
            }}
        </Suspense>
    }
}

#[cfg(whole_pages)]
fn steps(here: Step) -> impl IntoView {
    let steps = [
        (Step::Org, "机构信息"),
        (Step::Account, "经办人与密码"),
        (Step::Done, "提交完成"),
    ];
    let at = steps.iter().position(|(s, _)| *s == here).unwrap_or(0);
    view! {
        <ol class="steps" aria-label="注册步骤">
            {steps
                .iter()
                .enumerate()
                .map(|(i, (s, label))| {
                    view! {
                        <li class:current=*s == here class:done={i < at} aria-current=(*s == here).then_some("step")>
                            <span class="step-no">{i + 1}</span>
                            {*label}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// 机构信息: checked against the registry (or left to manual review).
#[cfg(any(whole_pages, island = "OrgStepForm"))]
#[cfg_attr(island = "OrgStepForm", island)]
#[cfg_attr(not(island = "OrgStepForm"), component)]
fn OrgStepForm(org: OrgInfoInput, regions: RegionLists, failed: Option<AppError>) -> impl IntoView {
    let init = org;
    let regions = RwSignal::new(regions);
    let legal_type = RwSignal::new(init.legal_type);
    let credit_code = RwSignal::new(init.credit_code);
    let enterprise_name = RwSignal::new(init.enterprise_name);
    let legal_rep_name = RwSignal::new(init.legal_rep_name);
    let id_doc_type = RwSignal::new(if init.id_doc_type.is_empty() {
        IdDocType::ResidentId.code().to_string()
    } else {
        init.id_doc_type
    });
    let id_doc_number = RwSignal::new(init.id_doc_number);
    let address = RwSignal::new(init.address);
    let region_code = RwSignal::new(init.region_code);
    let established = RwSignal::new(init.established);
    let industry = RwSignal::new(init.industry);
    let input = move || OrgInfoInput {
        address: address.get_untracked(),
        region_code: region_code.get_untracked(),
        established: established.get_untracked(),
        industry: industry.get_untracked(),
        legal_type: legal_type.get_untracked(),
        credit_code: credit_code.get_untracked(),
        enterprise_name: enterprise_name.get_untracked(),
        legal_rep_name: legal_rep_name.get_untracked(),
        id_doc_type: id_doc_type.get_untracked(),
        id_doc_number: id_doc_number.get_untracked(),
    };
    let check = Callback::new(move |_| input().validate(today()).err().unwrap_or_default());

    let action = ServerAction::<SaveOrgInfo>::new();
    // A step done loads the page again, which shows the next step.
    let form = FormState::for_island(action, failed);
    reload_page_after_success(action);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let manual = submitted_by(&ev, "manual_review");
        if !form.validate(check) {
            return;
        }
        let i = input();
        action.dispatch(SaveOrgInfo {
            legal_type: i.legal_type,
            credit_code: i.credit_code,
            enterprise_name: i.enterprise_name,
            legal_rep_name: i.legal_rep_name,
            id_doc_type: i.id_doc_type,
            id_doc_number: i.id_doc_number,
            address: i.address,
            region_province: String::new(),
            region_city: String::new(),
            region_county: i.region_code,
            established: i.established,
            industry: i.industry,
            manual_review: manual.then(|| "1".to_string()),
        });
    };

    let normalised_note = Signal::derive(move || {
        let raw = credit_code.get();
        let n = normalize_code(&raw);
        (!n.is_empty() && n != raw)
            .then(|| format!("将按“{n}”提交(已自动去除空格、转换全角字符和大小写)。"))
    });
    // A check-character failure must not dead-end: offer the manual-review path in place.
    let offer_manual = move || {
        legal_type.get() != LegalType::ManualReview.code()
            && form.message(O::CreditCode.name()).is_some()
            && CreditCode::parse(&credit_code.get()).is_err_and(|e| e.manual_review_possible())
    };
    let switch_to_manual = move |_| {
        legal_type.set(LegalType::ManualReview.code().to_string());
        form.errors.set(check.run(()));
    };

    let legal_types = LegalType::ALL
        .iter()
        .map(|t| (t.code(), t.label()))
        .collect::<Vec<_>>();
    let doc_types = IdDocType::ALL
        .iter()
        .map(|t| (t.code(), t.label()))
        .collect::<Vec<_>>();
    view! {
        <form class="form" action=SaveOrgInfo::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=O::LABELS.to_vec() />
            <h2 class="step-title">"机构信息" <HelpTip link=manual::REGISTER_ORG topic="填写机构信息" /></h2>
            <p class="form-intro">"请按营业执照填写。带空格或全角字符的代码会自动规范化。"</p>
            <SelectField
                field=O::LegalType
                value=legal_type
                form
                check
                options=legal_types
                hint="信息与登记机关数据核对不上、或代码校验不通过时,可选择“其它(人工审核)”,由管理员一个工作日内人工审核。"
            />
            <TextField
                field=O::CreditCode
                value=credit_code
                form
                check
                maxlength=40
                autocomplete="off"
                hint="营业执照上的18位代码,注册后即为登录账号。"
                note=normalised_note
            />
            {move || {
                form.message(O::CreditCode.name())
                    .filter(|m| m.help == Some(Faq::AlreadyRegistered))
                    .map(|_| {
                        let code = normalize_code(&credit_code.get_untracked());
                        view! {
                            <p class="next-steps">
                                <a href="/login">"去登录"</a>
                                " · "
                                <a href=format!("/forgot-password?account={code}")>"忘记密码?找回"</a>
                            </p>
                        }
                    })
            }}
            <Show when=offer_manual>
                <p class="manual-offer">
                    <button type="button" class="button link" on:click=switch_to_manual>
                        "代码与营业执照一致?改为“其它(人工审核)”注册,已填内容保留"
                    </button>
                </p>
            </Show>
            <TextField field=O::EnterpriseName value=enterprise_name form check maxlength=120 autocomplete="organization" />
            <TextField field=O::LegalRepName value=legal_rep_name form check maxlength=60 />
            <SelectField field=O::IdDocType value=id_doc_type form check options=doc_types />
            <TextField field=O::IdDocNumber value=id_doc_number form check maxlength=40 autocomplete="off" />
            <p class="section-help">
                "以下为人工审核时需要的营业执照信息 "
                <HelpTip link=manual::REGISTER_MANUAL_REVIEW topic="人工审核注册" />
            </p>
            <TextField
                field=O::Address
                value=address
                form
                check
                maxlength=200
                autocomplete="street-address"
                hint="营业执照上的“住所”或“经营场所”,写到门牌号。"
            />
            <RegionPicker value=region_code form check choices=regions />
            <TextField
                field=O::Established
                value=established
                form
                check
                input_type="date"
                hint="营业执照上的成立日期。"
            />
            <SelectField
                field=O::Industry
                value=industry
                form
                check
                options=INDUSTRIES.iter().map(|i| (*i, *i)).collect()
                hint="可不选;不影响注册和审核。"
            />
            {move || {
                form.message(O::Verification.name())
                    .map(|m| {
                        view! {
                            <div class="verification-offer" id=input_id(O::Verification.name()) tabindex="-1" role="alert">
                                <p>{message_with_help(O::Verification.name(), m)}</p>
                                <button type="submit" name="manual_review" value="1" class="button">
                                    "转人工审核(已填内容保留)"
                                </button>
                            </div>
                        }
                    })
            }}
            <SubmitButton pending=action.pending() idle="下一步" busy="正在核验……" />
        </form>
    }
}

/// 经办人与密码: what the organisation step left, then the step's form.
#[cfg(whole_pages)]
fn account_step(v: RegistrationView, failed: Option<AppError>) -> impl IntoView {
    let verified = v.verification == Some(Verification::Registry);
    let account = v.org.credit_code.clone();
    view! {
        <p class="summary-line">
            {format!("机构:{}({})", v.org.enterprise_name, v.org.credit_code)}
            <a class="button link" href="/register?step=org">"修改机构信息"</a>
        </p>
        <h2 class="step-title">"经办人与密码" <HelpTip link=manual::REGISTER_ACCOUNT topic="经办人与密码" /></h2>
        <p class="verification-status" class:ok=verified>
            {if verified {
                "✓ 机构信息已通过登记机关核验,提交后即可登录。"
            } else {
                "机构信息将由管理员人工审核(一个工作日内),结果以短信通知经办人手机。"
            }}
        </p>
        <AccountStepForm account handler_name=v.handler_name handler_mobile=v.handler_mobile failed />
    }
}

#[cfg(any(whole_pages, island = "AccountStepForm"))]
#[cfg_attr(island = "AccountStepForm", island)]
#[cfg_attr(not(island = "AccountStepForm"), component)]
fn AccountStepForm(
    account: String,
    handler_name: String,
    handler_mobile: String,
    failed: Option<AppError>,
) -> impl IntoView {
    let handler_name = RwSignal::new(handler_name);
    let handler_mobile = RwSignal::new(handler_mobile);
    let password = RwSignal::new(String::new());
    let password_confirm = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let input = move || AccountInput {
        handler_name: handler_name.get_untracked(),
        handler_mobile: handler_mobile.get_untracked(),
        sms_code: sms_code.get_untracked(),
        password: password.get_untracked(),
        password_confirm: password_confirm.get_untracked(),
    };
    let check = {
        let account = account.clone();
        Callback::new(move |_| input().validate(&account).err().unwrap_or_default())
    };

    let action = ServerAction::<SubmitAccount>::new();
    // A step done loads the page again, which shows the next step.
    let form = FormState::for_island(action, failed);
    reload_page_after_success(action);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.validate(check) {
            return;
        }
        let i = input();
        action.dispatch(SubmitAccount {
            handler_name: i.handler_name,
            handler_mobile: i.handler_mobile,
            sms_code: i.sms_code,
            password: i.password,
            password_confirm: i.password_confirm,
        });
    };
    let send = ServerAction::<SendRegisterCode>::new();
    let send_code = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        form.touch(A::HandlerMobile.name());
        match Mobile::parse(&handler_mobile.get_untracked()) {
            Ok(_) => {
                form.refresh(A::HandlerMobile.name(), &FieldErrors::new());
                send.dispatch(SendRegisterCode {
                    handler_mobile: handler_mobile.get_untracked(),
                });
            }
            Err(e) => form.errors.update(|f| {
                f.0.insert(A::HandlerMobile.name().into(), e.to_string().into());
            }),
        }
    };
    form.follow(send, |_| ());
    view! {
        <form class="form" action=SubmitAccount::url() method="post" novalidate on:submit=on_submit>
            <ErrorSummary form labels=A::LABELS.to_vec() />
            <TextField field=A::HandlerName value=handler_name form check maxlength=60 autocomplete="name" />
            <TextField
                field=A::HandlerMobile
                value=handler_mobile
                form
                check
                input_type="tel"
                maxlength=20
                autocomplete="tel"
                hint="审核结果将以短信发送到此号码;以后忘记密码,也要通过此手机号接收验证码找回。请填写经办人本人常用的号码。"
            />
            <SendCodeButton action=send on_click=Callback::new(send_code) />
            <TextField
                field=A::SmsCode
                value=sms_code
                form
                check
                autocomplete="one-time-code"
                maxlength=10
            />
            <input type="hidden" name="account" value=account.clone() autocomplete="username" />
            <TextField
                field=A::Password
                value=password
                form
                check
                input_type="password"
                maxlength=64
                autocomplete="new-password"
                hint="登录账号为统一社会信用代码,请牢记密码。"
            />
            <PasswordChecklist password account=account.clone() />
            <TextField
                field=A::Confirm
                value=password_confirm
                form
                check
                input_type="password"
                maxlength=64
                autocomplete="new-password"
            />
            <SubmitButton pending=action.pending() idle="提交注册" busy="正在提交……" />
        </form>
    }
}

/// 提交完成: what was registered and what happens next.
#[cfg(whole_pages)]
fn done(submitted: Option<Submitted>) -> impl IntoView {
    submitted.map(|s| {
        let active = s.status == crate::domain::AccountStatus::Active;
        view! {
            <section class="done" role="status">
                <h2>{if active { "注册成功" } else { "注册申请已提交人工审核" }}</h2>
                <dl>
                    <dt>"登录账号(统一社会信用代码)"</dt>
                    <dd class="account">{s.credit_code}</dd>
                    <dt>"企业名称"</dt>
                    <dd>{s.enterprise_name}</dd>
                    <dt>"经办人手机"</dt>
                    <dd>{s.mobile_masked.clone()}</dd>
                </dl>
                {if active {
                    view! {
                        <p>
                            "机构信息已通过核验,现在即可用统一社会信用代码和刚设置的密码"
                            <a href="/login">"登录"</a>
                            "。"
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p>
                            "管理员将在一个工作日内审核,结果以短信发送到 " {s.mobile_masked}
                            "。审核通过后即可登录。"
                        </p>
                    }
                        .into_any()
                }}
            </section>
        }
    })
}
