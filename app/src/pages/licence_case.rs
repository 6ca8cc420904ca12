//! 许可证业务 pages: the enterprise's cases and where to start one, a case
//! (the applicant's form and checklist, or the issuer's actions, and for
//! both the progress, the documents and the certificate), the issuer's
//! inbox, the certificate print view and the public verification page.
//!
//! The interactive parts take their data as props and read no router
//! context, so they can become islands unchanged.
#![cfg_attr(not(whole_pages), allow(dead_code, unused_imports))]

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::licence_case::{
    case_inbox, get_case, get_certificate, lookup_licences, my_cases, save_case,
    verify_certificate, CaseSummary, CaseView, CertificateView, ClaimCase, MoveCase, PlanOnsite,
    RecordOnsite, StartCase,
};
use crate::components::field::{
    bind_checked, field_error, form_refusal, join_ids, keep_typed_in, kept_elsewhere, kept_note,
    message_as, message_at, plain_described_by, textarea_text, FormState, TextField,
};
use crate::components::layout::{refusal, ErrorNotice};
use crate::components::unsaved::guard_unsaved;
use crate::components::upload::on_scan_chosen;
use crate::components::{
    go_to, kept_form_in_address, plain_post_error, refusal_at_kept_form, reload_page_after_success,
    HydrationMarker, PrintButton,
};
use crate::domain::business_mode::BusinessMode;
use crate::domain::enterprise_info::{Answer, HazardVerdict};
use crate::domain::kept_text::{KeptFields, KeptForm, OnSiteStage};
use crate::domain::licence_case::{
    parse_scope, scope_text, Action, Application, Attached, CaseKind, ChangeItem, Step,
    CORRECTION_TEXT_MISSING, REASON_TEXT_MISSING,
};
use crate::error::{AppError, STALE};
use crate::pages::loaded;
#[cfg(whole_pages)]
use crate::pages::{filter_select, option};
use leptos::server_fn::ServerFn;

/// Which case to start when, in the words of the national guides.
const WHICH_CASE: &[(&str, &str)] = &[
    ("首次申请", "尚未取得许可证;或经营方式、许可范围变化,经营场所或储存场所搬迁(这些情形须重新申请,不能办理变更)。"),
    ("延期换证", "许可证有效期届满后需继续经营的,应在届满3个月前申请。"),
    ("变更", "企业名称、主要负责人、注册地址、储存设施及其监控措施发生变化的,应在变化之日起20个工作日内申请。"),
    ("注销", "不再从事危险化学品经营的。"),
    ("补证", "许可证遗失或损毁的。"),
];

/// The enterprise's 许可证业务: start a case, open one.
#[cfg(any(whole_pages, island = "LicencesPage"))]
#[cfg_attr(island = "LicencesPage", island)]
#[cfg_attr(not(island = "LicencesPage"), component)]
pub fn LicencesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_cases());
    view! {
        <Title text="许可证业务 - 危化品经营安全监管系统" />
        <h1>"许可证业务"</h1>
        {loaded("正在加载……", data, |d| view! { <StartPanel licences=d.licences /> <CaseList cases=d.cases inbox=false /> })}
    }
}

#[component]
fn StartPanel(licences: Vec<crate::api::enterprise_info::LicenceSummary>) -> impl IntoView {
    let start = start_case();
    let error = move || {
        start
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorNotice error=e /> })
    };
    view! {
        <section aria-labelledby="start-title">
            <h2 id="start-title">"办理新业务"</h2>
            {error}
            <dl class="which-case">
                {WHICH_CASE.iter().map(|(k, t)| view! { <dt>{*k}</dt><dd>{*t}</dd> }).collect_view()}
            </dl>
            <div class="start-new">{start_button(start, CaseKind::New, String::new())}</div>
            {held_licences(start, licences)}
        </section>
    }
}

/// The action that starts a case, and goes to the case once started.
fn start_case() -> ServerAction<StartCase> {
    let start = ServerAction::<StartCase>::new();
    Effect::new(move |prev: Option<usize>| {
        let n = start.version().get();
        if prev.is_some_and(|p| p != n) {
            if let Some(Ok(id)) = start.value().get_untracked() {
                go_to(&format!("/cases/{id}"));
            }
        }
        n
    });
    start
}

/// The button that starts a case of `kind` (on the licence `licence`).
fn start_button(start: ServerAction<StartCase>, kind: CaseKind, licence: String) -> impl IntoView {
    view! {
        <ActionForm action=start attr:class="inline-form">
            <input type="hidden" name="kind" value=kind.code() />
            <input type="hidden" name="licence" value=licence />
            <button type="submit" class="button" class:primary=kind == CaseKind::New>{kind.label()}</button>
        </ActionForm>
    }
}

/// The licences held, each with the cases it can start.
fn held_licences(
    start: ServerAction<StartCase>,
    licences: Vec<crate::api::enterprise_info::LicenceSummary>,
) -> AnyView {
    if licences.is_empty() {
        view! { <p class="field-note">"本企业在“完善信息”中还没有登记许可证;延期、变更、注销和补证须先登记所持许可证。"</p> }.into_any()
    } else {
        view! {
            <table class="data" id="licences-held">
                <caption>"所持许可证"</caption>
                <thead><tr><th>"许可证编号"</th><th>"有效期至"</th><th>"办理"</th></tr></thead>
                <tbody>
                    {licences.into_iter().map(|l| {
                        let n = l.number.clone();
                        view! {
                            <tr>
                                <td>{l.number.clone()}</td>
                                <td>{l.valid_until.clone()}</td>
                                <td class="actions">
                                    {[CaseKind::Renewal, CaseKind::Change, CaseKind::Cancel, CaseKind::Reissue]
                                        .into_iter()
                                        .map(|k| start_button(start, k, n.clone()))
                                        .collect_view()}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }.into_any()
    }
}

/// A list of cases: the enterprise's own or an issuer's inbox.
#[component]
fn CaseList(cases: Vec<CaseSummary>, inbox: bool) -> impl IntoView {
    if cases.is_empty() {
        return view! { <p class="empty">{if inbox { "没有符合条件的案件。" } else { "还没有办理过许可证业务。" }}</p> }.into_any();
    }
    view! {
        <table class="data cases">
            <thead>
                <tr>
                    <th>"案件"</th>
                    {inbox.then(|| view! { <th>"申请人"</th> })}
                    <th>"业务"</th>
                    <th>"许可证"</th>
                    <th>"进度"</th>
                    <th>"办理方"</th>
                    <th>"期限"</th>
                </tr>
            </thead>
            <tbody>
                {cases.into_iter().map(|c| {
                    let flags = [
                        c.deemed_accepted.then_some("已超过受理期限,依法视为受理"),
                        (c.overdue && !c.deemed_accepted).then_some("已超期"),
                        (!c.late_filing.is_empty() && !c.escalated).then_some("逾期申请"),
                        c.escalated.then_some("逾期延期申请·优先审查"),
                    ];
                    view! {
                        <tr class:overdue=c.overdue>
                            <td><a href=format!("/cases/{}", c.id)>{format!("第 {} 号", c.id)}</a></td>
                            {inbox.then(|| view! { <td>{c.enterprise.clone()}<br/><small>{c.credit_code.clone()}</small></td> })}
                            <td>{c.kind.label()}</td>
                            <td>{c.licence_number.clone()}</td>
                            <td class="step">{c.step_label()}</td>
                            <td>{c.holder_text()} {(!c.claimed_by.is_empty()).then(|| view! { <br/><small>{format!("承办:{}", c.claimed_by)}</small> })}</td>
                            <td>
                                {c.deadline.clone()}
                                {flags.into_iter().flatten().map(|f| view! { <br/><strong class="flag">{f}</strong> }).collect_view()}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The issuing authority's inbox, filtered by step and overdue (a GET form).
#[cfg(whole_pages)]
#[component]
pub fn CaseInboxPage() -> impl IntoView {
    let query = use_query_map();
    let step = move || query.with(|q| q.get("step").unwrap_or_default());
    let overdue = move || query.with(|q| q.get("overdue").as_deref() == Some("1"));
    let due = move || {
        query.with(|q| {
            q.get("due")
                .and_then(|d| d.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let cases = Resource::new(
        move || (step(), overdue(), due()),
        |(s, o, d)| case_inbox(s, o, d),
    );
    view! {
        <Title text="许可证案件 - 危化品经营安全监管系统" />
        <h1>"许可证案件"</h1>
        <form method="get" action="/cases" class="filters">
            {filter_select(
                ("f-step", "step", "进度"),
                std::iter::once(option("", "全部未办结")).chain(
                    [Step::Submitted, Step::Correction, Step::Accepted, Step::Approved, Step::Done, Step::NotAccepted, Step::Refused]
                        .map(|s| option(s.code(), s.label(CaseKind::New))),
                ),
                step,
            )}
            {filter_select(
                ("f-due", "due", "期限"),
                [(0, "不限"), (3, "3天内到期"), (7, "7天内到期"), (15, "15天内到期")].map(|(d, t)| option(d, t)),
                move || due().to_string(),
            )}
            <label><input type="checkbox" name="overdue" value="1" checked=overdue /> "只看已超期"</label>
            <button type="submit" class="button">"筛选"</button>
        </form>
        <p class="field-note">"按期限先后排列:最早到期的在最前;逾期提出的延期申请(许可证即将到期)排在最前,优先审查。"</p>
        {loaded("正在加载……", cases, move |list| {
            // The filters as the address has them.
            let query = query.with_untracked(|q| {
                crate::pages::report::query_string(&[
                    ("step", q.get("step").unwrap_or_default()),
                    ("overdue", q.get("overdue").unwrap_or_default()),
                    ("due", q.get("due").unwrap_or_default()),
                ])
            });
            let rows = list.len() as i64;
            view! { {crate::pages::report::export_links("cases", query, rows)} <CaseList cases=list inbox=true /> }
        })}
    }
}

/// One case, for the applicant and for the regulators: rendered by the
/// server, with the applicant's form an island started from the case (it
/// loads the page again after each step, which says what was done: the
/// server functions flash it). 撤回 and the issuer's steps are plain posts.
#[cfg(whole_pages)]
#[component]
pub fn CasePage() -> impl IntoView {
    let id = crate::pages::id_param("id");
    let case = Resource::new(id, get_case);
    // A plain post on this page that was refused (one at a time), and
    // which on-site form sent it, if one did.
    let from_onsite = |stage, e| Refused {
        onsite: Some(stage),
        error: e,
    };
    let refused = StoredValue::new(
        plain_post_error::<PlanOnsite>()
            .map(|e| from_onsite(OnSiteStage::Plan, e))
            .or_else(|| {
                plain_post_error::<RecordOnsite>().map(|e| from_onsite(OnSiteStage::Record, e))
            })
            .or_else(|| {
                plain_post_error::<MoveCase>()
                    .or_else(plain_post_error::<ClaimCase>)
                    .map(|error| Refused {
                        onsite: None,
                        error,
                    })
            }),
    );
    view! {
        <Title text="许可证案件 - 危化品经营安全监管系统" />
        {loaded("正在加载……", case, move |c| case_detail(c, refused.get_value()))}
    }
}

/// What the applicant (撤回) or the issuing authority can do with the case
/// now: plain form posts, rendered by the server. Each comes back to this
/// page, which says what was done (the server functions flash it) or, from
/// the address, what was refused. Only the on-site forms, of several
/// fields, are islands.
#[cfg(whole_pages)]
fn case_actions(c: CaseView, at_form: AtForm) -> impl IntoView {
    view! {
        {withdraws(&c).then(|| move_form(&c, Action::Withdraw))}
        {c.issuer_view.then(|| issuer_actions(c.clone(), at_form))}
    }
}

/// A plain post of the case page that the server refused, and the on-site
/// form that sent it (`None`: a step or 认领).
#[cfg(whole_pages)]
#[derive(Clone)]
struct Refused {
    onsite: Option<OnSiteStage>,
    error: AppError,
}

/// A plain post of the case page that the server refused, said at the
/// form it came from (which has what was typed back): a step's text
/// (the message at its field) or an on-site form (its error).
#[cfg(whole_pages)]
#[derive(Clone)]
struct AtForm {
    text: Option<(Action, String)>,
    onsite: Option<(OnSiteStage, AppError)>,
}

#[cfg(whole_pages)]
impl AtForm {
    fn is_empty(&self) -> bool {
        self.text.is_none() && self.onsite.is_none()
    }

    /// The error the on-site form `stage` starts with.
    fn onsite(&self, stage: OnSiteStage) -> Option<AppError> {
        self.onsite
            .as_ref()
            .filter(|(s, _)| *s == stage)
            .map(|(_, e)| e.clone())
    }
}

/// Whether the case offers the on-site form `stage` to its issuer now.
#[cfg(whole_pages)]
fn onsite_offered(c: &CaseView, stage: OnSiteStage) -> bool {
    c.issuer_view
        && match stage {
            OnSiteStage::Plan => {
                c.summary.step == Step::Accepted && c.onsite_needed && c.onsite.is_none()
            }
            OnSiteStage::Record => c.actions.contains(&Action::RecordOnSite),
        }
}

/// What the viewer typed in the on-site form `stage` that the server
/// refused (empty when nothing is kept).
#[cfg(whole_pages)]
fn kept_onsite(c: &CaseView, stage: OnSiteStage) -> KeptFields {
    c.kept_onsite
        .iter()
        .find(|(s, _)| *s == stage)
        .map(|(_, fields)| fields.clone())
        .unwrap_or_default()
}

/// 撤回 is offered once the case is submitted (never on a draft being
/// edited, as before).
#[cfg(whole_pages)]
fn withdraws(c: &CaseView) -> bool {
    c.actions.contains(&Action::Withdraw) && !c.actions.contains(&Action::Submit)
}

#[cfg(whole_pages)]
fn case_detail(c: CaseView, refused: Option<Refused>) -> impl IntoView {
    let s = c.summary.clone();
    // A step's text the server refused is said at that step's field (which
    // has the text back, `c.kept`); anything else where the page begins.
    let text_error = match refusal_at_kept_form(refused.as_ref().map(|r| &r.error), "text") {
        Some((KeptForm::CaseStep { case, action }, message))
            if case == s.id && c.actions.contains(&action) =>
        {
            Some((action, message))
        }
        _ => None,
    };
    // An on-site form's refusal is said by that form (it has its fields back).
    let onsite_failed = match kept_form_in_address() {
        Some(KeptForm::OnSite { case, stage }) if case == s.id && onsite_offered(&c, stage) => {
            refused
                .as_ref()
                .filter(|r| r.onsite == Some(stage))
                .map(|r| (stage, r.error.clone()))
        }
        _ => None,
    };
    let at_form = AtForm {
        text: text_error,
        onsite: onsite_failed,
    };
    let refused = refused.filter(|_| at_form.is_empty()).map(|r| r.error);
    // The applicant's form while the case may be edited, with its
    // 重大危险源辨识 computed here (see CaseForm); else what was filed.
    let body = if c.actions.contains(&Action::Submit) {
        let filed = c.application.clone();
        let identified = filed.identified();
        Either::Left(view! {
            <CaseForm id=s.id kind=s.kind version=c.version application=Application {
                storage_units: Vec::new(),
                major_hazard_report: String::new(),
                ..filed.clone()
            } identified>
                <HazardSummary app=filed />
            </CaseForm>
        })
    } else {
        Either::Right(view! { <ApplicationView c=c.clone() /> })
    };
    let back = if c.issuer_view {
        view! { <a href="/cases">"许可证案件"</a> }.into_any()
    } else {
        view! { <a href="/licences">"许可证业务"</a> }.into_any()
    };
    view! {
        <p class="breadcrumbs">{back} " › " {format!("第 {} 号", s.id)}</p>
        <h1>{format!("{} · {}", s.kind.label(), s.enterprise)} " " <span class="status-badge case-step">{s.step_label()}</span></h1>
        <dl class="profile case-facts">
            <dt>"统一社会信用代码"</dt><dd>{s.credit_code.clone()}</dd>
            {(!s.licence_number.is_empty()).then(|| view! { <dt>"许可证编号"</dt><dd>{s.licence_number.clone()}</dd> })}
            <dt>"当前办理方"</dt><dd class="holder">{s.holder_text()}</dd>
            {(!s.issuer.is_empty()).then(|| view! { <dt>"发证机关"</dt><dd>{s.issuer.clone()}</dd> })}
            {(!s.submitted_at.is_empty()).then(|| view! { <dt>"提交时间"</dt><dd>{s.submitted_at.clone()}</dd> })}
            {(!s.step_started_on.is_empty() && !s.deadline.is_empty()).then(|| view! { <dt>"本环节起算"</dt><dd>{s.step_started_on.clone()}</dd> })}
            {(!s.deadline.is_empty()).then(|| view! { <dt>"本环节期限"</dt><dd class="deadline" class:overdue=s.overdue>{s.deadline.clone()} {s.overdue.then_some("(已超期)")}</dd> })}
            {(!s.claimed_by.is_empty()).then(|| view! { <dt>"承办人"</dt><dd>{s.claimed_by.clone()}</dd> })}
        </dl>
        // What a plain post on this page was refused, said where the page
        // begins, whatever the case now offers.
        {refusal(refused)}
        {s.deemed_accepted.then(|| view! {
            <p class="alert" role="alert">"发证机关未在法定期限(5个工作日)内作出受理或补正决定:依法自收到申请之日起视为受理。"</p>
        })}
        {(!s.late_filing.is_empty()).then(|| view! { <p class="alert late-filing" role="alert">{s.late_filing.clone()}</p> })}
        {(!c.onsite_plan.is_empty() && c.onsite.is_none()).then(|| view! { <p class="notice onsite-plan">"已安排现场核查:" {c.onsite_plan.clone()}</p> })}
        {(s.step == Step::Correction && !c.correction_notice.is_empty()).then(|| view! {
            <section class="alert correction-notice" role="alert">
                <h2>"补正通知(请一次补齐后重新提交)"</h2>
                <p class="pre">{c.correction_notice.clone()}</p>
            </section>
        })}
        {(!c.decision_reason.is_empty()).then(|| view! { <p class="alert pre">"理由:" {c.decision_reason.clone()}</p> })}
        {c.certificate.clone().map(|(id, number)| view! {
            <p class="notice success">{format!("证书编号 {number}")} " " <a class="button" href=format!("/certificates/{id}")>"查看、打印证书"</a></p>
        })}
        {body}
        {(withdraws(&c) || c.issuer_view).then(|| case_actions(c.clone(), at_form))}
        <section aria-labelledby="docs-title">
            <h2 id="docs-title">"文书"</h2>
            {if c.documents.is_empty() {
                view! { <p class="empty">"暂无。"</p> }.into_any()
            } else {
                c.documents.clone().into_iter().enumerate().map(|(i, d)| view! {
                    <article class="document">
                        <h3>{d.title} " " <small>{d.number}</small> " " <a class="no-print" href=format!("/cases/{}/documents/{}", s.id, i + 1)>"打印"</a></h3>
                        <p class="pre">{d.body}</p>
                        <p class="document-foot">{d.issuer} " · " {d.issued_at}</p>
                    </article>
                }).collect_view().into_any()
            }}
        </section>
        <section aria-labelledby="progress-title">
            <h2 id="progress-title">"办理进度"</h2>
            <ol class="case-events">
                {c.events.clone().into_iter().map(|e| view! {
                    <li><span class="when">{e.at}</span> " " <strong>{e.what}</strong> " → " {e.step} " · " {e.actor}
                        {(!e.note.is_empty()).then(|| view! { <br/><span class="note">{e.note}</span> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}

/// The three places an application and a certificate name.
#[cfg(whole_pages)]
fn places([registered, business, storage]: [&str; 3]) -> [(&'static str, String); 3] {
    [
        ("注册地址", registered.to_string()),
        ("经营场所", business.to_string()),
        ("储存场所", storage.to_string()),
    ]
}

/// Label–value rows as the items of a definition list, empty ones left out.
#[cfg(whole_pages)]
fn described(rows: Vec<(&'static str, String)>) -> impl IntoView {
    rows.into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
        .collect_view()
}

/// The application as filed (read-only), with its materials.
#[cfg(whole_pages)]
#[component]
fn ApplicationView(c: CaseView) -> impl IntoView {
    let a = c.application.clone();
    let mut rows = vec![
        ("企业名称", a.name.clone()),
        ("法定代表人", a.legal_rep.clone()),
    ];
    rows.extend(places(a.places()));
    rows.extend([
        ("经营方式", BusinessMode::label_of(&a.mode)),
        ("许可范围", scope_text(&a.scope).replace('\n', ";")),
        (
            "变更事项",
            a.changes
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ("变更日期", a.changed_on.clone()),
        ("原因", a.reason.clone()),
        ("主要负责人", a.principal_name.clone()),
        ("联系人", format!("{} {}", a.contact_name, a.contact_mobile)),
    ]);
    view! {
        <section aria-labelledby="app-title">
            <h2 id="app-title">"申请内容"</h2>
            <dl class="profile record">{described(rows)}</dl>
            <HazardSummary app=c.application.clone() />
            <h3>"申请材料"</h3>
            <ul class="materials">
                {c.materials.into_iter().map(|m| view! {
                    <li>
                        {m.title} " " <small>{if m.original { "(原件扫描)" } else { "(扫描件)" }}</small>
                        {if m.files.is_empty() {
                            view! { " " <strong class="flag">"未上传"</strong> }.into_any()
                        } else {
                            m.files.into_iter().map(|f| view! { " " <a href=format!("/files/{}", f.id) target="_blank" rel="noopener">{f.name}</a> }).collect_view().into_any()
                        }}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The fields of the form, as signals.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    legal_rep: RwSignal<String>,
    principal_name: RwSignal<String>,
    registered_address: RwSignal<String>,
    business_address: RwSignal<String>,
    storage_address: RwSignal<String>,
    mode: RwSignal<String>,
    scope: RwSignal<String>,
    toxic: RwSignal<bool>,
    changes: RwSignal<Vec<ChangeItem>>,
    changed_on: RwSignal<String>,
    simplified: RwSignal<bool>,
    reason: RwSignal<String>,
    contact_name: RwSignal<String>,
    contact_mobile: RwSignal<String>,
    files: RwSignal<Vec<Attached>>,
}

impl Fields {
    fn new(a: &Application) -> Fields {
        Fields {
            name: RwSignal::new(a.name.clone()),
            legal_rep: RwSignal::new(a.legal_rep.clone()),
            principal_name: RwSignal::new(a.principal_name.clone()),
            registered_address: RwSignal::new(a.registered_address.clone()),
            business_address: RwSignal::new(a.business_address.clone()),
            storage_address: RwSignal::new(a.storage_address.clone()),
            mode: RwSignal::new(a.mode.clone()),
            scope: RwSignal::new(scope_text(&a.scope)),
            toxic: RwSignal::new(a.toxic_or_explosive),
            changes: RwSignal::new(a.changes.clone()),
            changed_on: RwSignal::new(a.changed_on.clone()),
            simplified: RwSignal::new(a.simplified),
            reason: RwSignal::new(a.reason.clone()),
            contact_name: RwSignal::new(a.contact_name.clone()),
            contact_mobile: RwSignal::new(a.contact_mobile.clone()),
            files: RwSignal::new(a.files.clone()),
        }
    }

    fn application(&self, base: &Application) -> Application {
        Application {
            name: self.name.get_untracked(),
            legal_rep: self.legal_rep.get_untracked(),
            principal_name: self.principal_name.get_untracked(),
            registered_address: self.registered_address.get_untracked(),
            business_address: self.business_address.get_untracked(),
            storage_address: self.storage_address.get_untracked(),
            mode: self.mode.get_untracked(),
            scope: parse_scope(&self.scope.get_untracked()),
            toxic_or_explosive: self.toxic.get_untracked(),
            changes: self.changes.get_untracked(),
            changed_on: self.changed_on.get_untracked().trim().to_string(),
            simplified: self.simplified.get_untracked(),
            reason: self.reason.get_untracked(),
            contact_name: self.contact_name.get_untracked(),
            contact_mobile: self.contact_mobile.get_untracked(),
            files: self.files.get_untracked(),
            ..base.clone()
        }
    }
}

/// The applicant's form: the case's fields, its checklist with uploads,
/// saving (nothing typed is lost) and submitting after the same check the
/// server makes.
///
/// Started from what it edits only (not the whole case: its props are
/// decoded in the browser). The 重大危险源辨识 comes as the server computed
/// it: its conclusion (`identified`, for the checks and the checklist) and
/// its arithmetic as `children`, rendered by the server; so the browser
/// does without the GB 18218 tables, and the application comes without its
/// storage units and report (the server keeps the case's own whatever a
/// save sends).
#[cfg(any(whole_pages, island = "CaseForm"))]
#[cfg_attr(island = "CaseForm", island)]
#[cfg_attr(not(island = "CaseForm"), component)]
fn CaseForm(
    id: i64,
    kind: CaseKind,
    version: i64,
    application: Application,
    identified: Option<HazardVerdict>,
    children: Children,
) -> impl IntoView {
    let base = application;
    let version = RwSignal::new(version);
    let f = Fields::new(&base);
    let form = FormState::new(Default::default(), None);
    let busy = RwSignal::new(false);
    let saved_note = RwSignal::new(None::<&'static str>);
    let base_for_check = base.clone();
    let check = Callback::new(move |()| {
        f.application(&base_for_check)
            .check_submit_given(kind, crate::clock::today(), identified)
    });
    // The checklist follows the answers (storage, the items of a 变更, the simplified renewal).
    let base_for_list = base.clone();
    let checklist = Memo::new(move |_| {
        let _ = (f.mode.get(), f.changes.get(), f.simplified.get());
        f.application(&base_for_list)
            .materials_given(kind, identified)
    });
    let reapply = Memo::new(move |_| {
        f.changes
            .get()
            .iter()
            .find_map(|c| c.reapply_reason().map(|r| (c.label(), r)))
    });
    // Leaving with typing not yet saved asks first.
    let last_saved = RwSignal::new(f.application(&base));
    let base_value = StoredValue::new(base.clone());
    guard_unsaved(move || {
        base_value.with_value(|b| f.application(b)) != last_saved.get_untracked()
    });
    let base_for_save = base.clone();
    let save = move |submit: bool| {
        saved_note.set(None);
        let app = f.application(&base_for_save);
        let app_sent = app.clone();
        if submit && !form.validate(check) {
            form.alert.set(Some(
                "还有未完成的内容,请按标出的提示修改(材料清单中未上传的也已标出)。".into(),
            ));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let saved = save_case(id, version.get_untracked(), app).await;
            match saved {
                Ok(s) => {
                    version.set(s.version);
                    last_saved.set(app_sent);
                    if !submit {
                        busy.set(false);
                        form.alert.set(None);
                        saved_note.set(Some("已保存。可以随时回来继续填写。"));
                        return;
                    }
                    let moved = crate::api::licence_case::move_case(
                        id,
                        s.version,
                        Action::Submit.code().into(),
                        String::new(),
                    )
                    .await;
                    match moved {
                        // The page again, saying what was done (flashed);
                        // what was typed meanwhile does not hold it back.
                        Ok(_) => {
                            last_saved.set(f.application(&base_value.get_value()));
                            go_to(&format!("/cases/{id}"));
                        }
                        Err(e) => {
                            busy.set(false);
                            form.answer(&e);
                        }
                    }
                }
                Err(e) => {
                    busy.set(false);
                    form.answer(&e);
                }
            }
        });
    };
    let save_click = save.clone();
    let text = move |name: &'static str, label: &'static str, value: RwSignal<String>| {
        view! { <TextField field=(name, label) value form check /> }
    };
    let full_form = kind != CaseKind::Cancel && kind != CaseKind::Reissue;
    let scope_input = NodeRef::<leptos::html::Textarea>::new();
    keep_typed_in(scope_input, f.scope);
    let mode_input = NodeRef::<leptos::html::Select>::new();
    keep_typed_in(mode_input, f.mode);
    let toxic = bind_checked(move || f.toxic.get(), move |on| f.toxic.set(on));
    let simplified = bind_checked(move || f.simplified.get(), move |on| f.simplified.set(on));
    view! {
        <form class="case-form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            save_click(true);
        }>
            {form_refusal(form, CASE_REFUSED_AT)}
            {full_form.then(|| view! {
                <fieldset>
                    <legend>"申请人"</legend>
                    <p class="field-note">"以下内容取自已确认的企业信息和所办理的许可证,如有变化请直接修改。"</p>
                    {text("name", "企业名称", f.name)}
                    {text("legal_rep", "法定代表人", f.legal_rep)}
                    {text("principal_name", "主要负责人", f.principal_name)}
                    {text("registered_address", "注册地址", f.registered_address)}
                    {text("business_address", "经营场所地址", f.business_address)}
                    {text("storage_address", "储存场所地址(有储存设施的必填)", f.storage_address)}
                </fieldset>
                <fieldset>
                    <legend>"许可事项"</legend>
                    <div class="field" class:invalid=move || form.message("mode").is_some()>
                        <label for="f-mode">"经营方式"</label>
                        <select id="f-mode" name="mode" node_ref=mode_input on:change=move |ev| {
                            f.mode.set(event_target_value(&ev));
                            form.touch("mode");
                            form.refresh("mode", &check.run(()));
                            form.refresh("storage_address", &check.run(()));
                        }>
                            <option value="" selected=move || f.mode.get().is_empty()>"请选择"</option>
                            {BusinessMode::ALL.into_iter().map(|m| view! {
                                <option value=m.code() selected=move || f.mode.get() == m.code()>{m.label()}</option>
                            }).collect_view()}
                        </select>
                        {message_at(form, "mode".into())}
                        <p class="field-hint">"不知道选哪一种?在“完善信息”的“经营方式”一步按问题回答,系统会给出建议(含重大危险源辨识)。"</p>
                    </div>
                    {children()}
                    <div class="field" class:invalid=move || form.message("scope").is_some()>
                        <label for="f-scope">"许可范围(每行一种危险化学品:品名,CAS号)"</label>
                        <textarea id="f-scope" name="scope" rows="5" node_ref=scope_input on:input=move |ev| {
                            f.scope.set(event_target_value(&ev));
                            if form.live("scope") {
                                form.refresh("scope", &check.run(()));
                            }
                        } on:blur=move |_| {
                            form.touch("scope");
                            form.refresh("scope", &check.run(()));
                        }>{textarea_text(f.scope.get_untracked())}</textarea>
                        {message_at(form, "scope".into())}
                        {move || {
                            let errs = form.errors.get();
                            errs.iter()
                                .filter(|(k, _)| k.starts_with("scope."))
                                .map(|(k, m)| {
                                    let line = k.split('.').nth(1).and_then(|n| n.parse::<usize>().ok()).map(|n| n + 1).unwrap_or(0);
                                    view! { <p class="field-error" role="alert">{format!("第{line}行:{m}")}</p> }
                                })
                                .collect_view()
                        }}
                    </div>
                    <div class="field">
                        <label><input type="checkbox" name="toxic" node_ref=toxic.0 checked=toxic.1 on:change=move |ev| f.toxic.set(event_target_checked(&ev)) /> " 经营剧毒化学品或易制爆危险化学品(由设区的市级应急管理部门发证)"</label>
                    </div>
                </fieldset>
            })}
            {(kind == CaseKind::Change).then(|| view! {
                <fieldset class:invalid=move || form.message("changes").is_some()>
                    <legend>"变更事项"</legend>
                    {ChangeItem::ALL.into_iter().map(|item| {
                        let tick = move |on: bool| {
                            f.changes.update(|v| {
                                v.retain(|c| *c != item);
                                if on { v.push(item); }
                            });
                            form.touch("changes");
                            form.refresh("changes", &check.run(()));
                        };
                        let (node, on0) = bind_checked(move || f.changes.with(|v| v.contains(&item)), tick);
                        view! {
                            <label class="choice">
                                <input type="checkbox" name="changes" value=item.code() node_ref=node checked=on0
                                    on:change=move |ev| tick(event_target_checked(&ev)) />
                                " " {item.label()}
                            </label>
                        }
                    }).collect_view()}
                    {message_at(form, "changes".into())}
                    {move || reapply.get().map(|(label, reason)| view! {
                        <div class="alert reapply" role="alert">
                            <p>{format!("“{label}”:{reason}")}</p>
                            <StartNewInstead />
                        </div>
                    })}
                    {text("changed_on", "变更发生日期(如营业执照变更登记日期,格式 2026-11-20)", f.changed_on)}
                </fieldset>
            })}
            {(kind == CaseKind::Renewal).then(|| view! {
                <fieldset>
                    <legend>"延期方式"</legend>
                    <label class="choice">
                        <input type="checkbox" name="simplified" node_ref=simplified.0 checked=simplified.1 on:change=move |ev| f.simplified.set(event_target_checked(&ev)) />
                        " 申请简化延期:许可证有效期内守法经营、安全生产条件未降低、未发生死亡事故或其他造成社会不良影响的生产安全事故(有储存设施的还须取得安全生产标准化二级及以上证书)"
                    </label>
                </fieldset>
            })}
            {(!full_form).then(|| text("reason", if kind == CaseKind::Cancel { "注销原因" } else { "补证原因" }, f.reason))}
            <fieldset>
                <legend>"联系人"</legend>
                {text("contact_name", "联系人姓名", f.contact_name)}
                {text("contact_mobile", "联系人手机号(进度短信发送到这个号码)", f.contact_mobile)}
            </fieldset>
            <fieldset class="materials">
                <legend>"申请材料"</legend>
                <p class="field-note">"每项可上传一个或多个文件(PDF、JPG、PNG,每个不超过5MB)。“原件扫描”须为签字盖章的原件的扫描件。"</p>
                {move || checklist.get().into_iter().map(|m| view! { <MaterialItem code=m.code title=m.title original=m.original files=f.files form /> }).collect_view()}
            </fieldset>
            <div class="form-actions">
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| save(false)>"保存"</button>
                " "
                <button type="submit" class="button primary" disabled=move || busy.get()>"提交申请"</button>
                {move || saved_note.get().map(|n| view! { " " <span class="field-note" role="status">{n}</span> })}
            </div>
        </form>
    }
}

/// From a 变更 that is no 变更: start the first application instead.
#[component]
fn StartNewInstead() -> impl IntoView {
    let start = start_case();
    view! {
        <ActionForm action=start attr:class="inline-form">
            <input type="hidden" name="kind" value="new" />
            <input type="hidden" name="licence" value="" />
            <button type="submit" class="button primary">"改为首次申请"</button>
        </ActionForm>
        {move || start.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
    }
}

/// One checklist item: its scans and an upload.
#[component]
fn MaterialItem(
    code: &'static str,
    title: &'static str,
    original: bool,
    files: RwSignal<Vec<Attached>>,
    form: FormState,
) -> impl IntoView {
    let key = format!("files.{code}");
    let uploading = RwSignal::new(false);
    let mine = move || {
        files.with(|v| {
            v.iter()
                .filter(|a| a.item == code)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let on_change = on_scan_chosen(form, key.clone(), "材料", uploading, move |id, name| {
        files.update(|v| {
            v.push(Attached {
                item: code.to_string(),
                id,
                name,
            })
        })
    });
    let input = format!("f-files-{code}");
    view! {
        <div class="field material" class:invalid={let k = key.clone(); move || form.message(&k).is_some()}>
            <label for=input.clone()>{title} " " <small>{if original { "(原件扫描)" } else { "(扫描件)" }}</small></label>
            <ul class="attached">
                {move || mine().into_iter().map(|a| {
                    let id = a.id.clone();
                    view! {
                        <li>
                            <a href=format!("/files/{}", a.id) target="_blank" rel="noopener">{a.name.clone()}</a>
                            " "
                            <button type="button" class="button link" aria-label=format!("删除 {}", a.name) on:click=move |_| {
                                let id = id.clone();
                                files.update(|v| v.retain(|x| x.id != id));
                            }>"删除"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <input id=input type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" on:change=on_change />
            {move || uploading.get().then(|| view! { <p class="field-note" role="status">"正在上传……"</p> })}
            {message_at(form, key.clone())}
        </div>
    }
}

/// A move without input (submit is the form's; withdraw, accept, approve, issue).
/// A step as a plain form post.
#[cfg(whole_pages)]
fn move_form(c: &CaseView, action: Action) -> impl IntoView {
    let primary = matches!(action, Action::Accept | Action::Approve | Action::Issue);
    view! {
        <form action=MoveCase::url() method="post" class="inline-form">
            {case_fields(c)}
            <input type="hidden" name="action" value=action.code() />
            <button type="submit" class="button" class:primary=primary>{action.label(c.summary.kind)}</button>
        </form>
    }
}

/// The case and the version a plain post acts on.
#[cfg(whole_pages)]
fn case_fields(c: &CaseView) -> impl IntoView {
    view! {
        <input type="hidden" name="id" value=c.summary.id />
        <input type="hidden" name="base_version" value=c.version />
    }
}

/// A step with a text (补正 notice, reasons), checked by the browser before
/// sending (at least 4 characters, as the server checks it again). What
/// the server refused comes back in it (`c.kept`), with the server's
/// message when `text_error` is this step's.
#[cfg(whole_pages)]
fn move_with_text(
    c: &CaseView,
    action: Action,
    label: &'static str,
    text_error: Option<(Action, String)>,
) -> impl IntoView {
    let missing = if action == Action::RequestCorrection {
        CORRECTION_TEXT_MISSING
    } else {
        REASON_TEXT_MISSING
    };
    let kept = kept_text(c, action);
    let error = text_error
        .filter(|(a, _)| *a == action)
        .map(|(_, message)| message);
    view! {
        <form action=MoveCase::url() method="post" class="move-form">
            {case_fields(c)}
            <input type="hidden" name="action" value=action.code() />
            {move_text(format!("f-text-{}", action.code()), label, missing, kept, error)}
            <button type="submit" class="button">{action.label(c.summary.kind)}</button>
        </form>
    }
}

/// The viewer's refused text for `action` of this case, if any.
#[cfg(whole_pages)]
fn kept_text(c: &CaseView, action: Action) -> Option<String> {
    c.kept
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, text)| text.clone())
}

/// A plain form's text: checked by the browser before sending (`required`,
/// at least 4 characters; `islands.js` shows `missing` under it). The
/// server checks it again; a refused text comes back in it (`kept`, with
/// a note saying so) and the server's `error` under it.
#[cfg(whole_pages)]
fn move_text(
    id: String,
    label: &'static str,
    missing: &'static str,
    kept: Option<String>,
    error: Option<String>,
) -> impl IntoView {
    let message_id = format!("{id}-msg");
    let invalid = error.is_some();
    let described = plain_described_by(&id, invalid, kept.is_some());
    let note = kept_note(&id, kept.is_some());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name="text"
                rows="4"
                required
                minlength="4"
                data-message=missing
                aria-invalid=invalid.then_some("true")
                aria-describedby=described
            >{textarea_text(kept.unwrap_or_default())}</textarea>
            {note}
            {field_error(message_id, missing, error)}
        </div>
    }
}

/// The viewer's refused texts of steps the case no longer offers (it moved
/// on meanwhile): shown to copy, so nothing written is lost.
#[cfg(whole_pages)]
fn kept_steps_elsewhere(c: &CaseView) -> impl IntoView {
    let kind = c.summary.kind;
    let steps = c
        .kept
        .iter()
        .filter(|(a, _)| !c.actions.contains(a))
        .map(|(a, text)| (a.label(kind), text.clone()));
    let onsite = c
        .kept_onsite
        .iter()
        .filter(|(stage, _)| !onsite_offered(c, *stage))
        .map(|(stage, fields)| (stage.label(), onsite_copy(*stage, fields)));
    steps
        .chain(onsite)
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(what, text)| kept_elsewhere(format!("“{what}”内容"), text))
        .collect_view()
}

/// What the issuing authority can do with the case now.
#[cfg(whole_pages)]
fn issuer_actions(c: CaseView, at_form: AtForm) -> impl IntoView {
    let has = |a: Action| c.actions.contains(&a);
    let plain: Vec<Action> = [Action::Accept, Action::Approve, Action::Issue]
        .into_iter()
        .filter(|a| has(*a))
        .collect();
    let issuer_holds = c.summary.step.holder() == crate::domain::licence_case::Holder::Issuer;
    let plan_open = onsite_offered(&c, OnSiteStage::Plan);
    let text_error = at_form.text.clone();
    let colleagues = c.colleagues.clone();
    view! {
        <section class="issuer-actions" aria-labelledby="actions-title">
            <h2 id="actions-title">"办理"</h2>
            {(issuer_holds && (c.claimed_by_me || c.summary.claimed_by.is_empty())).then(|| view! {
                <form action=ClaimCase::url() method="post" class="inline-form">
                    {case_fields(&c)}
                    <input type="hidden" name="release" value=if c.claimed_by_me { "true" } else { "false" } />
                    <button type="submit" class="button">{if c.claimed_by_me { "放弃认领" } else { "认领本案" }}</button>
                </form>
            })}
            {(issuer_holds && !colleagues.is_empty()).then(|| view! {
                <form action=ClaimCase::url() method="post" class="inline-form assign-form">
                    {case_fields(&c)}
                    <label for="f-assignee">"指派给"</label>
                    <select id="f-assignee" name="assignee">
                        {colleagues.clone().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button">"指派"</button>
                </form>
            })}
            {plain.into_iter().map(|a| move_form(&c, a)).collect_view()}
            {kept_steps_elsewhere(&c)}
            {has(Action::RequestCorrection).then(|| move_with_text(&c, Action::RequestCorrection, "补正通知:逐项写明需要补正的全部材料和内容(只能发一次)", text_error.clone()))}
            {has(Action::NotAccept).then(|| move_with_text(&c, Action::NotAccept, "不予受理的理由", text_error.clone()))}
            {plan_open.then(|| view! {
                <OnSitePlanForm id=c.summary.id version=c.version kept=kept_onsite(&c, OnSiteStage::Plan) failed=at_form.onsite(OnSiteStage::Plan) />
            })}
            {has(Action::RecordOnSite).then(|| view! {
                <OnSiteForm id=c.summary.id version=c.version kept=kept_onsite(&c, OnSiteStage::Record) failed=at_form.onsite(OnSiteStage::Record) />
            })}
            {has(Action::Refuse).then(|| move_with_text(&c, Action::Refuse, "不予许可的理由", text_error.clone()))}
            {c.onsite.clone().map(|o| view! {
                <div class="onsite-record">
                    <h3>"现场核查记录"</h3>
                    <p>{format!("{} 至 {};核查人员:{};{};结论:{}", o.from, o.to, o.inspector_names().join("、"), o.findings, if o.passed { "符合条件" } else { "不符合条件" })}</p>
                </div>
            })}
            {(c.onsite_needed && c.onsite.is_none() && c.summary.step == Step::Accepted).then(|| view! {
                <p class="field-note">"准予许可前须登记现场核查(至少两名核查人员)。"</p>
            })}
        </section>
    }
}

/// Schedules the on-site check; the applicant is told by SMS. An island
/// (several fields: a refusal keeps what was typed), started from the case
/// and its version, and, after a refused plain post, from what the server
/// kept of it (`kept`) and why it was refused (`failed`); it loads the page
/// again once done.
#[cfg(any(whole_pages, island = "OnSitePlanForm"))]
#[cfg_attr(island = "OnSitePlanForm", island)]
#[cfg_attr(not(island = "OnSitePlanForm"), component)]
fn OnSitePlanForm(
    id: i64,
    version: i64,
    kept: KeptFields,
    failed: Option<AppError>,
) -> impl IntoView {
    let plan = ServerAction::<PlanOnsite>::new();
    reload_page_after_success(plan);
    let form = FormState::for_island(plan, failed);
    view! {
        <ActionForm action=plan attr:class="onsite-plan-form">
            <h3>"安排现场核查(短信告知申请人)"</h3>
            {onsite_fields(form, id, version, OnSiteStage::Plan, &kept)}
            {onsite_form_end(form, plan.pending().into(), "安排核查并通知申请人")}
        </ActionForm>
    }
}

/// 登记现场核查: an island, as [`OnSitePlanForm`].
#[cfg(any(whole_pages, island = "OnSiteForm"))]
#[cfg_attr(island = "OnSiteForm", island)]
#[cfg_attr(not(island = "OnSiteForm"), component)]
fn OnSiteForm(id: i64, version: i64, kept: KeptFields, failed: Option<AppError>) -> impl IntoView {
    let record = ServerAction::<RecordOnsite>::new();
    reload_page_after_success(record);
    let form = FormState::for_island(record, failed);
    let not_passed = kept.get("passed") == Answer::No.code();
    view! {
        <ActionForm action=record attr:class="onsite-form">
            <h3>"登记现场核查"</h3>
            {onsite_fields(form, id, version, OnSiteStage::Record, &kept)}
            <fieldset>
                <legend>"结论"</legend>
                <label class="choice"><input type="radio" name="passed" value=Answer::Yes.code() checked=!not_passed /> " 符合条件"</label>
                <label class="choice"><input type="radio" name="passed" value=Answer::No.code() checked=not_passed /> " 不符合条件"</label>
            </fieldset>
            {onsite_form_end(form, record.pending().into(), "登记现场核查")}
        </ActionForm>
    }
}

/// The fields of the on-site form `stage`: (name, label, input type, or
/// "textarea").
fn onsite_form_fields(stage: OnSiteStage) -> &'static [(&'static str, &'static str, &'static str)] {
    match stage {
        OnSiteStage::Plan => &[
            ("on", "拟核查日期", "date"),
            ("inspectors", "拟派人员(至少两人,每行一人)", "textarea"),
        ],
        OnSiteStage::Record => &[
            ("from", "核查开始日期", "date"),
            ("to", "核查结束日期", "date"),
            ("inspectors", "核查人员(至少两人,每行一人)", "textarea"),
            ("findings", "核查情况", "textarea"),
        ],
    }
}

/// What was typed in the on-site form `stage`, field by field with its
/// label (and 登记's conclusion when it was 不符合条件), to copy.
#[cfg(whole_pages)]
fn onsite_copy(stage: OnSiteStage, fields: &KeptFields) -> String {
    let labels: Vec<(&str, &str)> = onsite_form_fields(stage)
        .iter()
        .map(|(name, label, _)| (*name, *label))
        .collect();
    let lines = fields.to_lines(&labels);
    let conclusion = (fields.get("passed") == Answer::No.code()).then_some("结论:不符合条件");
    match conclusion {
        Some(c) if lines.is_empty() => c.to_string(),
        Some(c) => format!("{lines}\n{c}"),
        None => lines,
    }
}

/// The case and version an on-site form acts on, then its fields, filled
/// with what the server `kept` of a refused post (and a note saying so).
fn onsite_fields(
    form: FormState,
    id: i64,
    version: i64,
    stage: OnSiteStage,
    kept: &KeptFields,
) -> impl IntoView {
    let form_id = match stage {
        OnSiteStage::Plan => "plan",
        OnSiteStage::Record => "onsite",
    };
    view! {
        <input type="hidden" name="id" value=id />
        <input type="hidden" name="base_version" value=version />
        {kept_note(&format!("f-{form_id}"), !kept.is_empty())}
        {onsite_form_fields(stage)
            .iter()
            .map(|(name, label, kind)| {
                let note = (!kept.is_empty()).then(|| format!("f-{form_id}-kept"));
                onsite_field(form, form_id, (name, label, kind), kept.get(name), note)
            })
            .collect_view()}
    }
}

/// A field of an on-site form (`f-{form_id}-{name}`): a date, or a text
/// area for `kind` "textarea", starting from `value`, with its message,
/// described by the form's `note` (when it was filled from a refused post).
fn onsite_field(
    form: FormState,
    form_id: &'static str,
    (name, label, kind): (&'static str, &'static str, &'static str),
    value: String,
    note: Option<String>,
) -> impl IntoView {
    let id = format!("f-{form_id}-{name}");
    let msg = format!("{id}-msg");
    let invalid = move || form.message(name).is_some();
    let described = {
        let msg = msg.clone();
        move || join_ids([note.clone(), invalid().then(|| msg.clone())])
    };
    let input = if kind == "textarea" {
        Either::Left(view! {
            <textarea id=id.clone() name=name rows="3" aria-invalid=move || invalid().then_some("true") aria-describedby=described>{textarea_text(value)}</textarea>
        })
    } else {
        Either::Right(view! {
            <input id=id.clone() name=name type=kind value=value aria-invalid=move || invalid().then_some("true") aria-describedby=described />
        })
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id>{label}</label>
            {input}
            {message_as(form, name.to_string(), msg)}
        </div>
    }
}

/// Where the server refuses a step of a case for the case itself (another
/// acted first, it moved on, it is gone), not for an input of the form:
/// [`form_refusal`] says it above the form's button.
const CASE_REFUSED_AT: &[&str] = &[STALE, "step", "id"];

/// The end of an on-site form: why it was refused, when not at one of its
/// fields, and its button.
fn onsite_form_end(form: FormState, pending: Signal<bool>, label: &'static str) -> impl IntoView {
    view! {
        {form_refusal(form, CASE_REFUSED_AT)}
        <button type="submit" class="button" disabled=move || pending.get()>{label}</button>
    }
}

/// The certificate's print views: 正本 (A3 landscape) and, with `?copy=1`,
/// 副本 (A4 portrait), each with the QR code of the public check.
#[cfg(whole_pages)]
#[component]
pub fn CertificatePage() -> impl IntoView {
    let query = use_query_map();
    let id = crate::pages::id_param("id");
    let copy = move || query.with(|q| q.get("copy").as_deref() == Some("1"));
    let cert = Resource::new(id, get_certificate);
    view! {
        <Title text="危险化学品经营许可证 - 打印" />
        {loaded("正在加载……", cert, move |c| view! {
            <p class="no-print print-choice">
                <a href=format!("/certificates/{}", id()) aria-current=move || (!copy()).then_some("page")>"正本(A3 横向)"</a>
                " · "
                <a href=format!("/certificates/{}?copy=1", id()) aria-current=move || copy().then_some("page")>"副本(A4 纵向)"</a>
            </p>
            {move || view! { <Certificate c=c.clone() public=false copy=copy() /> }}
        })}
    }
}

/// One numbered document of a case (受理通知书, 补正材料通知书, decisions),
/// alone on an A4 page for printing; `n` counts from 1 in the case's list.
#[cfg(whole_pages)]
#[component]
pub fn CaseDocumentPage() -> impl IntoView {
    let id = crate::pages::id_param("id");
    let n = crate::pages::id_param("n");
    let case = Resource::new(id, get_case);
    view! {
        <Title text="文书 - 打印" />
        {loaded("正在加载……", case, move |c| {
            match n().checked_sub(1).and_then(|i| usize::try_from(i).ok()).and_then(|i| c.documents.get(i).cloned()) {
                Some(d) => view! {
                    <p class="no-print">
                        <a href=format!("/cases/{}", c.summary.id)>"返回案件"</a> " "
                        <PrintButton primary=true />
                    </p>
                    <article class="document printable-document">
                        <p class="document-issuer">{d.issuer.clone()}</p>
                        <h1>{d.title}</h1>
                        <p class="document-number">{d.number}</p>
                        <p class="pre">{d.body}</p>
                        <p class="document-foot">{d.issuer} <br/> {d.issued_at}</p>
                    </article>
                }.into_any(),
                None => view! { <p class="alert" role="alert">"没有这份文书。请从案件页面的“文书”中打开。"</p> }.into_any(),
            }
        })}
    }
}

/// 许可证查询 (`/lookup?q=…`): anyone looks a licence up by its number,
/// the credit code or part of the enterprise's name (a GET form).
#[cfg(whole_pages)]
#[component]
pub fn LicenceLookupPage() -> impl IntoView {
    let q = crate::pages::query_text("q");
    let found = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            lookup_licences(q).await.map(Some)
        }
    });
    view! {
        <Title text="许可证查询 - 危化品经营安全监管系统" />
        <h1>"危险化学品经营许可证查询"</h1>
        <form method="get" action="/lookup" class="filters lookup">
            <label for="lookup-q">"许可证编号、统一社会信用代码或企业名称"</label>
            <input id="lookup-q" name="q" type="search" value=q maxlength="80" />
            <button type="submit" class="button primary">"查询"</button>
        </form>
        <p class="field-note">"只显示本系统发放的许可证的现状(有效、已过期、已注销),不含个人信息。纸质证书请以扫码核验为准。"</p>
        {loaded("正在查询……", found, |found| match found {
            None => ().into_any(),
            Some(list) if list.is_empty() => view! {
                <p class="empty" role="status">"没有找到。请核对编号或代码;按名称查询时,输入名称中连续的几个字即可(如“鼓楼示例”)。"</p>
            }.into_any(),
            Some(list) => view! {
                <table class="data lookup-results">
                    <caption>{format!("找到 {} 张许可证", list.len())}</caption>
                    <thead><tr><th>"证书编号"</th><th>"企业"</th><th>"经营方式"</th><th>"许可范围"</th><th>"有效期"</th><th>"发证机关"</th><th>"状态"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|c| view! {
                            <tr class:invalid=!c.valid>
                                <td>{c.number}</td>
                                <td>{c.licensee.name}<br/><small>{c.licensee.credit_code}</small></td>
                                <td>{c.mode}</td>
                                <td>{c.scope.join("、")}</td>
                                <td>{format!("{} 至 {}", c.valid_from, c.valid_until)}</td>
                                <td>{c.issuer}</td>
                                <td class="status">{c.status}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}

/// The public check of a certificate, opened from its QR code.
#[cfg(whole_pages)]
#[component]
pub fn VerifyPage() -> impl IntoView {
    let token = crate::pages::route_text("token");
    let cert = Resource::new(token, verify_certificate);
    view! {
        <Title text="许可证核验 - 危化品经营安全监管系统" />
        <h1>"危险化学品经营许可证核验"</h1>
        {loaded("正在加载……", cert, |c| match c {
            Some(c) => view! { <Certificate c public=true /> }.into_any(),
            None => view! {
                <p class="alert verify-status" role="alert">"未找到这张证书:二维码或链接不是本系统签发的,证书可能是伪造的。请向发证机关核实。"</p>
            }.into_any(),
        })}
    }
}

#[cfg(whole_pages)]
#[component]
fn Certificate(
    c: CertificateView,
    public: bool,
    /// 副本 rather than 正本 (print view only).
    #[prop(optional)]
    copy: bool,
) -> impl IntoView {
    let mut rows = vec![
        ("证书编号", c.number.clone()),
        ("企业名称", c.licensee.name.clone()),
        ("统一社会信用代码", c.licensee.credit_code.clone()),
        ("法定代表人", c.licensee.legal_rep.clone()),
    ];
    rows.extend(places(c.licensee.places()));
    rows.extend([
        ("经营方式", c.mode.clone()),
        ("许可范围", c.scope.join("、")),
        ("有效期限", format!("{} 至 {}", c.valid_from, c.valid_until)),
        ("发证机关", c.issuer.clone()),
        ("发证日期", c.issued_on.clone()),
        ("变更日期", c.changed_on.clone()),
        ("有效期延续情况", c.history.join(";")),
    ]);
    view! {
        <div class="certificate" class:public=public class:original=!public && !copy class:duplicate=!public && copy>
            {public.then(|| view! {
                <p class="verify-status" class:valid=c.valid class:alert=!c.valid role="status">{format!("证书状态:{}", c.status)}</p>
                <p class="field-note">"请核对纸质证书上的内容与本页一致;不一致的,以本页为准并向发证机关反映。"</p>
            })}
            {(!public).then(|| view! {
                <p class="no-print"><PrintButton primary=true /> " " {format!("状态:{}", c.status)}</p>
                <h1 class="certificate-title">"危险化学品经营许可证"</h1>
                <p class="certificate-copy">{if copy { "(副本)" } else { "(正本)" }}</p>
            })}
            <dl class="certificate-items">{described(rows)}</dl>
            {(!public).then(|| view! {
                <div class="certificate-qr">
                    <div inner_html=c.qr_svg.clone()></div>
                    <p>"扫码核验证书状态"</p>
                    <p class="verify-url"><a href=c.verify_url.clone()>{c.verify_url.clone()}</a></p>
                </div>
            })}
        </div>
    }
}

/// The 重大危险源辨识 of the storage units the case took from 完善信息,
/// with its arithmetic (GB 18218-2018), for the applicant and the reviewer.
/// Static: in the applicant's form it is the island's server-rendered
/// children, which the browser never hydrates (nothing in it may need to
/// be interactive).
#[cfg(whole_pages)]
#[component]
fn HazardSummary(app: Application) -> impl IntoView {
    use crate::components::storage_units::Arithmetic;
    let report = app.major_hazard_report.trim().to_string();
    app.hazard().map(|h| {
        view! {
            <div class="hazard-summary">
                <p class="hazard-overall">{format!("重大危险源辨识(按“完善信息”中的储存单元,GB 18218-2018):{}。", h.text())}</p>
                {(!report.is_empty()).then(|| view! { <p class="field-note">{format!("企业填报了辨识报告 {report},以报告结论为准。")}</p> })}
                <details>
                    <summary>"查看计算过程"</summary>
                    {h.units.into_iter().map(|id| view! { <Arithmetic id /> }).collect_view()}
                </details>
            </div>
        }
    })
}

/// 发证机关设置 (administrators): which organisation issues for a region
/// where it is not that region's 应急管理局 (行政审批局, development zones).
/// Rendered by the server, no island (issue 13): both forms are plain
/// posts; the page they come back to says what was done
/// (`set_case_authority` flashes it) or, from the address, what was wrong,
/// at its field.
#[cfg(whole_pages)]
#[component]
pub fn IssuersPage() -> impl IntoView {
    use crate::api::licence_case::{case_authorities, SetCaseAuthority, REGION_CODE_MESSAGE};
    let failed = plain_post_error::<SetCaseAuthority>();
    let errors = failed
        .as_ref()
        .map(|e| e.field_errors())
        .unwrap_or_default();
    let other = failed
        .filter(|_| errors.is_empty())
        .map(|e| view! { <ErrorNotice error=e /> });
    let region_error = errors.get("region_code").map(str::to_string);
    let org_error = errors.get("organization_id").map(str::to_string);
    // What the refused post had chosen (`set_case_authority`).
    let (typed_region, typed_org) = use_query_map().with_untracked(|q| {
        (
            q.get("region_code").unwrap_or_default(),
            q.get("organization_id").and_then(|o| o.parse::<i64>().ok()),
        )
    });
    let data = Resource::new(|| (), |_| case_authorities());
    view! {
        <Title text="发证机关设置 - 危化品经营安全监管系统" />
        <h1>"发证机关设置"</h1>
        <p>"许可证案件按《危险化学品经营许可证管理办法》第五条分级:剧毒、易制爆、加油站、仓储经营和带储存设施的由设区的市级发证,其余由县级发证。实行相对集中行政许可的地区,可在此把某个市或县的案件改由行政审批局等机构办理。"</p>
        {other}
        <Suspense fallback=|| view! { <p>"正在加载……"</p> }>
            {move || {
                let (region_error, org_error) = (region_error.clone(), org_error.clone());
                let typed_region = typed_region.clone();
                let (region_invalid, org_invalid) = (region_error.is_some(), org_error.is_some());
                Suspend::new(async move {
                match data.await {
                    Ok(d) => Either::Left(view! {
                        {if d.configured.is_empty() {
                            Either::Left(view! { <p class="empty">"尚无特别设置:各地案件均由本地区应急管理部门办理。"</p> })
                        } else {
                            Either::Right(view! {
                                <table class="data">
                                    <thead><tr><th>"地区"</th><th>"办理机构"</th><th></th></tr></thead>
                                    <tbody>
                                        {d.configured.into_iter().map(|a| view! {
                                            <tr>
                                                <td>{format!("{} ({})", a.region, a.region_code)}</td>
                                                <td>{a.organization}</td>
                                                <td>
                                                    <form action=SetCaseAuthority::url() method="post" class="inline-form">
                                                        <input type="hidden" name="region_code" value=a.region_code.clone() />
                                                        <input type="hidden" name="organization_id" value="0" />
                                                        <button type="submit" class="button">"恢复默认"</button>
                                                    </form>
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            })
                        }}
                        <form action=SetCaseAuthority::url() method="post" class="filters">
                            <label for="f-region_code">"地区代码"</label>
                            <div class="field" class:invalid=region_invalid>
                                <input
                                    id="f-region_code"
                                    name="region_code"
                                    inputmode="numeric"
                                    maxlength="6"
                                    required
                                    pattern="[0-9]{6}"
                                    value=typed_region
                                    data-message=REGION_CODE_MESSAGE
                                    aria-invalid=region_invalid.then_some("true")
                                    aria-describedby=region_invalid.then_some("f-region_code-msg")
                                />
                                {field_error("f-region_code-msg".into(), REGION_CODE_MESSAGE, region_error)}
                            </div>
                            <label for="f-organization_id">"办理机构"</label>
                            <div class="field" class:invalid=org_invalid>
                                <select
                                    id="f-organization_id"
                                    name="organization_id"
                                    aria-invalid=org_invalid.then_some("true")
                                    aria-describedby=org_invalid.then_some("f-organization_id-msg")
                                >
                                    {d.organizations.into_iter().map(|(id, name)| view! { <option value=id selected=typed_org == Some(id)>{name}</option> }).collect_view()}
                                </select>
                                {org_error.map(|m| view! { <p class="field-error" id="f-organization_id-msg" role="alert">{m}</p> })}
                            </div>
                            <button type="submit" class="button primary">"保存设置"</button>
                        </form>
                        <HydrationMarker />
                    }),
                    Err(e) => Either::Right(view! { <ErrorNotice error=e /><HydrationMarker /> }),
                }
            })
            }}
        </Suspense>
    }
}
