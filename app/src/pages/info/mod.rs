//! 完善信息: the enterprise's guided form (基础信息 → 经营方式 → 许可证 →
//! 提交), saved as a draft at every step, with the status and any lock
//! explained on the form itself.

use leptos::either::{EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::enterprise_info::{
    my_info, AnswerProposal, ChangeInfoStatus, InfoView, ProposalView, SaveInfo, SubmitInfo,
    LOCK_MESSAGE,
};
use crate::components::field::{
    message_at, ErrorSummary, FieldMessage, FormState, SelectField, TextField,
};
use crate::components::help::{message_with_help, HelpTip};
use crate::components::layout::ErrorNotice;
use crate::components::record::{audit_list, changes_table, expiry_notices};
use crate::components::region_picker::RegionPicker;
use crate::components::storage_units::StorageUnits;
use crate::components::unsaved::guard_unsaved;
use crate::components::upload::on_scan_chosen;
use crate::components::{reload_after_success, HydrationMarker};
use crate::domain::business_mode::{policy_at, recommend, BusinessMode, ModeAdvice, ModeQuestion};
use crate::domain::enterprise_info::{
    expiry_warning, Answer, EnterpriseRecord, InfoStep, LicenceEntry, RecordStatus, Scalar,
    ScopeItem, StatusChange, ECONOMIC_TYPES, LICENCE_YEARS,
};
use crate::domain::help::Faq;
use crate::domain::major_hazard::StorageUnit;
use crate::domain::record_field::{LicenceField, RecordField, ScopeField};
use crate::domain::region::RegionLists;
use crate::domain::{Date, FieldErrors, Message};
use crate::error::AppError;

mod licences;
mod steps;
use licences::LicencesStep;
use steps::{BasicStep, ModeStep, SubmitStep};

/// The fields the error summary lists: conflicts first, then every scalar field.
fn summary_labels() -> Vec<(&'static str, &'static str)> {
    [
        ("version", "保存"),
        ("lock", "企业信息"),
        ("status", "企业信息"),
    ]
    .into_iter()
    .chain(Scalar::ALL.map(|f| (f.key(), f.label())))
    .collect()
}

/// The label of a licence's or storage unit's field in the error summary.
fn row_label(key: &str) -> Option<String> {
    RecordField::parse(key).map(RecordField::label)
}

#[component]
pub fn InfoPage() -> impl IntoView {
    let query = use_query_map();
    let first_step = query
        .with_untracked(|q| q.get("step"))
        .and_then(|s| InfoStep::from_code(&s))
        .unwrap_or_default();
    view! { <InfoArea first_step /> }
}

/// The record, its lock and the editor: reloaded in place after each change
/// of status.
#[cfg_attr(island = "InfoArea", island)]
#[cfg_attr(not(island = "InfoArea"), component)]
fn InfoArea(first_step: InfoStep) -> impl IntoView {
    let reload = RwSignal::new(0);
    // What the last 撤回 or 信息变更 did, kept across the reload it causes.
    let flash = RwSignal::new(None::<String>);
    // The region lists come with the data (one request): an island's
    // resources are all created here, at its top (see RegionPicker).
    let info = Resource::new(move || reload.get(), |_| my_info());
    view! {
        <Title text="完善信息 - 危化品经营安全监管系统" />
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || {
                Suspend::new(async move {
                    match info.await {
                        Ok(v) => EitherOf3::A(view! { <InfoEditor v reload flash first_step /><HydrationMarker /> }),
                        Err(AppError::Unauthorized) => EitherOf3::B(view! {
                            <h1>"请先登录"</h1>
                            <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                            <HydrationMarker />
                        }
                            ),
                        Err(e) => EitherOf3::C(view! { <ErrorNotice error=e /><HydrationMarker /> }),
                    }
                })
            }}
        </Suspense>
    }
}

/// What a save of the editor is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SaveIntent {
    /// 保存草稿: stay on the step.
    Save,
    /// 保存并下一步: move on when the step is clean.
    Next,
    /// 提交: submit exactly the version just saved.
    Submit,
}

/// One signal per scalar field (in `Scalar::ALL` order), so the shared
/// `TextField` can bind to it.
#[derive(Clone, Copy)]
struct Fields {
    all: [RwSignal<String>; 17],
    licences: RwSignal<Vec<LicenceEntry>>,
    units: RwSignal<Vec<StorageUnit>>,
}

impl Fields {
    fn new(r: &EnterpriseRecord) -> Fields {
        Fields {
            all: Scalar::ALL.map(|f| RwSignal::new(f.of(r).clone())),
            licences: RwSignal::new(r.licences.clone()),
            units: RwSignal::new(r.storage_units.clone()),
        }
    }

    fn get(&self, field: Scalar) -> RwSignal<String> {
        self.all[field as usize]
    }

    fn record(&self) -> EnterpriseRecord {
        let mut r = EnterpriseRecord::default();
        for (f, s) in Scalar::ALL.into_iter().zip(self.all) {
            *f.of_mut(&mut r) = s.get_untracked();
        }
        r.licences = self.licences.get_untracked();
        r.storage_units = self.units.get_untracked();
        r
    }
}

#[component]
fn InfoEditor(
    v: InfoView,
    reload: RwSignal<i32>,
    flash: RwSignal<Option<String>>,
    first_step: InfoStep,
) -> impl IntoView {
    let editable = v.status == RecordStatus::Draft && v.lock.is_none();
    let fields = Fields::new(&v.draft);
    let regions = RwSignal::new(v.regions.clone());
    let version = RwSignal::new(v.version);
    let step = RwSignal::new(first_step);
    let save = ServerAction::<SaveInfo>::new();
    let submit = ServerAction::<SubmitInfo>::new();
    let status = ServerAction::<ChangeInfoStatus>::new();
    // Which button saved: 保存并下一步 moves on when the step is clean, 提交 submits.
    let intent = RwSignal::new(SaveIntent::Save);
    let saved_note = RwSignal::new(None::<String>);
    // What the server holds, to tell unsaved typing (guarded below).
    let stored = StoredValue::new(v.draft.clone());
    let sent = StoredValue::new(v.draft.clone());
    let today = crate::clock::today();
    let check = Callback::new(move |_| fields.record().check_step(step.get_untracked(), today));
    let form = FormState::for_action(save, move |out| {
        version.set(out.version);
        stored.set_value(sent.get_value());
        let clean = out.errors.is_empty();
        if clean && intent.get_untracked() == SaveIntent::Next {
            step.update(|s| *s = s.next());
        }
        saved_note.set(Some(format!("已保存草稿(第{}版)。", out.version)));
        // 提交 saves what is on the form first, then submits exactly that version.
        if intent.get_untracked() == SaveIntent::Submit {
            submit.dispatch(SubmitInfo {
                base_version: out.version,
            });
        }
    });
    // The step's problems after a save (the draft is stored either way).
    Effect::new(move |_| {
        if let Some(Ok(out)) = save.value().get() {
            form.submitted.set(true);
            // A refusal shown before (a timed-out login, say) is over.
            form.alert.set(None);
            form.errors.set(out.errors);
        }
    });
    // A stale save: keep what was typed, build on the newest version next time.
    Effect::new(move |_| {
        if let Some(Err(AppError::Conflict { field, .. })) = save.value().get() {
            if field == "version" {
                leptos::task::spawn_local(async move {
                    if let Ok(now) = my_info().await {
                        version.set(now.version);
                    }
                });
            }
        }
    });
    let asked = StoredValue::new(StatusChange::Change);
    reload_after_success(status, reload, move |_| {
        flash.set(Some(asked.get_value().done().into()))
    });
    // The step is in the address, so a reload reopens it.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let s = step.get();
        if let Ok(h) = window().history() {
            let url = format!("/info?step={}", s.code());
            let _ = h.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    });
    Effect::new(move |prev: Option<usize>| {
        let n = submit.version().get();
        if prev.is_some_and(|p| p != n) {
            match submit.value().get_untracked() {
                Some(Ok(_)) => reload.update(|r| *r += 1),
                Some(Err(e)) => form.show(&e),
                None => {}
            }
        }
        n
    });
    let do_save = move |next: bool| {
        intent.set(if next {
            SaveIntent::Next
        } else {
            SaveIntent::Save
        });
        saved_note.set(None);
        flash.set(None);
        sent.set_value(fields.record());
        save.dispatch(SaveInfo {
            step: step.get_untracked(),
            record: fields.record(),
            base_version: version.get_untracked(),
        });
    };
    guard_unsaved(move || editable && fields.record() != stored.get_value());
    let go = move |s: InfoStep| {
        move |_| {
            form.errors.set(FieldErrors::new());
            form.alert.set(None);
            step.set(s);
        }
    };
    let changing = v.changing;
    let status_text = v.status.label(changing);
    let lock = v.lock.clone();
    let base = v.version;
    view! {
        <h1>"完善信息 " <span class="status-badge">{status_text}</span></h1>
        {move || flash.get().map(|m| view! { <p class="notice success" role="status">{m}</p> })}
        <p class="summary-line">"统一社会信用代码(登录账号):" {v.credit_code.clone()}</p>
        {lock.map(|p| view! { <LockNotice p reload /> })}
        {(!v.return_reason.is_empty()).then(|| view! {
            <p class="alert" role="alert">"监管部门退回了提交的信息,原因:" {v.return_reason.clone()} "。请按原因修改后重新提交。"</p>
        })}
        {changing.then(|| view! {
            <p class="notice">"变更进行中:变更被确认之前,原已确认的信息继续有效,监管部门看到的仍是原信息。"</p>
        })}
        {(v.status == RecordStatus::Submitted).then(|| view! {
            <div class="notice" role="status">
                <p>"信息已提交,等待监管部门确认;提交后信息为只读。如需修改,请先撤回。"</p>
                <StatusButton
                    status
                    asked
                    base
                    action=StatusChange::Withdraw
                    label="撤回"
                    question="撤回这次提交?"
                    explanation="撤回后信息恢复为草稿,监管部门将不再看到这次提交;修改后需要重新提交。"
                    confirm="确定撤回"
                />
            </div>
        })}
        {(v.status == RecordStatus::Confirmed && v.lock.is_none()).then(|| view! {
            <div class="notice success" role="status">
                <p>"企业信息已由监管部门确认,现为只读。信息有变化时,请点击“信息变更”。"</p>
                <StatusButton
                    status
                    asked
                    base
                    action=StatusChange::Change
                    label="信息变更"
                    question="开始信息变更?"
                    explanation="点击“确定”后将生成一份可编辑的变更草稿。变更提交并被监管部门确认之前,原已确认的信息继续有效。"
                    confirm="确定"
                />
            </div>
        })}
        {move || status.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
        <ol class="steps" aria-label="完善信息步骤">
            {InfoStep::ALL
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    view! {
                        <li class:current=move || step.get() == s aria-current=move || (step.get() == s).then_some("step")>
                            <button type="button" class="button link" on:click=go(s)>
                                <span class="step-no">{i + 1}</span>
                                {s.title()}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <form class="form wide" novalidate on:submit=move |ev| {
            ev.prevent_default();
            do_save(true);
        }>
            <ErrorSummary form labels=summary_labels() label_of=row_label saved=Signal::derive(move || saved_note.get()) />
            {move || matches!(save.value().get(), Some(Err(AppError::Unauthorized))).then(|| view! {
                <p class="alert" role="alert">
                    "登录已超时。您填写的内容仍在本页,没有丢失:请"
                    <a href="/login" target="_blank" rel="noopener">"在新窗口重新登录"</a>
                    ",然后回到本页再点“保存草稿”。"
                </p>
            })}
            <fieldset class="plain" disabled=!editable>
                {move || {
                    let s = step.get();
                    view! {
                        <h2 class="step-title">{s.title()} " " <HelpTip link=s.help() topic="完善信息" /></h2>
                    }
                }}
                {move || match step.get() {
                    InfoStep::Basic => EitherOf4::A(view! { <BasicStep fields form check regions /> }),
                    InfoStep::Mode => EitherOf4::B(view! { <ModeStep fields form check /> }),
                    InfoStep::Licences => EitherOf4::C(view! { <LicencesStep fields form check /> }),
                    InfoStep::Submit => EitherOf4::D(view! { <SubmitStep fields step regions /> }),
                }}
                {move || (step.get() != InfoStep::Submit && editable).then(|| view! {
                    <div class="form-actions">
                        <button type="button" class="button" on:click=move |_| do_save(false) disabled=move || save.pending().get()>"保存草稿"</button>
                        " "
                        <button type="submit" class="button primary" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "正在保存……" } else { "保存并下一步" }}
                        </button>
                        {move || {
                            // With problems left, the summary above says it was saved.
                            saved_note
                                .get()
                                .filter(|_| form.errors.with(FieldErrors::is_empty))
                                .map(|n| view! { " " <span class="field-note" role="status">{n}</span> })
                        }}
                    </div>
                })}
            </fieldset>
        </form>
        {move || (step.get() == InfoStep::Submit && editable).then(|| view! {
            <div class="form-actions">
                <button type="button" class="button primary" disabled=move || save.pending().get() || submit.pending().get() on:click=move |_| {
                    intent.set(SaveIntent::Submit);
                    sent.set_value(fields.record());
                    save.dispatch(SaveInfo {
                        step: InfoStep::Licences,
                        record: fields.record(),
                        base_version: version.get_untracked(),
                    });
                }>"提交"</button>
            </div>
        })}
        <InfoTrail trail=v.trail.clone() />
    }
}

#[component]
fn LockNotice(p: ProposalView, reload: RwSignal<i32>) -> impl IntoView {
    let answer = ServerAction::<AnswerProposal>::new();
    reload_after_success(answer, reload, |_| ());
    let id = p.id;
    view! {
        <section class="lock-notice" role="alert" aria-labelledby="lock-title">
            <h2 id="lock-title">{LOCK_MESSAGE}</h2>
            <p class="lock-who">
                <strong>{p.organization.clone()}</strong> " " {p.user.clone()} " 自 " {p.since.clone()} " 起申请修改以下内容:"
            </p>
            {changes_table(p.changes.clone())}
            <p>"请核对后确认或拒绝;处理后即可继续操作企业信息。"</p>
            <div class="review-actions">
                <ActionForm action=answer>
                    <input type="hidden" name="proposal_id" value=id />
                    <input type="hidden" name="accept" value="true" />
                    <input type="hidden" name="reason" value="" />
                    <button type="submit" class="button primary">"确认修改"</button>
                </ActionForm>
                <ActionForm action=answer attr:class="reject-form">
                    <input type="hidden" name="proposal_id" value=id />
                    <input type="hidden" name="accept" value="false" />
                    <label for="proposal-reason">"拒绝理由"</label>
                    <input id="proposal-reason" name="reason" />
                    <button type="submit" class="button">"拒绝"</button>
                </ActionForm>
            </div>
            {move || answer.value().get().and_then(Result::err).map(|e| {
                let text = e.field_errors().get("reason").map(str::to_string).unwrap_or_else(|| e.to_string());
                view! { <p class="field-error" role="alert">{text}</p> }
            })}
        </section>
    }
}

/// A 撤回 or 信息变更 button that asks first, in a panel saying what follows.
#[component]
#[allow(clippy::too_many_arguments)] // the panel's words, named at each use
fn StatusButton(
    status: ServerAction<ChangeInfoStatus>,
    /// Which action was sent last (for the message after the reload).
    asked: StoredValue<StatusChange>,
    base: i64,
    action: StatusChange,
    label: &'static str,
    question: &'static str,
    explanation: &'static str,
    confirm: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let title_id = format!("confirm-{}-title", action.code());
    view! {
        <button type="button" class="button" on:click=move |_| open.set(true)>{label}</button>
        <Show when=move || open.get()>
            <div class="confirm-panel" role="dialog" aria-labelledby=title_id.clone()>
                <h2 id=title_id.clone()>{question}</h2>
                <p>{explanation}</p>
                <ActionForm action=status on:submit=move |_| asked.set_value(action)>
                    <input type="hidden" name="action" value=action.code() />
                    <input type="hidden" name="base_version" value=base />
                    <button type="submit" class="button primary">{confirm}</button>
                    " "
                    <button type="button" class="button" on:click=move |_| open.set(false)>"取消"</button>
                </ActionForm>
            </div>
        </Show>
    }
}

#[component]
fn InfoTrail(trail: Vec<crate::api::enterprise_info::AuditView>) -> impl IntoView {
    (!trail.is_empty()).then(|| {
        view! {
            <details class="trail">
                <summary>"操作记录(" {trail.len()} ")"</summary>
                {audit_list(trail)}
            </details>
        }
    })
}
