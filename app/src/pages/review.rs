//! 注册审核: the queue of registrations waiting for manual review.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::phone::{phone_change_queue, DecidePhoneChange};
use crate::api::review::{review_queue, DecideReview, ReviewItem};
use crate::components::help::message_with_help;
use crate::components::help::HelpTip;
use crate::components::layout::ErrorNotice;
use crate::components::{prop_getter, HydrationMarker};
use crate::domain::help::manual;
use crate::domain::registration::{reject_reason, ReviewDecision};

#[component]
pub fn ReviewPage() -> impl IntoView {
    // From a region's dashboard: that region only (the server checks it).
    let query = use_query_map();
    // Both islands in one closure: the server numbers an island's resources
    // when it calls the island, and the browser in page order, so islands
    // are called in page order (a closure runs after the views beside it).
    move || {
        view! {
            <ReviewQueue region=query.with(|q| q.get("region").unwrap_or_default()) />
            <PhoneChanges />
        }
    }
}

/// The pending registrations, each with its decision.
#[cfg_attr(island = "ReviewQueue", island)]
#[cfg_attr(not(island = "ReviewQueue"), component)]
fn ReviewQueue(region: String) -> impl IntoView {
    let decide = ServerAction::<DecideReview>::new();
    let region = prop_getter(region);
    let queue = Resource::new(
        move || (decide.version().get(), region()),
        |(_, r)| review_queue(r),
    );
    let narrowed = move || {
        (!region().is_empty()).then(|| {
            view! {
                <p class="form-hint review-scope">
                    "仅显示从监管统计所选地区的注册申请。"
                    <a href="/review">"查看辖区内全部申请"</a>
                </p>
            }
        })
    };
    let outcome = move || match decide.value().get() {
        Some(Ok(m)) => Some(view! { <p class="notice success" role="status">{m}</p> }.into_any()),
        Some(Err(e)) => {
            // A field problem (the missing reason) is clearer than the generic text.
            let message = e
                .field_errors()
                .0
                .into_values()
                .next()
                .unwrap_or_else(|| e.message());
            Some(
                view! { <p class="alert" role="alert">{message_with_help("", message)}</p> }
                    .into_any(),
            )
        }
        None => None,
    };
    view! {
        <Title text="注册审核 - 危化品经营安全监管系统" />
        <h1>"注册审核 " <HelpTip link=manual::REVIEW topic="注册审核" /></h1>
        <p class="form-intro">"承诺在一个工作日内完成审核;超时的申请标为红色。通过或不通过,都会以短信通知经办人。"</p>
        {narrowed}
        {outcome}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(items) if items.is_empty() => EitherOf3::A(view! {
                        <p class="empty">"没有待审核的注册申请。"</p>
                        <HydrationMarker />
                    }
                        ),
                    Ok(items) => EitherOf3::B(view! {
                        <ul class="review-list">
                            {items.into_iter().map(|i| view! { <ReviewCard item=i decide /> }).collect_view()}
                        </ul>
                        <HydrationMarker />
                    }
                        ),
                    Err(e) => EitherOf3::C(view! {
                        <ErrorNotice error=e />
                        <p><a href="/login?tab=regulator">"以监管用户登录"</a></p>
                        <HydrationMarker />
                    }
                        ),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReviewCard(item: ReviewItem, decide: ServerAction<DecideReview>) -> impl IntoView {
    let id = item.user_id.to_string();
    let id2 = id.clone();
    let reason_id = format!("reason-{}", item.user_id);
    let reason_msg_id = format!("reason-{}-msg", item.user_id);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let user_id = item.user_id;
    let on_reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match reject_reason(&reason.get_untracked()) {
            Err(m) => reason_error.set(Some(m.into())),
            Ok(reason) => {
                reason_error.set(None);
                decide.dispatch(DecideReview {
                    user_id,
                    decision: ReviewDecision::Reject,
                    reason,
                });
            }
        }
    };
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
                <ActionForm action=decide>
                    <input type="hidden" name="user_id" value=id.clone() />
                    <input type="hidden" name="decision" value=ReviewDecision::Approve.code() />
                    <input type="hidden" name="reason" value="" />
                    <button type="submit" class="button primary">"审核通过"</button>
                </ActionForm>
                <form class="reject-form" action=DecideReview::url() method="post" novalidate on:submit=on_reject>
                    <input type="hidden" name="user_id" value=id2 />
                    <input type="hidden" name="decision" value=ReviewDecision::Reject.code() />
                    <label for=reason_id.clone()>"不通过原因"</label>
                    <input
                        id=reason_id
                        name="reason"
                        type="text"
                        maxlength="200"
                        placeholder="如:企业名称与营业执照不一致"
                        aria-invalid=move || reason_error.get().is_some().then_some("true")
                        aria-describedby={
                            let id = reason_msg_id.clone();
                            move || reason_error.get().is_some().then(|| id.clone())
                        }
                        on:input=move |ev| {
                            reason.set(event_target_value(&ev));
                            reason_error.set(None);
                        }
                    />
                    <button type="submit" class="button">"不通过"</button>
                </form>
                {move || {
                    reason_error
                        .get()
                        .map(|m| view! { <p class="field-error" id=reason_msg_id.clone() role="alert">{message_with_help("reason", m)}</p> })
                }}
            </div>
        </li>
    }
}

/// Phone changes the registry could not confirm.
#[cfg_attr(island = "PhoneChanges", island)]
#[cfg_attr(not(island = "PhoneChanges"), component)]
fn PhoneChanges() -> impl IntoView {
    let decide = ServerAction::<DecidePhoneChange>::new();
    let list = Resource::new(move || decide.version().get(), |_| phone_change_queue());
    let outcome = move || {
        decide.value().get().map(|r| match r {
            Ok(m) => view! { <p class="notice success" role="status">{m}</p> }.into_any(),
            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
        })
    };
    view! {
        <h2>"手机号更换申请 " <HelpTip link=manual::PHONE_CHANGES topic="手机号更换审核" /></h2>
        {outcome}
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
                                    let (id, id2) = (i.id.to_string(), i.id.to_string());
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
                                                <ActionForm action=decide>
                                                    <input type="hidden" name="request_id" value=id />
                                                    <input type="hidden" name="approve" value="true" />
                                                    <button type="submit" class="button primary">"同意更换"</button>
                                                </ActionForm>
                                                <ActionForm action=decide>
                                                    <input type="hidden" name="request_id" value=id2.clone() />
                                                    <input type="hidden" name="approve" value="false" />
                                                    <label for=format!("note-{id2}")>"不同意的原因(短信告知申请人)"</label>
                                                    <input id=format!("note-{id2}") name="note" type="text" maxlength="200" />
                                                    <button type="submit" class="button">"不同意"</button>
                                                </ActionForm>
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
