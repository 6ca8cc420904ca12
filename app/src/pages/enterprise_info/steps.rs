//! The steps of 完善信息 with one-value fields: 基础信息, 经营方式 (with the
//! storage units) and 提交's completeness check.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use super::*;

#[component]
pub(super) fn BasicStep(
    fields: Fields,
    form: FormState,
    check: Callback<(), FieldErrors>,
    regions: RwSignal<RegionLists>,
) -> impl IntoView {
    let f = |k| fields.get(k);
    view! {
        <TextField field=Scalar::Name value=f(Scalar::Name) form check maxlength=120 />
        <TextField field=Scalar::LegalRep value=f(Scalar::LegalRep) form check maxlength=60 />
        <TextField field=Scalar::PrincipalName value=f(Scalar::PrincipalName) form check maxlength=60 />
        <TextField field=Scalar::PrincipalMobile value=f(Scalar::PrincipalMobile) form check maxlength=20 input_type="tel" />
        <TextField field=Scalar::SafetyName value=f(Scalar::SafetyName) form check maxlength=60 />
        <TextField field=Scalar::SafetyMobile value=f(Scalar::SafetyMobile) form check maxlength=20 input_type="tel" />
        <TextField field=Scalar::RegisteredAddress value=f(Scalar::RegisteredAddress) form check maxlength=200 hint="营业执照上的住所。" />
        <TextField field=Scalar::BusinessAddress value=f(Scalar::BusinessAddress) form check maxlength=200 />
        <TextField field=(Scalar::StorageAddress.key(), "储存场所(有储存设施时必填)") value=f(Scalar::StorageAddress) form check maxlength=200 />
        <RegionPicker value=f(Scalar::RegionCode) form check choices=regions />
        <SelectField field=Scalar::EconomicType value=f(Scalar::EconomicType) form check options=ECONOMIC_TYPES.iter().map(|t| (*t, *t)).collect() />
    }
}

/// A yes/no question as a radio group.
#[component]
pub(super) fn YesNo(
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
    // Rendered checked (`checked`), so the answer shows before the island is
    // live; one picked by then is kept (`keep_chosen`).
    let radios = Answer::ALL.map(|_| NodeRef::<leptos::html::Input>::new());
    keep_chosen(radios.to_vec(), value);
    view! {
        <fieldset class="field yes-no" class:invalid=move || form.message(name).is_some() id=format!("f-{name}")>
            <legend>{question}</legend>
            {Answer::ALL.into_iter().zip(radios).map(|(a, node)| view! {
                <label><input type="radio" name=name value=a.code() node_ref=node checked=value.with_untracked(|v| a.is(v)) on:change=set(a.code()) /> {a.label()}</label>
            }).collect_view()}
            <FieldMessage name form />
        </fieldset>
    }
}

#[component]
pub(super) fn ModeStep(
    fields: Fields,
    form: FormState,
    check: Callback<(), FieldErrors>,
) -> impl IntoView {
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
    let asks_major_hazard = Memo::new(move |_| {
        let _ = (
            fields.get(Scalar::HasStorage).get(),
            fields.get(Scalar::FuelStation).get(),
        );
        fields.record().asks_major_hazard()
    });
    let differs = Memo::new(move |_| {
        let _ = (fields.get(Scalar::MajorHazard).get(), fields.units.get());
        let r = fields.record();
        r.hazard_identification()
            .0
            .is_some_and(|c| Some(c.major) != r.mode_answers().major_hazard)
    });
    let report = Memo::new(move |before: Option<&ReportField>| {
        let typed = !fields.get(Scalar::MajorHazardReport).with(String::is_empty);
        ReportField::next(before.copied(), differs.get(), typed)
    });
    let asks_report = Memo::new(move |_| report.get().shown);
    view! {
        <p class="form-intro">"回答以下问题,系统按《危险化学品经营许可证管理办法》和全国系统的规则推荐经营方式。"</p>
        <YesNo name=Scalar::FuelStation.key() question=ModeQuestion::FuelStation.text() value=fields.get(Scalar::FuelStation) form check />
        <YesNo name=Scalar::HasStorage.key() question=ModeQuestion::HasStorage.text() value=fields.get(Scalar::HasStorage) form check />
        // Shown and hidden as a whole when the answers change (a memo, as
        // `Show` does, without its type-erased fallback: issue 13).
        {move || asks_major_hazard.get().then(|| view! {
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
            {move || asks_report.get().then(|| view! {
                <TextField field=Scalar::MajorHazardReport value=fields.get(Scalar::MajorHazardReport) form check maxlength=60
                    hint="回答与按储存单元计算的结果不同时填写经评审的辨识(评估)报告编号;监管部门会看到并核实。" />
            })}
        })}
        <div class="advice" role="status" aria-live="polite" aria-atomic="true">
            // One paragraph for the three kinds of advice (one view type
            // in the bundle, issue 13).
            {move || {
                let (inconsistent, lead, recommended, text) = match advice() {
                    ModeAdvice::Ask(q) => (false, Some("请先回答:"), None, q.text().to_string()),
                    ModeAdvice::Inconsistent(m) => (true, None, None, m),
                    ModeAdvice::Recommend { mode: m, reason } => (false, Some("推荐经营方式:"), Some(m), reason),
                };
                view! {
                    <p class:field-error=inconsistent>
                        {lead}
                        {recommended.map(|m| view! { <strong class="recommended">{m.label()}</strong> "。" })}
                        {text}
                        {recommended.map(|m| view! {
                            " "
                            <button type="button" class="button link" on:click=move |_| {
                                mode.set(m.code().to_string());
                                form.refresh("business_mode", &check.run(()));
                            }>"采用推荐"</button>
                        })}
                    </p>
                }
            }}
        </div>
        <SelectField
            field=Scalar::BusinessMode
            value=mode
            form
            check
            options=BusinessMode::ALL.iter().map(|m| (m.code(), m.label())).collect()
            hint="非加油站企业按经营许可证上的经营方式选择;与上面的回答不一致时会说明原因。"
        />
    }
}

/// Whether 重大危险源辨识(评估)报告编号 is asked for: when the answer differs
/// from the one computed from the storage units, or a number is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ReportField {
    /// The answer differs from the computed one.
    differs: bool,
    shown: bool,
}

impl ReportField {
    /// Once shown, the field stays while the answer keeps differing (or
    /// keeps agreeing): emptying it does not take away the field being
    /// typed in; a change of the answer or of the units does.
    fn next(before: Option<ReportField>, differs: bool, typed: bool) -> ReportField {
        let kept = before.is_some_and(|b| b.shown && b.differs == differs);
        ReportField {
            differs,
            shown: differs || typed || kept,
        }
    }
}

/// The completeness check of what is on the form now (the same rules the
/// server runs on submit), each problem linking to its step.
#[component]
pub(super) fn SubmitStep(fields: Fields, regions: RwSignal<RegionLists>) -> impl IntoView {
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
                                    <a href=step_href(target, None)>
                                        {target.title()} " · " {i.label}
                                    </a>
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
            .map(|(field, value)| {
                let value = if field == Scalar::RegionCode.into() && !region_name.is_empty() {
                    region_name.clone()
                } else {
                    value
                };
                let empty = value.is_empty();
                view! { <dt>{field.label()}</dt><dd class:empty=empty>{if empty { "未填写".to_string() } else { value }}</dd> }
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

#[cfg(test)]
mod tests {
    use super::ReportField;

    #[test]
    fn the_report_field_stays_while_its_number_is_deleted() {
        // A saved number where the answer agrees with the computation: shown.
        let shown = ReportField::next(None, false, true);
        assert!(shown.shown);
        // Its last character deleted: still there to type in.
        let emptied = ReportField::next(Some(shown), false, false);
        assert!(emptied.shown);
        // The answer (or the units) then disagree and agree again: gone.
        let differs = ReportField::next(Some(emptied), true, false);
        assert!(differs.shown);
        assert!(!ReportField::next(Some(differs), false, false).shown);
        // Nothing typed and an agreeing answer: never asked.
        assert!(!ReportField::next(None, false, false).shown);
    }
}
