//! 完善信息: the enterprise's guided form (基础信息 → 经营方式 → 许可证 →
//! 提交), saved as a draft at every step, with the status and any lock
//! explained on the form itself.

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
use crate::components::{reload_after_success, HydrationMarker};
use crate::domain::business_mode::{policy_at, recommend, BusinessMode, ModeAdvice, ModeQuestion};
use crate::domain::enterprise_info::{
    expiry_warning, EnterpriseRecord, InfoStep, LicenceEntry, RecordStatus, Scalar, ScopeItem,
    StatusChange, ECONOMIC_TYPES, LICENCE_YEARS,
};
use crate::domain::help::Faq;
use crate::domain::major_hazard::StorageUnit;
use crate::domain::region::RegionLists;
use crate::domain::{Date, FieldErrors, Message};
use crate::error::AppError;

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
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
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
                        Ok(v) => view! { <InfoEditor v reload flash first_step /><HydrationMarker /> }.into_any(),
                        Err(AppError::Unauthorized) => view! {
                            <h1>"请先登录"</h1>
                            <p>"登录已过期或尚未登录。" <a href="/login">"前往登录"</a></p>
                            <HydrationMarker />
                        }
                            .into_any(),
                        Err(e) => view! { <ErrorNotice error=e /><HydrationMarker /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
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
    // Which button saved: "next" moves on when the step is clean, "submit" submits.
    let intent = RwSignal::new("save");
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
        if clean && intent.get_untracked() == "next" {
            step.update(|s| *s = s.next());
        }
        saved_note.set(Some(format!("已保存草稿(第{}版)。", out.version)));
        // 提交 saves what is on the form first, then submits exactly that version.
        if intent.get_untracked() == "submit" {
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
        intent.set(if next { "next" } else { "save" });
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
            <ErrorSummary form labels=summary_labels() saved=Signal::derive(move || saved_note.get()) />
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
                    InfoStep::Basic => view! { <BasicStep fields form check regions /> }.into_any(),
                    InfoStep::Mode => view! { <ModeStep fields form check /> }.into_any(),
                    InfoStep::Licences => view! { <LicencesStep fields form check /> }.into_any(),
                    InfoStep::Submit => view! { <SubmitStep fields step regions /> }.into_any(),
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
                    intent.set("submit");
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

#[component]
fn BasicStep(
    fields: Fields,
    form: FormState,
    check: Callback<(), FieldErrors>,
    regions: RwSignal<RegionLists>,
) -> impl IntoView {
    let f = |k| fields.get(k);
    view! {
        <TextField name=Scalar::Name.key() label=Scalar::Name.label() value=f(Scalar::Name) form check maxlength=120 />
        <TextField name=Scalar::LegalRep.key() label=Scalar::LegalRep.label() value=f(Scalar::LegalRep) form check maxlength=60 />
        <TextField name=Scalar::PrincipalName.key() label=Scalar::PrincipalName.label() value=f(Scalar::PrincipalName) form check maxlength=60 />
        <TextField name=Scalar::PrincipalMobile.key() label=Scalar::PrincipalMobile.label() value=f(Scalar::PrincipalMobile) form check maxlength=20 input_type="tel" />
        <TextField name=Scalar::SafetyName.key() label=Scalar::SafetyName.label() value=f(Scalar::SafetyName) form check maxlength=60 />
        <TextField name=Scalar::SafetyMobile.key() label=Scalar::SafetyMobile.label() value=f(Scalar::SafetyMobile) form check maxlength=20 input_type="tel" />
        <TextField name=Scalar::RegisteredAddress.key() label=Scalar::RegisteredAddress.label() value=f(Scalar::RegisteredAddress) form check maxlength=200 hint="营业执照上的住所。" />
        <TextField name=Scalar::BusinessAddress.key() label=Scalar::BusinessAddress.label() value=f(Scalar::BusinessAddress) form check maxlength=200 />
        <TextField name=Scalar::StorageAddress.key() label="储存场所(有储存设施时必填)" value=f(Scalar::StorageAddress) form check maxlength=200 />
        <RegionPicker value=f(Scalar::RegionCode) form check choices=regions />
        <SelectField name=Scalar::EconomicType.key() label=Scalar::EconomicType.label() value=f(Scalar::EconomicType) form check options=ECONOMIC_TYPES.iter().map(|t| (*t, *t)).collect() />
    }
}

/// A yes/no question as a radio group.
#[component]
fn YesNo(
    name: &'static str,
    question: &'static str,
    value: RwSignal<String>,
    form: FormState,
    check: Callback<(), FieldErrors>,
) -> impl IntoView {
    let set = move |v: &'static str| {
        move |_| {
            value.set(v.to_string());
            form.touch(name);
            form.refresh(name, &check.run(()));
        }
    };
    view! {
        <fieldset class="field yes-no" class:invalid=move || form.message(name).is_some() id=format!("f-{name}")>
            <legend>{question}</legend>
            <label><input type="radio" name=name value="yes" prop:checked=move || value.get() == "yes" on:change=set("yes") /> "是"</label>
            <label><input type="radio" name=name value="no" prop:checked=move || value.get() == "no" on:change=set("no") /> "否"</label>
            <FieldMessage name form />
        </fieldset>
    }
}

#[component]
fn ModeStep(fields: Fields, form: FormState, check: Callback<(), FieldErrors>) -> impl IntoView {
    let mode = fields.get(Scalar::BusinessMode);
    let advice = move || {
        let _ = (
            fields.get(Scalar::FuelStation).get(),
            fields.get(Scalar::HasStorage).get(),
            fields.get(Scalar::MajorHazard).get(),
            fields.licences.get(),
            fields.units.get(),
        );
        recommend(
            &fields.record().mode_answers(),
            policy_at(crate::clock::today()),
        )
    };
    view! {
        <p class="form-intro">"回答以下问题,系统按《危险化学品经营许可证管理办法》和全国系统的规则推荐经营方式。"</p>
        <YesNo name=Scalar::FuelStation.key() question=ModeQuestion::FuelStation.text() value=fields.get(Scalar::FuelStation) form check />
        <YesNo name=Scalar::HasStorage.key() question=ModeQuestion::HasStorage.text() value=fields.get(Scalar::HasStorage) form check />
        <Show when=move || {
            let _ = (fields.get(Scalar::HasStorage).get(), fields.get(Scalar::FuelStation).get());
            fields.record().asks_major_hazard()
        }>
            <StorageUnits units=fields.units major_hazard=fields.get(Scalar::MajorHazard) report=fields.get(Scalar::MajorHazardReport) form check />
            <YesNo name=Scalar::MajorHazard.key() question=ModeQuestion::MajorHazard.text() value=fields.get(Scalar::MajorHazard) form check />
            // An answer with no unit behind it: what to do (units stay optional).
            {move || {
                let _ = (
                    fields.get(Scalar::MajorHazard).get(),
                    fields.get(Scalar::HasStorage).get(),
                    fields.get(Scalar::FuelStation).get(),
                    fields.units.with(Vec::is_empty),
                );
                fields
                    .record()
                    .hazard_unlisted_note()
                    .map(|m| view! { <p class="notice" role="note" id="hazard-unlisted">{m}</p> })
            }}
            // Only an answer that differs from the computed one needs its report.
            <Show when=move || {
                let _ = (fields.get(Scalar::MajorHazard).get(), fields.units.get());
                let r = fields.record();
                r.hazard_identification().0.is_some_and(|c| Some(c.major) != r.mode_answers().major_hazard)
                    || !fields.get(Scalar::MajorHazardReport).get().is_empty()
            }>
                <TextField name=Scalar::MajorHazardReport.key() label=Scalar::MajorHazardReport.label() value=fields.get(Scalar::MajorHazardReport) form check maxlength=60
                    hint="回答与按储存单元计算的结果不同时填写经评审的辨识(评估)报告编号;监管部门会看到并核实。" />
            </Show>
        </Show>
        <div class="advice" role="status" aria-live="polite">
            {move || match advice() {
                ModeAdvice::Ask(q) => view! { <p>"请先回答:" {q.text()}</p> }.into_any(),
                ModeAdvice::Inconsistent(m) => view! { <p class="field-error">{m}</p> }.into_any(),
                ModeAdvice::Recommend { mode: m, reason } => view! {
                    <p>"推荐经营方式:" <strong class="recommended">{m.label()}</strong> "。" {reason} " "
                        <button type="button" class="button link" on:click=move |_| {
                            mode.set(m.code().to_string());
                            form.refresh("business_mode", &check.run(()));
                        }>"采用推荐"</button>
                    </p>
                }
                    .into_any(),
            }}
        </div>
        <SelectField
            name="business_mode"
            label="经营方式"
            value=mode
            form
            check
            options=BusinessMode::ALL.iter().map(|m| (m.code(), m.label())).collect()
            hint="非加油站企业按经营许可证上的经营方式选择;与上面的回答不一致时会说明原因。"
        />
    }
}

/// A text input bound to one field of licence `i`.
fn licence_input(
    fields: Fields,
    form: FormState,
    i: usize,
    key: &'static str,
    label: &'static str,
    input_type: &'static str,
) -> impl IntoView {
    let name = format!("licences.{i}.{key}");
    let id = format!("f-{name}");
    let get = move || {
        fields
            .licences
            .with(|ls| {
                ls.get(i).map(|l| match key {
                    "number" => l.number.clone(),
                    "issuer" => l.issuer.clone(),
                    "issued_on" => l.issued_on.clone(),
                    "valid_until" => l.valid_until.clone(),
                    "business_address" => l.business_address.clone(),
                    _ => l.storage_address.clone(),
                })
            })
            .unwrap_or_default()
    };
    let set = move |v: String| {
        fields.licences.update(|ls| {
            if let Some(l) = ls.get_mut(i) {
                match key {
                    "number" => l.number = v,
                    "issuer" => l.issuer = v,
                    "issued_on" => {
                        // Validity defaults to three years, the day before the anniversary.
                        if l.valid_until.is_empty() {
                            if let Some(d) = Date::parse(&v) {
                                l.valid_until = d.add_years(LICENCE_YEARS).add_days(-1).to_string();
                            }
                        }
                        l.issued_on = v
                    }
                    "valid_until" => l.valid_until = v,
                    "business_address" => l.business_address = v,
                    _ => l.storage_address = v,
                }
            }
        })
    };
    let msg_key = name.clone();
    let invalid = Memo::new(move |_| form.message(&msg_key).is_some());
    view! {
        <div class="field" class:invalid=move || invalid.get()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name.clone()
                type=input_type
                prop:value=get
                on:input=move |ev| set(event_target_value(&ev))
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby={
                    let m = format!("{id}-msg");
                    move || invalid.get().then(|| m.clone())
                }
            />
            {message_at(form, name)}
        </div>
    }
}

#[component]
fn LicencesStep(
    fields: Fields,
    form: FormState,
    check: Callback<(), FieldErrors>,
) -> impl IntoView {
    let add = move |_| {
        fields.licences.update(|ls| {
            ls.push(LicenceEntry {
                scope: vec![ScopeItem::default()],
                ..LicenceEntry::default()
            })
        })
    };
    let multi = fields.get(Scalar::MultiLicence);
    view! {
        <YesNo name=Scalar::MultiLicence.key() question="是否一企多证(持有多张危险化学品经营许可证)?" value=multi form check />
        {message_at(form, "licences".into())}
        {move || {
            let n = fields.licences.with(Vec::len);
            (0..n)
                .map(|i| view! { <LicenceCard fields form i /> })
                .collect_view()
        }}
        <p>
            <button
                type="button"
                class="button"
                on:click=add
                disabled=move || multi.get() != "yes" && fields.licences.with(|l| !l.is_empty())
            >
                "新增经营许可证"
            </button>
            {move || (multi.get() != "yes" && fields.licences.with(|l| !l.is_empty())).then(|| view! {
                <span class="field-hint">" 有多张许可证时,先将“是否一企多证”选为“是”。"</span>
            })}
        </p>
    }
}

#[component]
fn LicenceCard(fields: Fields, form: FormState, i: usize) -> impl IntoView {
    let mode_id = format!("f-licences.{i}.mode");
    let mode_key = format!("licences.{i}.mode");
    let scope_key = format!("licences.{i}.scope");
    let mode = move || {
        fields
            .licences
            .with(|ls| ls.get(i).map(|l| l.mode.clone()).unwrap_or_default())
    };
    let remove = move |_| {
        fields.licences.update(|ls| {
            if i < ls.len() {
                ls.remove(i);
            }
        })
    };
    let add_item = move |_| {
        fields.licences.update(|ls| {
            if let Some(l) = ls.get_mut(i) {
                l.scope.push(ScopeItem::default());
            }
        })
    };
    let items = move || {
        fields
            .licences
            .with(|ls| ls.get(i).map(|l| l.scope.len()).unwrap_or(0))
    };
    view! {
        <section class="licence-card" aria-label=format!("经营许可证{}", i + 1)>
            <h3>"经营许可证 " {i + 1} " " <button type="button" class="button link" on:click=remove>"删除这张"</button></h3>
            {licence_input(fields, form, i, "number", "许可证编号", "text")}
            {licence_input(fields, form, i, "issuer", "发证机关", "text")}
            {licence_input(fields, form, i, "issued_on", "发证日期", "date")}
            {licence_input(fields, form, i, "valid_until", "有效期至(默认发证后3年)", "date")}
            {move || {
                let today = crate::clock::today();
                fields
                    .licences
                    .with(|ls| {
                        ls.get(i).and_then(|l| {
                            Date::parse(&l.valid_until).and_then(|d| expiry_warning(&l.number, d, today))
                        })
                    })
                    .map(|m| view! { <p class="notice warning" role="note">{message_with_help("", Message::explained(m, Faq::LicenceExpiry))}</p> })
            }}
            <div class="field">
                <label for=mode_id.clone()>"许可证上的经营方式"</label>
                <select id=mode_id on:change=move |ev| {
                    let v = event_target_value(&ev);
                    fields.licences.update(|ls| if let Some(l) = ls.get_mut(i) { l.mode = v });
                }>
                    <option value="" selected=move || mode().is_empty()>"请选择"</option>
                    {BusinessMode::ALL.iter().map(|m| {
                        let code = m.code();
                        view! { <option value=code selected=move || mode() == code>{m.label()}</option> }
                    }).collect_view()}
                </select>
                {message_at(form, mode_key)}
            </div>
            <fieldset class="scope">
                <legend>"许可范围"</legend>
                {message_at(form, scope_key)}
                {move || (0..items()).map(|j| view! { <ScopeRow fields form i j /> }).collect_view()}
                <button type="button" class="button link" on:click=add_item>"增加一种危险化学品"</button>
            </fieldset>
            {licence_input(fields, form, i, "business_address", "经营地址", "text")}
            {licence_input(fields, form, i, "storage_address", "储存地址(有储存时必填)", "text")}
            <ScanField fields form i />
        </section>
    }
}

/// The optional certificate scan: checked in the browser (size, type), sent
/// as the raw file, checked again by its content on the server.
#[component]
fn ScanField(fields: Fields, form: FormState, i: usize) -> impl IntoView {
    let key = format!("licences.{i}.scan");
    let id = format!("f-{key}");
    let uploading = RwSignal::new(false);
    let scan = move || {
        fields.licences.with(|ls| {
            ls.get(i)
                .filter(|l| !l.scan.is_empty())
                .map(|l| (l.scan.clone(), l.scan_name.clone()))
        })
    };
    let error_key = key.clone();
    let on_change = move |ev: leptos::ev::Event| {
        let set_error = {
            let k = error_key.clone();
            move |m: Option<String>| {
                form.errors.update(|e| match m {
                    Some(m) => {
                        e.0.insert(k.clone(), m.into());
                    }
                    None => {
                        e.0.remove(&k);
                    }
                })
            }
        };
        #[cfg(feature = "hydrate")]
        {
            use crate::components::upload::{check_file, chosen_file, send_file};
            let Some(file) = chosen_file(&ev) else {
                return;
            };
            if let Err(m) = check_file(&file, "证书扫描件") {
                set_error(Some(m));
                return;
            }
            uploading.set(true);
            leptos::task::spawn_local(async move {
                let result = send_file("/files/licence-scan", file).await;
                uploading.set(false);
                match result {
                    Ok((id, name)) => {
                        fields.licences.update(|ls| {
                            if let Some(l) = ls.get_mut(i) {
                                l.scan = id;
                                l.scan_name = name;
                            }
                        });
                        set_error(None);
                    }
                    Err(m) => set_error(Some(m)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (ev, set_error);
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>"证书扫描件(选填;PDF、JPG、PNG,不超过5MB)"</label>
            <input
                id=id.clone()
                type="file"
                accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                on:change=on_change
                aria-describedby={
                    let (m, k) = (format!("{id}-msg"), key.clone());
                    move || form.message(&k).is_some().then(|| m.clone())
                }
            />
            {move || uploading.get().then(|| view! { <p class="field-note" role="status">"正在上传……"</p> })}
            {move || scan().map(|(id, name)| view! {
                <p class="field-note" role="status">"已上传:" <a href=format!("/files/{id}") target="_blank" rel="noopener">{name}</a></p>
            })}
            {message_at(form, key)}
        </div>
    }
}

#[component]
fn ScopeRow(fields: Fields, form: FormState, i: usize, j: usize) -> impl IntoView {
    let get = move |f: fn(&ScopeItem) -> String| {
        move || {
            fields.licences.with(|ls| {
                ls.get(i)
                    .and_then(|l| l.scope.get(j))
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let update = move |f: fn(&mut ScopeItem, String), v: String| {
        fields.licences.update(|ls| {
            if let Some(s) = ls.get_mut(i).and_then(|l| l.scope.get_mut(j)) {
                f(s, v)
            }
        })
    };
    let stored = move || {
        fields.licences.with(|ls| {
            ls.get(i)
                .and_then(|l| l.scope.get(j))
                .is_some_and(|s| s.stored)
        })
    };
    let name_id = format!("f-licences.{i}.scope.{j}.name");
    let cas_id = format!("f-licences.{i}.scope.{j}.cas");
    view! {
        <div class="scope-row">
            <label for=name_id.clone()>"品名 " {j + 1}</label>
            <input id=name_id prop:value=get(|s| s.name.clone()) on:input=move |ev| update(|s, v| s.name = v, event_target_value(&ev)) />
            <label for=cas_id.clone()>"CAS号"</label>
            <input id=cas_id prop:value=get(|s| s.cas.clone()) on:input=move |ev| update(|s, v| s.cas = v, event_target_value(&ev)) placeholder="如 7664-93-9" />
            <label><input type="checkbox" prop:checked=stored on:change=move |ev| update(|s, v| s.stored = v == "true", event_target_checked(&ev).to_string()) /> "储存"</label>
            <button type="button" class="button link" on:click=move |_| fields.licences.update(|ls| { if let Some(l) = ls.get_mut(i) { if j < l.scope.len() { l.scope.remove(j); } } })>"删除"</button>
            {message_at(form, format!("licences.{i}.scope.{j}.name"))}
            {message_at(form, format!("licences.{i}.scope.{j}.cas"))}
        </div>
    }
}

/// The completeness check of what is on the form now (the same rules the
/// server runs on submit), each problem linking to its step.
#[component]
fn SubmitStep(
    fields: Fields,
    step: RwSignal<InfoStep>,
    regions: RwSignal<RegionLists>,
) -> impl IntoView {
    let problems = move || {
        let today = crate::clock::today();
        let record = fields.record();
        let issues = record.completeness(today);
        let warnings = expiry_notices(record.expiry_warnings(today));
        if issues.is_empty() {
            return view! {
                {warnings}
                <p class="notice success">"信息已完整。请核对下面的内容,无误后点击“提交”;提交后等待监管部门确认。"</p>
            }
            .into_any();
        }
        view! {
            {warnings}
            <div class="error-summary" role="alert">
                <h2>"提交前还需处理以下 " {issues.len()} " 项:"</h2>
                <ul class="issues">
                    {issues
                        .into_iter()
                        .map(|i| {
                            let target = i.step;
                            view! {
                                <li>
                                    <button type="button" class="button link" on:click=move |_| step.set(target)>
                                        {target.title()} " · " {i.label}
                                    </button>
                                    ":" {i.message}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
        .into_any()
    };
    // Everything that will be submitted, as the regulator will read it.
    let review = move || {
        let region_name = regions.with(RegionLists::full_name);
        fields
            .record()
            .fields()
            .into_iter()
            .map(|(key, label, value)| {
                let value = if key == "region_code" && !region_name.is_empty() {
                    region_name.clone()
                } else {
                    value
                };
                let empty = value.is_empty();
                view! { <dt>{label}</dt><dd class:empty=empty>{if empty { "未填写".to_string() } else { value }}</dd> }
            })
            .collect_view()
    };
    view! {
        {problems}
        <section class="submit-review" aria-labelledby="submit-review-title">
            <h2 id="submit-review-title">"提交前请核对"</h2>
            <dl class="profile record">{review}</dl>
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
