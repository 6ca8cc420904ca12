//! 注册审核: the queue of registrations waiting for manual review, and the
//! phone changes the registry could not confirm.
//!
//! A page without islands (issue 13: nothing to download): every decision is
//! a plain form post. The server sends it back here; a failure shows its
//! message from the address (`__err`), a success the server function's
//! answer in the page frame (`take_flash`). The browser checks a refusal's
//! reason before sending (`required`, `minlength`; islands.js shows the
//! message under the field).

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::phone::{phone_change_queue, DecidePhoneChange, NOTE_MISSING};
use crate::api::review::{review_queue, DecideReview, ReviewItem};
use crate::components::field::{at_least, kept_note, plain_described_by};
use crate::components::help::message_with_help;
use crate::components::help::HelpTip;
use crate::components::layout::{refusal, ErrorNotice};
use crate::components::refusal_at_kept_form;
use crate::domain::help::manual;
use crate::domain::kept_text::KeptForm;
use crate::domain::registration::{ReviewDecision, MIN_REJECT_REASON, REJECT_REASON_MISSING};

#[component]
pub fn ReviewPage() -> impl IntoView {
    // From a region's dashboard: that region only (the server checks it).
    let region = use_query_map().with_untracked(|q| q.get("region").unwrap_or_default());
    view! {
        <ReviewQueue region />
        <PhoneChanges />
    }
}

/// What a refusal's reason field starts from: the text the server refused
/// before (`kept`, with a note saying so) and its message (`error`).
#[derive(Default)]
struct Refused {
    kept: Option<String>,
    error: Option<String>,
}

/// A refusal's reason: checked by the browser before sending (the message
/// `missing`, with its help article, shown under the field by islands.js)
/// and again by the server, whose refusal shows there too.
fn reason_input(
    id: String,
    name: &'static str,
    label: &'static str,
    (min, missing): (usize, &'static str),
    placeholder: Option<&'static str>,
    refused: Refused,
) -> impl IntoView {
    let message_id = format!("{id}-msg");
    let invalid = refused.error.is_some();
    let described = plain_described_by(&id, invalid, refused.kept.is_some());
    let note = kept_note(&id, refused.kept.is_some());
    view! {
        <label for=id.clone()>{label}</label>
        <input
            id=id
            name=name
            type="text"
            required
            pattern=at_least(min)
            maxlength="200"
            placeholder=placeholder
            data-message=missing
            value=refused.kept
            aria-invalid=invalid.then_some("true")
            aria-describedby=described
        />
        {note}
        <p class="field-error" id=message_id role="alert" hidden=!invalid>
            {message_with_help(name, refused.error.unwrap_or_else(|| missing.into()))}
        </p>
    }
}

/// The pending registrations, each with its decision.
#[component]
fn ReviewQueue(region: String) -> impl IntoView {
    let decide = ServerAction::<DecideReview>::new();
    let narrowed = (!region.is_empty()).then(|| {
        view! {
            <p class="form-hint review-scope">
                "仅显示从监管统计所选地区的注册申请。"
                <a href="/review">"查看辖区内全部申请"</a>
            </p>
        }
    });
    let queue = Resource::new(move || region.clone(), review_queue);
    let refused = StoredValue::new(decide.value().get_untracked().and_then(Result::err));
    view! {
        <Title text="注册审核 - 危化品经营安全监管系统" />
        <h1>"注册审核 " <HelpTip link=manual::REVIEW topic="注册审核" /></h1>
        <p class="form-intro">"承诺在一个工作日内完成审核;超时的申请标为红色。通过或不通过,都会以短信通知经办人。"</p>
        {narrowed}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                let refused = refused.get_value();
                match queue.await {
                    Ok(items) if items.is_empty() => EitherOf3::A(view! {
                        {refusal(refused)}
                        <p class="empty">"没有待审核的注册申请。"</p>
                    }),
                    Ok(items) => {
                        // A refused reason is said at its field, which has
                        // it back; anything else above the list.
                        let reason_error = match refusal_at_kept_form(refused.as_ref(), "reason") {
                            Some((KeptForm::ReviewReject { user }, message))
                                if items.iter().any(|i| i.user_id == user) =>
                            {
                                Some((user, message))
                            }
                            _ => None,
                        };
                        let top = refused.filter(|_| reason_error.is_none());
                        EitherOf3::B(view! {
                            {refusal(top)}
                            <ul class="review-list">
                                {items.into_iter().map(|item| {
                                    let error = reason_error
                                        .clone()
                                        .filter(|(user, _)| *user == item.user_id)
                                        .map(|(_, message)| message);
                                    view! { <ReviewCard item error /> }
                                }).collect_view()}
                            </ul>
                        })
                    }
                    Err(e) => EitherOf3::C(view! {
                        {refusal(refused)}
                        <ErrorNotice error=e />
                        <p><a href="/login?tab=regulator">"以监管用户登录"</a></p>
                    }),
                }
            })}
        </Suspense>
    }
}

/// One registration and its decision; `error`, the server's refusal of the
/// reason kept in its field.
#[component]
fn ReviewCard(item: ReviewItem, error: Option<String>) -> impl IntoView {
    let id = item.user_id.to_string();
    view! {
        <li class="review-card" class:overdue=item.overdue>
            <h2>{item.name.clone()}</h2>
            <p class="waited">{item.waited.clone()} {item.overdue.then_some("(已超过一个工作日)")}</p>
            <dl>
                <dt>"统一社会信用代码"</dt><dd class="code">{item.credit_code.clone()}</dd>
                <dt>"法人类型"</dt><dd>{item.legal_type.clone()}</dd>
                <dt>"法定代表人"</dt><dd>{item.legal_rep_name.clone()} " · " {item.id_doc.clone()}</dd>
                <dt>"住所"</dt><dd>{item.address.clone()}</dd>
                <dt>"所属地区"</dt><dd>{item.region.clone()}</dd>
                <dt>"成立日期"</dt><dd>{item.established.clone()}</dd>
                <dt>"所属系统"</dt><dd>{item.industry.clone()}</dd>
                <dt>"经办人"</dt><dd>{item.handler_name.clone()} " · " {item.mobile_masked.clone()}</dd>
                <dt>"提交时间"</dt><dd>{item.submitted_at.clone()}</dd>
            </dl>
            <div class="review-actions">
                <form action=DecideReview::url() method="post">
                    <input type="hidden" name="user_id" value=id.clone() />
                    <input type="hidden" name="decision" value=ReviewDecision::Approve.code() />
                    <input type="hidden" name="reason" value="" />
                    <button type="submit" class="button primary">"审核通过"</button>
                </form>
                <form class="reject-form" action=DecideReview::url() method="post">
                    <input type="hidden" name="user_id" value=id.clone() />
                    <input type="hidden" name="decision" value=ReviewDecision::Reject.code() />
                    {reason_input(format!("reason-{id}"), "reason", "不通过原因", (MIN_REJECT_REASON, REJECT_REASON_MISSING), Some("如:企业名称与营业执照不一致"), Refused { kept: item.kept_reason.clone(), error })}
                    <button type="submit" class="button">"不通过"</button>
                </form>
            </div>
        </li>
    }
}

/// Phone changes the registry could not confirm.
#[component]
fn PhoneChanges() -> impl IntoView {
    let decide = ServerAction::<DecidePhoneChange>::new();
    let list = Resource::new(|| (), |_| phone_change_queue());
    view! {
        <h2>"手机号更换申请 " <HelpTip link=manual::PHONE_CHANGES topic="手机号更换审核" /></h2>
        {refusal(decide.value().get_untracked().and_then(Result::err))}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => {
                        view! { <p class="empty">"没有待审核的手机号更换申请。"</p> }.into_any()
                    }
                    Ok(items) => view! {
                        <ul class="review-list">
                            {items
                                .into_iter()
                                .map(|i| {
                                    let id = i.id.to_string();
                                    view! {
                                        <li class="review-card phone-change" class:overdue=i.overdue>
                                            <h3>{i.name.clone()}</h3>
                                            <p class="waited">{i.waited.clone()}</p>
                                            <dl>
                                                <dt>"统一社会信用代码"</dt><dd>{i.credit_code.clone()}</dd>
                                                <dt>"原手机号"</dt><dd>{i.old_mobile.clone()}</dd>
                                                <dt>"新手机号"</dt><dd>{i.new_mobile.clone()}</dd>
                                                <dt>"证明材料"</dt>
                                                <dd>
                                                    <ul class="evidence-list">
                                                        {i.evidence.iter().map(|e| view! {
                                                            <li>
                                                                {e.document.label()} ":"
                                                                <a href=format!("/files/phone-evidence/{}", e.id) target="_blank" rel="noopener">{e.name.clone()}</a>
                                                            </li>
                                                        }).collect_view()}
                                                    </ul>
                                                </dd>
                                            </dl>
                                            <p class="field-note">"请核对营业执照与企业名称、统一社会信用代码一致,授权书有法定代表人签字和公章,新经办人证件清晰有效。同意后将再次短信告知原手机号,公示期满才生效。"</p>
                                            <div class="review-actions">
                                                <form action=DecidePhoneChange::url() method="post">
                                                    <input type="hidden" name="request_id" value=id.clone() />
                                                    <input type="hidden" name="approve" value="true" />
                                                    <button type="submit" class="button primary">"同意更换"</button>
                                                </form>
                                                <form action=DecidePhoneChange::url() method="post">
                                                    <input type="hidden" name="request_id" value=id.clone() />
                                                    <input type="hidden" name="approve" value="false" />
                                                    {reason_input(format!("note-{id}"), "note", "不同意的原因(短信告知申请人)", (1, NOTE_MISSING), None, Refused::default())}
                                                    <button type="submit" class="button">"不同意"</button>
                                                </form>
                                            </div>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any(),
                    Err(_) => ().into_any(),
                }
            })}
        </Suspense>
    }
}
