//! 完善信息: the enterprise's guided form (基础信息 → 经营方式 → 许可证 →
//! 提交), saved as a draft at every step, with the status and any lock
//! explained on the form itself.
//!
//! Each step is a page of its own (`/info?step=mode`) with an island of its
//! own, in a bundle of its own (issue 13: a page downloads the code of the
//! step it shows, not the other three). Going to another step saves the
//! draft first when something was typed, so nothing is lost on the way.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::{EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::enterprise_info::{
    info_version, my_info, AnswerProposal, ChangeInfoStatus, InfoView, ProposalView, SaveInfo,
    SubmitInfo, LOCK_MESSAGE, PROPOSAL_REASON_MISSING,
};
use crate::components::field::{
    bind_checked, bind_typed, keep_chosen, message_at, required_reason, ErrorSummary, FieldMessage,
    FormState, SelectField, TextField,
};
use crate::components::help::{message_with_help, HelpTip};
use crate::components::layout::ErrorNotice;
use crate::components::record::{audit_list, changes_table, expiry_notices};
use crate::components::region_picker::RegionPicker;
use crate::components::storage_units::{Gb18218Names, StorageUnits};
use crate::components::unsaved::guard_unsaved;
use crate::components::upload::on_scan_chosen;
use crate::components::{go_to, HydrationMarker};
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
pub mod regulated;
mod steps;
use licences::LicencesStep;
use steps::{BasicStep, ModeStep, SubmitStep};

/// The fields the error summary lists: conflicts first, then every scalar
/// field. A refusal because the page is out of date names what was refused
/// itself ("提交未成功:…"), so it is listed without a label.
fn summary_labels() -> Vec<(&'static str, &'static str)> {
    [("lock", "企业信息"), ("status", "企业信息")]
        .into_iter()
        .chain(Scalar::ALL.map(|f| (f.key(), f.label())))
        .collect()
}

/// The label of a licence's or storage unit's field in the error summary.
fn row_label(key: &str) -> Option<String> {
    RecordField::parse(key).map(RecordField::label)
}

/// 完善信息: the record's status, its lock and its history are rendered by
/// the server (its decisions are plain form posts, as on /review), and only
/// the step's editor is an island, started from the draft it is handed.
#[cfg(whole_pages)]
#[component]
pub fn InfoPage() -> impl IntoView {
    let query = use_query_map();
    let (step, saved) = query.with_untracked(|q| {
        let step = q.get("step").and_then(|s| InfoStep::from_code(&s));
        (
            step.unwrap_or_default(),
            q.get("saved").and_then(|v| v.parse::<i64>().ok()),
        )
    });
    let info = Resource::new(|| (), |_| my_info());
    // A plain post that failed came back with its error in the address
    // (each `ServerAction::new` reads it).
    let failed = StoredValue::new(Failed {
        status: ServerAction::<ChangeInfoStatus>::new()
            .value()
            .get_untracked()
            .and_then(Result::err),
        answer: ServerAction::<AnswerProposal>::new()
            .value()
            .get_untracked()
            .and_then(Result::err),
    });
    view! {
        <Title text=format!("完善信息 · {} - 危化品经营安全监管系统", step.title()) />
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || {
                Suspend::new(async move {
                    match info.await {
                        Ok(v) => EitherOf3::A(view! {
                            {info_record(v, step, saved, failed.get_value())}
                            <HydrationMarker />
                        }),
                        Err(AppError::Unauthorized) => EitherOf3::B(view! {
                            <h1>"请先登录"</h1>
                            <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                            <HydrationMarker />
                        }),
                        Err(e) => EitherOf3::C(view! { <ErrorNotice error=e /><HydrationMarker /> }),
                    }
                })
            }}
        </Suspense>
    }
}

/// The errors of the page's plain posts, from the address.
#[cfg(whole_pages)]
#[derive(Clone, Default)]
struct Failed {
    /// 撤回 or 信息变更.
    status: Option<AppError>,
    /// 确认修改 or 拒绝 of a regulator's proposal.
    answer: Option<AppError>,
}

/// The address of a step's page; `saved`: the draft version the step
/// before saved on the way (shown once, then dropped from the address).
fn step_href(step: InfoStep, saved: Option<i64>) -> String {
    match saved {
        Some(v) => format!("/info?step={}&saved={v}", step.code()),
        None => format!("/info?step={}", step.code()),
    }
}

/// What a step's island starts from: its props, written into the page.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepStart {
    draft: EnterpriseRecord,
    version: i64,
    regions: RegionLists,
    /// A draft without a lock: the form can be changed.
    editable: bool,
    /// The version the step before saved on the way here (said once).
    saved: Option<i64>,
}

/// What a step's island hands its step: the form and what it edits.
#[derive(Clone, Copy)]
struct StepContext {
    fields: Fields,
    form: FormState,
    check: Callback<(), FieldErrors>,
    regions: RwSignal<RegionLists>,
}

/// 基础信息.
#[cfg(any(whole_pages, island = "InfoBasic"))]
#[cfg_attr(island = "InfoBasic", island)]
#[cfg_attr(not(island = "InfoBasic"), component)]
fn InfoBasic(start: StepStart) -> impl IntoView {
    info_editor(
        start,
        InfoStep::Basic,
        |r, _| r.check_basic(),
        |c: StepContext| {
            view! { <BasicStep fields=c.fields form=c.form check=c.check regions=c.regions /> }
        },
    )
}

/// 经营方式 (with the storage units).
#[cfg(any(whole_pages, island = "InfoMode"))]
#[cfg_attr(island = "InfoMode", island)]
#[cfg_attr(not(island = "InfoMode"), component)]
fn InfoMode(start: StepStart) -> impl IntoView {
    info_editor(
        start,
        InfoStep::Mode,
        EnterpriseRecord::check_mode,
        |c: StepContext| {
            view! { <ModeStep fields=c.fields form=c.form check=c.check /> }
        },
    )
}

/// 许可证.
#[cfg(any(whole_pages, island = "InfoLicences"))]
#[cfg_attr(island = "InfoLicences", island)]
#[cfg_attr(not(island = "InfoLicences"), component)]
fn InfoLicences(start: StepStart) -> impl IntoView {
    info_editor(
        start,
        InfoStep::Licences,
        EnterpriseRecord::check_licences,
        |c: StepContext| {
            view! { <LicencesStep fields=c.fields form=c.form check=c.check /> }
        },
    )
}

/// 提交: the completeness check and the review.
#[cfg(any(whole_pages, island = "InfoSubmit"))]
#[cfg_attr(island = "InfoSubmit", island)]
#[cfg_attr(not(island = "InfoSubmit"), component)]
fn InfoSubmit(start: StepStart) -> impl IntoView {
    info_editor(
        start,
        InfoStep::Submit,
        EnterpriseRecord::check_licences,
        |c: StepContext| {
            view! { <SubmitStep fields=c.fields regions=c.regions /> }
        },
    )
}

/// The record's status, lock, notes and history around the step's editor
/// (an island of its own: `StepStart`).
#[cfg(whole_pages)]
fn info_record(v: InfoView, step: InfoStep, saved: Option<i64>, failed: Failed) -> impl IntoView {
    let editable = v.status == RecordStatus::Draft && v.lock.is_none();
    let start = StepStart {
        draft: v.draft,
        version: v.version,
        regions: v.regions,
        editable,
        saved,
    };
    let editor = match step {
        InfoStep::Basic => EitherOf4::A(view! { <InfoBasic start /> }),
        InfoStep::Mode => EitherOf4::B(view! { <InfoMode start /> }),
        InfoStep::Licences => EitherOf4::C(view! { <InfoLicences start /> }),
        InfoStep::Submit => EitherOf4::D(view! { <InfoSubmit start /> }),
    };
    let changing = v.changing;
    let base = v.version;
    let confirmed = v.status == RecordStatus::Confirmed && v.lock.is_none();
    // An answer refused because the proposal was closed meanwhile: said
    // here, as no lock is left to say it at.
    let (answer_here, answer_gone) = match v.lock {
        Some(_) => (failed.answer, None),
        None => (None, failed.answer),
    };
    view! {
        <h1>"完善信息 " <span class="status-badge">{v.status.label(changing)}</span></h1>
        <p class="summary-line">"统一社会信用代码(登录账号):" {v.credit_code}</p>
        {v.lock.map(|p| lock_notice(p, answer_here))}
        {answer_gone.map(|e| view! { <ErrorNotice error=e /> })}
        {(!v.return_reason.is_empty()).then(|| view! {
            <p class="alert" role="alert">"监管部门退回了提交的信息,原因:" {v.return_reason} "。请按原因修改后重新提交。"</p>
        })}
        {changing.then(|| view! {
            <p class="notice">"变更进行中:变更被确认之前,原已确认的信息继续有效,监管部门看到的仍是原信息。"</p>
        })}
        {(v.status == RecordStatus::Submitted).then(|| view! {
            <div class="notice">
                <p>"信息已提交,等待监管部门确认;提交后信息为只读。如需修改,请先撤回。"</p>
                {status_panel(StatusChange::Withdraw, base)}
            </div>
        })}
        {confirmed.then(|| view! {
            <div class="notice success">
                <p>"企业信息已由监管部门确认,现为只读。信息有变化时,请点击“信息变更”。"</p>
                {status_panel(StatusChange::Change, base)}
            </div>
        })}
        {failed.status.map(|e| view! { <ErrorNotice error=e /> })}
        {editor}
        {(step == InfoStep::Mode).then(|| view! { <Gb18218Names /> })}
        <InfoTrail trail=v.trail />
    }
}

/// A regulator's proposal that locks the record, with the enterprise's
/// answer as two plain forms; a rejection's reason is checked by the
/// browser before sending and again by the server (said at its field).
#[cfg(whole_pages)]
fn lock_notice(p: ProposalView, failed: Option<AppError>) -> impl IntoView {
    let reason_error = failed
        .as_ref()
        .and_then(|e| e.field_errors().get("reason").map(str::to_string));
    let invalid = reason_error.is_some();
    let other = failed
        .filter(|_| !invalid)
        .map(|e| view! { <ErrorNotice error=e /> });
    let id = p.id;
    view! {
        <section class="lock-notice" role="alert" aria-labelledby="lock-title">
            <h2 id="lock-title">{LOCK_MESSAGE}</h2>
            <p class="lock-who">
                <strong>{p.organization}</strong> " " {p.user} " 自 " {p.since} " 起申请修改以下内容:"
            </p>
            {changes_table(p.changes)}
            <p>"请核对后确认或拒绝;处理后即可继续操作企业信息。"</p>
            {other}
            <div class="review-actions">
                <form action=AnswerProposal::url() method="post">
                    <input type="hidden" name="proposal_id" value=id />
                    <input type="hidden" name="accept" value="true" />
                    <input type="hidden" name="reason" value="" />
                    <button type="submit" class="button primary">"确认修改"</button>
                </form>
                <form class="reject-form" action=AnswerProposal::url() method="post">
                    <input type="hidden" name="proposal_id" value=id />
                    <input type="hidden" name="accept" value="false" />
                    {required_reason("proposal-reason", "拒绝理由", PROPOSAL_REASON_MISSING, reason_error, None)}
                    <button type="submit" class="button">"拒绝"</button>
                </form>
            </div>
        </section>
    }
}

/// 撤回 or 信息变更: a disclosure that says what follows (its summary closes
/// it again), with the action as a plain form post (the page it comes back
/// to says what was done).
#[cfg(whole_pages)]
fn status_panel(action: StatusChange, base: i64) -> impl IntoView {
    let (question, explanation, confirm) = match action {
        StatusChange::Withdraw => (
            "撤回这次提交?",
            "撤回后信息恢复为草稿,监管部门将不再看到这次提交;修改后需要重新提交。",
            "确定撤回",
        ),
        StatusChange::Change => (
            "开始信息变更?",
            "点击“确定”后将生成一份可编辑的变更草稿。变更提交并被监管部门确认之前,原已确认的信息继续有效。",
            "确定",
        ),
    };
    let title_id = format!("confirm-{}-title", action.code());
    view! {
        <details class="confirm">
            <summary class="button">{action.label()}</summary>
            <section class="confirm-panel" aria-labelledby=title_id.clone()>
                <h2 id=title_id.clone()>{question}</h2>
                <p>{explanation}</p>
                <form action=ChangeInfoStatus::url() method="post">
                    <input type="hidden" name="action" value=action.code() />
                    <input type="hidden" name="base_version" value=base />
                    <button type="submit" class="button primary">{confirm}</button>
                </form>
            </section>
        </details>
    }
}

/// What a save of the editor is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SaveIntent {
    /// 保存草稿: stay on the step.
    Save,
    /// 保存并下一步: move on when the step is clean.
    Next,
    /// A step's link with something typed: move on to that step once saved.
    Goto(InfoStep),
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
    /// Certificate scans on their way: the page is not left meanwhile.
    uploads: RwSignal<usize>,
}

impl Fields {
    fn new(r: &EnterpriseRecord) -> Fields {
        Fields {
            all: Scalar::ALL.map(|f| RwSignal::new(f.of(r).clone())),
            licences: RwSignal::new(r.licences.clone()),
            units: RwSignal::new(r.storage_units.clone()),
            uploads: RwSignal::new(0),
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

/// Asks whether to leave the page with typing not saved.
fn leave_anyway() -> bool {
    #[cfg(feature = "hydrate")]
    return window()
        .confirm_with_message(crate::components::unsaved::LEAVE_QUESTION)
        .unwrap_or(true);
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The editor of one step (`body`), started from the draft it is handed;
/// `check` is the step's own rule (`EnterpriseRecord::check_step` of it),
/// named by the step's island so that its bundle holds no other step's rules.
///
/// Generic over the step's view, not `AnyView`: each bundle has one step,
/// and type erasure would add its own code to every one (about 15 KB).
fn info_editor<V: IntoView + 'static>(
    start: StepStart,
    step: InfoStep,
    check: fn(&EnterpriseRecord, Date) -> FieldErrors,
    body: fn(StepContext) -> V,
) -> impl IntoView {
    let StepStart {
        draft,
        version,
        regions,
        editable,
        saved,
    } = start;
    let fields = Fields::new(&draft);
    let regions = RwSignal::new(regions);
    let version = RwSignal::new(version);
    let save = ServerAction::<SaveInfo>::new();
    // 提交 is the last step's only: the other steps' bundles hold none of
    // its code (each island's `step` is a constant, issue 13).
    let submit = (step == InfoStep::Submit).then(ServerAction::<SubmitInfo>::new);
    // The save's handler runs this, not the action itself: a closure made
    // only when there is an action, so the dispatch is not in other bundles.
    let then_submit = submit.map(|submit| {
        Callback::new(move |base_version: i64| {
            submit.dispatch(SubmitInfo { base_version });
        })
    });
    // Which button saved: 保存并下一步 moves on when the step is clean, 提交 submits.
    let intent = RwSignal::new(SaveIntent::Save);
    let saved_note = RwSignal::new(None::<String>);
    let note_saved = move |n: i64| saved_note.set(Some(format!("已保存草稿(第{n}版)。")));
    // The step before saved on the way here: said once the page is live,
    // so that screen readers announce it too.
    Effect::new(move |_| {
        if let Some(n) = saved {
            note_saved(n);
        }
    });
    // What the server holds, to tell unsaved typing (guarded below).
    let stored = StoredValue::new(draft.clone());
    let sent = StoredValue::new(draft);
    let today = crate::clock::today();
    let check = Callback::new(move |_| check(&fields.record(), today));
    let form = FormState::for_action(save, move |out| {
        version.set(out.version);
        stored.set_value(sent.get_value());
        let clean = out.errors.is_empty();
        // Typed while the save was on its way: stay, the note says what was saved.
        let all_saved = fields.record() == sent.get_value();
        match intent.get_untracked() {
            SaveIntent::Next if clean && all_saved => {
                go_to(&step_href(step.next(), Some(out.version)))
            }
            SaveIntent::Goto(s) if all_saved => go_to(&step_href(s, Some(out.version))),
            _ => {}
        }
        note_saved(out.version);
        // 提交 saves what is on the form first, then submits exactly that version.
        if let (SaveIntent::Submit, Some(then_submit)) = (intent.get_untracked(), then_submit) {
            then_submit.run(out.version);
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
    // A stale save or 提交: keep what was typed, build on the newest
    // version next time.
    let catch_up = move |e: &AppError| {
        if e.is_stale() {
            leptos::task::spawn_local(async move {
                if let Ok(now) = info_version().await {
                    version.set(now);
                }
            });
        }
    };
    Effect::new(move |_| {
        if let Some(Err(e)) = save.value().get() {
            catch_up(&e);
        }
    });
    // The address names the step (a reload reopens it), and the saved note
    // is said once (a reload does not repeat it).
    #[cfg(feature = "hydrate")]
    if let Ok(h) = window().history() {
        let url = step_href(step, None);
        let _ = h.replace_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    if let Some(submit) = submit {
        Effect::new(move |prev: Option<usize>| {
            let n = submit.version().get();
            if prev.is_some_and(|p| p != n) {
                match submit.value().get_untracked() {
                    // The page shows the record as submitted.
                    Some(Ok(_)) => go_to(&step_href(step, None)),
                    Some(Err(e)) => {
                        catch_up(&e);
                        form.answer(&e);
                    }
                    None => {}
                }
            }
            n
        });
    }
    let do_save = move |then: SaveIntent| {
        intent.set(then);
        saved_note.set(None);
        sent.set_value(fields.record());
        save.dispatch(SaveInfo {
            step,
            record: fields.record(),
            base_version: version.get_untracked(),
        });
    };
    let uploading = move || fields.uploads.get_untracked() > 0;
    let dirty = move || editable && (uploading() || fields.record() != stored.get_value());
    guard_unsaved(dirty);
    // A step's link saves what was typed first (the draft keeps it), then
    // goes; with nothing typed it is a plain link. While a save or a scan
    // is on its way the click waits (the buttons say so). After a save that
    // failed, it asks, as any other link does.
    let go = move |s: InfoStep| {
        move |ev: leptos::ev::MouseEvent| {
            let modified = ev.ctrl_key()
                || ev.meta_key()
                || ev.shift_key()
                || ev.alt_key()
                || ev.button() != 0;
            if s == step && !modified {
                ev.prevent_default();
                return;
            }
            if modified || !dirty() {
                return;
            }
            if matches!(save.value().get_untracked(), Some(Err(_))) && !uploading() {
                if !leave_anyway() {
                    ev.prevent_default();
                }
                return;
            }
            ev.prevent_default();
            if !save.pending().get_untracked() && !uploading() {
                do_save(SaveIntent::Goto(s));
            }
        }
    };
    // A page restored from the browser's back-forward cache holds an old
    // record: load it again rather than save over newer steps.
    #[cfg(feature = "hydrate")]
    {
        let restored = window_event_listener(leptos::ev::pageshow, |ev| {
            if ev.persisted() {
                let _ = window().location().reload();
            }
        });
        on_cleanup(move || restored.remove());
    }
    // The buttons send what the island holds: they wait for it to be live
    // (what was typed before is kept: `keep_typed`).
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let busy = move || !live.get() || save.pending().get() || fields.uploads.get() > 0;
    let ctx = StepContext {
        fields,
        form,
        check,
        regions,
    };
    view! {
        <nav aria-label="完善信息步骤">
            <ol class="steps">
                {InfoStep::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let here = step == s;
                        view! {
                            <li class:current=here>
                                <a href=step_href(s, None) aria-current=here.then_some("step") data-saves-draft="" on:click=go(s)>
                                    <span class="step-no">{i + 1}</span>
                                    {s.title()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
        <form class="form wide" novalidate on:submit=move |ev| {
            ev.prevent_default();
            do_save(SaveIntent::Next);
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
                <h2 class="step-title">{step.title()} " " <HelpTip link=step.help() topic="完善信息" /></h2>
                {body(ctx)}
                {(step != InfoStep::Submit && editable).then(|| view! {
                    <div class="form-actions">
                        <button type="button" class="button" on:click=move |_| do_save(SaveIntent::Save) disabled=busy>"保存草稿"</button>
                        " "
                        <button type="submit" class="button primary" disabled=busy>
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
        {submit.filter(|_| editable).map(|submit| view! {
            <div class="form-actions">
                <button type="button" class="button primary" disabled=move || busy() || submit.pending().get() on:click=move |_| {
                    intent.set(SaveIntent::Submit);
                    sent.set_value(fields.record());
                    save.dispatch(SaveInfo {
                        step: InfoStep::Licences,
                        record: fields.record(),
                        base_version: version.get_untracked(),
                    });
                }>"提交"</button>
                {move || saved_note.get().map(|n| view! { " " <span class="field-note" role="status">{n}</span> })}
            </div>
        })}
    }
}

#[cfg(whole_pages)]
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
