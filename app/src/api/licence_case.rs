//! 许可证业务: enterprises start and file licence cases; the issuing
//! authority accepts, asks for 补正, checks on site, decides and issues;
//! anyone verifies a certificate by the QR code printed on it.
//!
//! Who may call what: an enterprise only its own cases (a case of another
//! enterprise answers exactly like one that does not exist); regulators
//! whose jurisdiction holds the enterprise may read a case; only the
//! regulators of the case's issuing authority move it on.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::enterprise_info::LicenceSummary;
use crate::domain::kept_text::{KeptFields, OnSiteStage};
use crate::domain::licence_case::{
    Action, Application, Attached, CaseKind, Licensee, OnSiteCheck, Step,
};
use crate::domain::FieldErrors;
use crate::error::AppError;

/// One line of a case list (the enterprise's or an inbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: i64,
    pub kind: CaseKind,
    pub step: Step,
    pub enterprise: String,
    pub credit_code: String,
    pub licence_number: String,
    pub issuer: String,
    pub submitted_at: String,
    /// When the current step's clock started ("" = no clock).
    pub step_started_on: String,
    /// The current step's deadline ("" = none).
    pub deadline: String,
    pub overdue: bool,
    /// Submitted and not handled within the limit: accepted by law.
    pub deemed_accepted: bool,
    pub late_filing: String,
    /// A late 延期 still open: examined first.
    pub escalated: bool,
    pub claimed_by: String,
}

impl CaseSummary {
    pub fn step_label(&self) -> &'static str {
        self.step.label(self.kind)
    }

    /// Who holds the case, in words.
    pub fn holder_text(&self) -> String {
        use crate::domain::licence_case::Holder;
        match self.step.holder() {
            Holder::Applicant => "申请人".into(),
            Holder::Issuer if self.issuer.is_empty() => "发证机关".into(),
            Holder::Issuer => self.issuer.clone(),
            Holder::Nobody => "已办结".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasesOverview {
    pub cases: Vec<CaseSummary>,
    pub licences: Vec<LicenceSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialView {
    pub code: String,
    pub title: String,
    pub original: bool,
    pub files: Vec<Attached>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub step: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub number: String,
    pub title: String,
    pub body: String,
    pub issued_at: String,
    pub issuer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub summary: CaseSummary,
    pub version: i64,
    pub application: Application,
    pub materials: Vec<MaterialView>,
    pub correction_notice: String,
    pub onsite: Option<OnSiteCheck>,
    pub onsite_needed: bool,
    pub decision_reason: String,
    pub accepted_on: String,
    pub events: Vec<EventView>,
    pub documents: Vec<DocumentView>,
    /// The certificate issued by this case: (id, number).
    pub certificate: Option<(i64, String)>,
    /// What the viewer may do now.
    pub actions: Vec<Action>,
    /// The viewer's organisation issues this case.
    pub issuer_view: bool,
    /// The viewer holds the claim.
    pub claimed_by_me: bool,
    /// The issuing authority's staff a case may be assigned to (issuer view only).
    pub colleagues: Vec<(i64, String)>,
    /// The scheduled on-site check, in words ("" = none).
    pub onsite_plan: String,
    /// The viewer's refused texts of this case's steps (a 补正通知, a
    /// reason), the latest first: each goes back in its step's field.
    pub kept: Vec<(Action, String)>,
    /// The viewer's refused on-site forms of this case, field by field.
    pub kept_onsite: Vec<(OnSiteStage, KeptFields)>,
}

/// What a saved form reports: the new version and the form's problems
/// (the draft is saved either way, so nothing typed is lost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCase {
    pub version: i64,
    pub errors: FieldErrors,
}

/// A certificate's print view or its public check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub number: String,
    /// valid, expired, replaced or cancelled, in words.
    pub status: String,
    pub valid: bool,
    /// Its fields on the wire, as before it was one struct; `legal_rep` is
    /// empty on the public check (personal data).
    #[serde(flatten)]
    pub licensee: Licensee,
    pub mode: String,
    pub scope: Vec<String>,
    /// 发证日期.
    pub issued_on: String,
    /// The validity period.
    pub valid_from: String,
    pub valid_until: String,
    pub issuer: String,
    pub history: Vec<String>,
    /// 变更日期 of the last 变更 ("" = none).
    pub changed_on: String,
    /// The QR code (SVG) leading to the public check; print view only.
    pub qr_svg: String,
    pub verify_url: String,
}

/// The message when a case of another enterprise (or none) is named.
pub const NO_SUCH_CASE: &str = "没有找到这个案件,或您无权查看。请从“许可证业务”列表打开。";

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::server::licence_case::{self as repo, Case, CaseError};
    use crate::server::session::SessionUser;
    use crate::server::{cst_datetime, today, AppState};

    /// Makes a move of a case today, as `actor`.
    pub async fn make_move(
        state: &AppState,
        id: i64,
        base: i64,
        action: crate::domain::licence_case::Action,
        input: &crate::server::licence_case::MoveInput,
        actor: &crate::server::audit::Actor,
    ) -> Result<crate::server::licence_case::Moved, AppError> {
        use crate::server::{calendar, now, today};
        crate::server::licence_case::make_move(
            &state.db,
            id,
            base,
            action,
            input,
            actor,
            today(),
            calendar(),
            now(),
        )
        .await
        .map_err(error)
    }

    /// After the on-site form `stage` of case `case` (its caller `user_id`
    /// may act on it): a refused plain post's fields, `typed`, come back
    /// in the form ([`crate::server::http::keep_text_after`]).
    pub async fn keep_onsite_after<T>(
        fn_path: &str,
        (db, user_id): (&crate::server::db::Db, i64),
        case: i64,
        stage: OnSiteStage,
        result: &Result<T, AppError>,
        typed: &[(&str, &str)],
    ) {
        use crate::domain::kept_text::KeptForm;
        let form = KeptForm::OnSite { case, stage };
        let text = KeptFields::new(typed).to_text();
        crate::server::http::keep_text_after(fn_path, (db, user_id), form, result, &text).await;
    }

    /// Tells the applicant of a step of their case: `sms` to the
    /// application's contact phone (when it is a mobile number), and the
    /// message (`title`, `body`) to the enterprise's users.
    pub async fn tell_applicant(state: &AppState, case: &Case, sms: &str, title: &str, body: &str) {
        use crate::server::messages::{tell, NewMessage, To};
        let now = crate::server::now();
        if let Ok(m) = crate::domain::Mobile::parse(&case.application.contact_mobile) {
            let _ = state.sms.send(&state.db, &m, "case_step", sms, now).await;
        }
        // The application's contact phone was texted above.
        let message = NewMessage {
            kind: crate::domain::message::MessageKind::CaseStep,
            title,
            body,
            link: &format!("/cases/{}", case.id),
        };
        tell(
            &state.db,
            None,
            To::Enterprise(case.enterprise_id),
            message,
            now,
        )
        .await;
    }

    pub fn error(e: CaseError) -> AppError {
        match e {
            CaseError::Open(id) => AppError::Conflict {
                field: "kind".into(),
                message: format!(
                    "这张许可证(或首次申请)已有一个未办结的案件(编号 {id}),请在列表中打开它继续办理;如不再需要,先撤回。"
                ).into(),
            },
            CaseError::Refused(message) => AppError::Conflict {
                field: "step".into(),
                message: message.into(),
            },
            CaseError::Stale => AppError::stale(
                "案件刚刚被他人处理过(或在另一个窗口中修改过)。请按最新进度办理;如已填写内容,仍保留在页面上。",
            ),
            CaseError::NotFound => AppError::Conflict {
                field: "id".into(),
                message: NO_SUCH_CASE.into(),
            },
            CaseError::Db(e) => e.into(),
        }
    }

    /// The logged-in enterprise user (who may change things) and their own case `id`.
    pub async fn applicant(state: &AppState, id: i64) -> Result<(SessionUser, Case), AppError> {
        let (user, enterprise) = crate::api::auth::ssr::require_enterprise_writer(state).await?;
        match repo::get(&state.db, id).await.map_err(error)? {
            Some(c) if c.enterprise_id == enterprise => Ok((user, c)),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Who looks at a case: its enterprise, the regulators of its
    /// jurisdiction, its issuer, an administrator. Returns whether the
    /// viewer's organisation issues it.
    pub async fn viewer(state: &AppState, id: i64) -> Result<(SessionUser, Case, bool), AppError> {
        let user = crate::api::auth::ssr::require_user(state).await?;
        let case = repo::get(&state.db, id)
            .await
            .map_err(error)?
            .ok_or(AppError::Forbidden)?;
        let issuer = user.kind == crate::domain::UserKind::Regulator
            && user.organization_id.is_some()
            && user.organization_id == case.issuer_org_id;
        let allowed = issuer
            || crate::server::guard::may_see(
                &state.db,
                &user,
                case.enterprise_id,
                &case.region_code,
            )
            .await?;
        if !allowed {
            return Err(AppError::Forbidden);
        }
        Ok((user, case, issuer))
    }

    /// A regulator of the organisation that issues case `id`.
    pub async fn issuer(state: &AppState, id: i64) -> Result<(SessionUser, Case), AppError> {
        let (user, case, issuer) = viewer(state, id).await?;
        if !issuer {
            return Err(AppError::Forbidden);
        }
        Ok((user, case))
    }

    pub fn summary(c: &Case) -> CaseSummary {
        let t = today();
        CaseSummary {
            id: c.id,
            kind: c.kind,
            step: c.step,
            enterprise: c.application.name.clone(),
            credit_code: c.credit_code.clone(),
            licence_number: c.application.licence_number.clone(),
            issuer: c.issuer_name.clone(),
            submitted_at: c.submitted_at.map(cst_datetime).unwrap_or_default(),
            step_started_on: c.step_started_on.map(|d| d.to_string()).unwrap_or_default(),
            deadline: c.deadline.map(|d| d.to_string()).unwrap_or_default(),
            overdue: c.overdue(t),
            deemed_accepted: c.deemed_accepted(t),
            late_filing: c.late_filing.clone(),
            escalated: c.escalated(),
            claimed_by: c.claimed_by_name.clone(),
        }
    }

    /// The moves open to this viewer now (the domain's table decides).
    pub fn actions(c: &Case, enterprise: bool, issuer: bool) -> Vec<Action> {
        let facts = c.facts(today());
        Action::ALL
            .into_iter()
            .filter(|a| {
                let side = a.by();
                let mine = match side {
                    crate::domain::licence_case::Holder::Applicant => enterprise,
                    _ => issuer,
                };
                mine && crate::domain::licence_case::next_step(facts, *a).is_ok()
            })
            .collect()
    }

    pub fn certificate_view(
        state: &AppState,
        c: repo::Certificate,
        public: bool,
    ) -> CertificateView {
        use crate::domain::business_mode::BusinessMode;
        let t = today();
        let expired = crate::domain::Date::parse(&c.valid_until).is_some_and(|d| d < t);
        use crate::domain::licence_case::CertificateStatus;
        let (status, valid) = match c.status {
            CertificateStatus::Valid if expired => {
                (format!("已过期(有效期至 {})", c.valid_until), false)
            }
            CertificateStatus::Valid => ("有效".to_string(), true),
            CertificateStatus::Replaced => (
                "已换发:本证已因变更、延期或补证换发新证,以新证为准".to_string(),
                false,
            ),
            CertificateStatus::Cancelled => (
                format!(
                    "已注销({}{})",
                    c.ended_at.map(cst_datetime).unwrap_or_default(),
                    if c.data.cancel_reason.is_empty() {
                        String::new()
                    } else {
                        format!(";原因:{}", c.data.cancel_reason)
                    }
                ),
                false,
            ),
        };
        let verify_url = format!(
            "{}/verify/{}",
            state.config.public_base_url.trim_end_matches('/'),
            c.token
        );
        CertificateView {
            valid_from: c.valid_from().to_string(),
            changed_on: c.data.changed_on.clone(),
            number: c.number,
            status,
            valid,
            licensee: Licensee {
                legal_rep: if public {
                    String::new()
                } else {
                    c.data.licensee.legal_rep
                },
                ..c.data.licensee
            },
            mode: BusinessMode::label_of(&c.data.mode),
            scope: c
                .data
                .scope
                .iter()
                .map(|s| {
                    if s.cas.is_empty() {
                        s.name.clone()
                    } else {
                        format!("{}(CAS {})", s.name, s.cas)
                    }
                })
                .collect(),
            issued_on: c.issued_on,
            valid_until: c.valid_until,
            issuer: c.data.issuer,
            history: c.data.history,
            qr_svg: if public {
                String::new()
            } else {
                crate::server::totp::qr_svg(&verify_url).unwrap_or_default()
            },
            verify_url,
        }
    }
}

/// The enterprise's cases and the licences it holds (to start a case from).
#[server(endpoint = "case/mine", output = crate::api::TextJson)]
pub async fn my_cases() -> Result<CasesOverview, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (_, id) = crate::api::auth::ssr::require_enterprise(&state).await?;
    let cases = repo::of_enterprise(&state.db, id)
        .await
        .map_err(ssr::error)?;
    let info = crate::server::enterprise_info::load(&state.db, id, now())
        .await
        .map_err(crate::api::enterprise_info::ssr::error)?;
    let shown = info.confirmed.as_ref().unwrap_or(&info.draft);
    Ok(CasesOverview {
        cases: cases.iter().map(ssr::summary).collect(),
        licences: crate::api::enterprise_info::ssr::licences(shown),
    })
}

/// Starts a case of `kind` (for the licence numbered `licence`, except a
/// first application) from the enterprise's record; returns its id.
#[server(endpoint = "case/start", output = crate::api::TextJson)]
pub async fn start_case(kind: String, #[server(default)] licence: String) -> Result<i64, AppError> {
    use crate::domain::licence_case::renewal_timeliness;
    use crate::server::licence_case as repo;
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise_writer(&state).await?;
    let kind = CaseKind::from_code(&kind).ok_or_else(|| AppError::Conflict {
        field: "kind".into(),
        message: "请选择要办理的业务(首次申请、延期换证、变更、注销或补证)。".into(),
    })?;
    let info = crate::server::enterprise_info::load(&state.db, id, now())
        .await
        .map_err(crate::api::enterprise_info::ssr::error)?;
    let record = info.confirmed.as_ref().unwrap_or(&info.draft);
    let held = if kind.needs_licence() {
        let wanted = crate::domain::LicenceNumber::parse(&licence).ok();
        let found = record.licences.iter().find(|l| {
            crate::domain::LicenceNumber::parse(&l.number)
                .ok()
                .is_some_and(|n| Some(&n) == wanted.as_ref())
        });
        match found {
            Some(l) => Some(l),
            None => {
                return Err(AppError::Conflict {
                    field: "licence".into(),
                    message: "请选择本企业持有的一张许可证(在“完善信息”的许可证一步中登记过的)。"
                        .into(),
                })
            }
        }
    } else {
        None
    };
    if let (CaseKind::Renewal, Some(l)) = (kind, held) {
        if let Some(until) = crate::domain::Date::parse(&l.valid_until) {
            if until < today() {
                if let crate::domain::licence_case::Timeliness::Late(m) =
                    renewal_timeliness(until, today())
                {
                    return Err(AppError::Conflict {
                        field: "licence".into(),
                        message: m.into(),
                    });
                }
            }
        }
    }
    let application = repo::starting_application(record, held);
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    repo::start(&state.db, id, kind, &application, &actor, now())
        .await
        .map_err(ssr::error)
}

/// One case, for whoever may see it.
#[server(endpoint = "case/get", output = crate::api::TextJson)]
pub async fn get_case(id: i64) -> Result<CaseView, AppError> {
    use crate::domain::kept_text::KeptForm;
    use crate::server::licence_case as repo;
    use crate::server::{cst_datetime, AppState};
    let state = AppState::get()?;
    let (user, case, issuer) = ssr::viewer(&state, id).await?;
    let events = repo::events(&state.db, id).await.map_err(ssr::error)?;
    let documents = repo::documents(&state.db, id).await.map_err(ssr::error)?;
    let certificate = match case.certificate_id {
        Some(cid) => repo::certificate(&state.db, cid)
            .await
            .map_err(ssr::error)?
            .map(|c| (c.id, c.number)),
        None => None,
    };
    let enterprise = user.kind == crate::domain::UserKind::Enterprise;
    let colleagues = match (issuer, case.issuer_org_id) {
        (true, Some(org)) => repo::colleagues(&state.db, org).await?,
        _ => Vec::new(),
    };
    let mine = if issuer {
        let (db, prefix) = (&state.db, KeptForm::case_prefix(id));
        crate::server::kept_text::kept(db, user.user_id, &prefix, crate::server::now()).await
    } else {
        Vec::new()
    };
    let mut kept = Vec::new();
    let mut kept_onsite = Vec::new();
    for (form, text) in mine {
        match form {
            KeptForm::CaseStep { action, .. } => kept.push((action, text)),
            KeptForm::OnSite { stage, .. } => {
                kept_onsite.extend(KeptFields::from_text(&text).map(|f| (stage, f)))
            }
            _ => {}
        }
    }
    let onsite_plan = events
        .iter()
        .rev()
        .find(|e| e.action == crate::domain::licence_case::CaseEvent::OnSitePlan)
        .map(|e| e.note.clone())
        .unwrap_or_default();
    let materials = case
        .application
        .materials(case.kind)
        .into_iter()
        .map(|m| MaterialView {
            code: m.code.to_string(),
            title: m.title.to_string(),
            original: m.original,
            files: case
                .application
                .files
                .iter()
                .filter(|f| f.item == m.code)
                .cloned()
                .collect(),
        })
        .collect();
    Ok(CaseView {
        summary: ssr::summary(&case),
        version: case.version,
        actions: ssr::actions(&case, enterprise, issuer),
        materials,
        correction_notice: case.correction_notice.clone(),
        onsite_needed: case.onsite_needed(),
        onsite: case.onsite.clone(),
        decision_reason: case.decision_reason.clone(),
        accepted_on: case.accepted_on.map(|d| d.to_string()).unwrap_or_default(),
        events: events
            .into_iter()
            .map(|e| EventView {
                at: cst_datetime(e.at),
                actor: e.actor,
                what: e.action.label(case.kind).to_string(),
                step: e.step.label(case.kind).to_string(),
                note: e.note,
            })
            .collect(),
        documents: documents
            .into_iter()
            .map(|d| DocumentView {
                number: d.number,
                title: d.title,
                body: d.body,
                issued_at: cst_datetime(d.issued_at),
                issuer: d.issuer,
            })
            .collect(),
        certificate,
        issuer_view: issuer,
        claimed_by_me: case.claimed_by == Some(user.user_id),
        colleagues,
        onsite_plan,
        kept,
        kept_onsite,
        application: case.application,
    })
}

/// Saves the applicant's form and returns its problems.
#[server(endpoint = "case/save", input = Json, output = crate::api::TextJson)]
pub async fn save_case(
    id: i64,
    base_version: i64,
    application: Application,
) -> Result<SavedCase, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    let (_, case) = ssr::applicant(&state, id).await?;
    let ids: Vec<&str> = application.files.iter().map(|f| f.id.as_str()).collect();
    if !crate::server::files::all_belong(&state.db, case.enterprise_id, &ids).await? {
        return Err(AppError::Forbidden);
    }
    // The licence concerned and the storage units (with any official
    // 辨识 report and the record's answer to 是否构成重大危险源) are the
    // case's, taken from the record when it started, whatever the form
    // says: the page does not edit them, and a posted copy must not change
    // the mode check or the checklist.
    let application = Application {
        licence_number: case.application.licence_number.clone(),
        licence_valid_until: case.application.licence_valid_until.clone(),
        storage_units: case.application.storage_units.clone(),
        major_hazard_report: case.application.major_hazard_report.clone(),
        major_hazard: case.application.major_hazard,
        ..application
    };
    let version = repo::save(&state.db, id, base_version, &application, now())
        .await
        .map_err(ssr::error)?;
    Ok(SavedCase {
        version,
        errors: application.check(case.kind, today()),
    })
}

/// Moves a case on: the applicant submits or withdraws; the issuing
/// authority accepts, asks for 补正, refuses to accept, approves, refuses
/// or issues. `text` is the 补正 notice, the reasons or remarks.
#[server(endpoint = "case/move", output = crate::api::TextJson)]
pub async fn move_case(
    id: i64,
    base_version: i64,
    action: String,
    #[server(default)] text: String,
) -> Result<String, AppError> {
    use crate::domain::kept_text::KeptForm;
    use crate::domain::licence_case::Holder;
    use crate::server::AppState;
    use leptos::server_fn::ServerFn as _;
    let state = AppState::get()?;
    let action = Action::from_code(&action).ok_or(AppError::Forbidden)?;
    let (user, case) = match action.by() {
        Holder::Applicant => ssr::applicant(&state, id).await?,
        _ => ssr::issuer(&state, id).await?,
    };
    // A 补正通知 lists item by item: its lines are kept.
    let normalized = crate::domain::normalize::normalize_lines(&text);
    let result = move_as(&state, &user, case, base_version, action, &normalized).await;
    // A refused plain post's 补正通知 or reason comes back in its field.
    if let Some(form) = KeptForm::case_step(id, action) {
        let by = (&state.db, user.user_id);
        crate::server::http::keep_text_after(MoveCase::PATH, by, form, &result, &text).await;
    }
    result
}

/// [`move_case`] once its caller may make the move on `case`: checks the
/// text, moves, tells the applicant and says what was done.
#[cfg(feature = "ssr")]
async fn move_as(
    state: &crate::server::AppState,
    user: &crate::server::session::SessionUser,
    case: crate::server::licence_case::Case,
    base_version: i64,
    action: Action,
    text: &str,
) -> Result<String, AppError> {
    use crate::server::licence_case::MoveInput;
    use crate::server::today;
    let id = case.id;
    // Line breaks are no characters of a reason.
    let chars = text.chars().filter(|c| *c != '\n').count();
    let mut errors = FieldErrors::new();
    match action {
        Action::Submit => errors = case.application.check_submit(case.kind, today()),
        Action::RequestCorrection if chars < 4 => {
            errors.add("text", crate::domain::licence_case::CORRECTION_TEXT_MISSING)
        }
        Action::NotAccept | Action::Refuse if chars < 4 => {
            errors.add("text", crate::domain::licence_case::REASON_TEXT_MISSING)
        }
        Action::RecordOnSite => return Err(AppError::Forbidden),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = crate::api::enterprise_info::ssr::actor(user).await;
    let input = MoveInput {
        text: text.to_string(),
        onsite: None,
    };
    let moved = ssr::make_move(state, id, base_version, action, &input, &actor).await?;
    let label = moved.step.label(case.kind);
    // The applicant hears of every step by SMS (a submission as its receipt).
    if action != Action::Withdraw {
        let sms = format!(
            "【危化品经营安全监管系统】您单位的危险化学品经营许可{}申请(案件 {id})进度:{label}。请登录系统查看详情。",
            case.kind.label()
        );
        let what = match (&moved.certificate, &moved.document) {
            (Some(c), _) if case.kind == CaseKind::Cancel => format!("许可证 {c} 已注销。"),
            (Some(c), _) => format!("已发证,证书编号 {c}。"),
            (None, Some(d)) => format!("文书编号 {d}。"),
            (None, None) => String::new(),
        };
        let reason = if input.text.is_empty() || action == Action::Submit {
            String::new()
        } else {
            format!("{}:{}", action.label(case.kind), input.text)
        };
        let title = format!("许可{}申请(案件 {id}):{label}", case.kind.label());
        let body = format!(
            "{}办理的危险化学品经营许可{}申请(案件 {id})进度:{label}。{what}{reason}",
            if case.issuer_name.is_empty() {
                "发证机关"
            } else {
                case.issuer_name.as_str()
            },
            case.kind.label()
        );
        ssr::tell_applicant(state, &case, &sms, &title, &body).await;
    }
    // The case page loads again after a step and says what was done.
    Ok(crate::server::http::flashed(
        match (moved.certificate, moved.document) {
            (Some(c), _) if case.kind == CaseKind::Cancel => format!("已注销许可证 {c}。"),
            (Some(c), _) => format!("已发证:证书编号 {c}。许可证信息已写入企业信息。"),
            (None, Some(d)) => format!(
                "已{},文书编号 {d}。当前进度:{label}。",
                action.label(case.kind)
            ),
            (None, None) => format!("已{}。当前进度:{label}。", action.label(case.kind)),
        },
    ))
}

/// Records the on-site check (现场核查) of an accepted case.
#[server(endpoint = "case/onsite", output = crate::api::TextJson)]
pub async fn record_onsite(
    id: i64,
    base_version: i64,
    from: String,
    to: String,
    inspectors: String,
    findings: String,
    #[server(default)] passed: String,
) -> Result<String, AppError> {
    use crate::server::{today, AppState};
    use leptos::server_fn::ServerFn as _;
    let state = AppState::get()?;
    let (user, case) = ssr::issuer(&state, id).await?;
    let check = OnSiteCheck {
        from: from.trim().to_string(),
        to: to.trim().to_string(),
        inspectors: inspectors.clone(),
        findings: crate::domain::normalize::normalize_text(&findings),
        passed: crate::domain::enterprise_info::Answer::Yes.is(&passed),
    };
    let not_passed = !check.passed;
    let accepted = case.accepted_on.unwrap_or_else(today);
    let result = record_onsite_as(&state, &user, id, base_version, check, accepted).await;
    // A refused plain post's fields come back in the form.
    let typed = [
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("inspectors", inspectors.as_str()),
        ("findings", findings.as_str()),
        // 符合条件 is the form's default: only the other answer is kept.
        ("passed", if not_passed { passed.as_str() } else { "" }),
    ];
    let by = (&state.db, user.user_id);
    let stage = OnSiteStage::Record;
    ssr::keep_onsite_after(RecordOnsite::PATH, by, id, stage, &result, &typed).await;
    result
}

/// [`record_onsite`] once its caller may record the check of case `id`,
/// accepted on `accepted`.
#[cfg(feature = "ssr")]
async fn record_onsite_as(
    state: &crate::server::AppState,
    user: &crate::server::session::SessionUser,
    id: i64,
    base_version: i64,
    check: OnSiteCheck,
    accepted: crate::domain::Date,
) -> Result<String, AppError> {
    use crate::server::licence_case::MoveInput;
    let errors = check.check(accepted, crate::server::today());
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = crate::api::enterprise_info::ssr::actor(user).await;
    let input = MoveInput {
        text: format!(
            "核查人员:{};{};结论:{}",
            check.inspector_names().join("、"),
            check.findings,
            if check.passed {
                "符合条件"
            } else {
                "不符合条件"
            }
        ),
        onsite: Some(check),
    };
    let action = Action::RecordOnSite;
    ssr::make_move(state, id, base_version, action, &input, &actor).await?;
    Ok(crate::server::http::flashed(
        "已登记现场核查。核查所用时间不计入审查期限。".into(),
    ))
}

/// Claims or releases a case for the calling regulator, or (with
/// `assignee`) assigns it to a colleague of the issuing authority.
#[server(endpoint = "case/claim", output = crate::api::TextJson)]
pub async fn claim_case(
    id: i64,
    base_version: i64,
    #[server(default)] release: bool,
    #[server(default)] assignee: i64,
) -> Result<String, AppError> {
    use crate::server::licence_case::{self as repo, Claim};
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (user, _) = ssr::issuer(&state, id).await?;
    let actor = crate::api::enterprise_info::ssr::actor(&user).await;
    let claim = match (assignee, release) {
        (0, false) => Claim::Take(user.user_id),
        (0, true) => Claim::Release(user.user_id),
        (to, _) => Claim::Assign(to),
    };
    repo::claim(&state.db, id, base_version, claim, &actor, now())
        .await
        .map_err(ssr::error)?;
    Ok(crate::server::http::flashed(match claim {
        Claim::Take(_) => "已认领,本案由您办理。".into(),
        Claim::Release(_) => "已放弃认领。".into(),
        Claim::Assign(_) => "已指派,历史记录中写明了承办人的变化。".into(),
    }))
}

/// Schedules the on-site check of an accepted case: the applicant is told
/// the date and the inspectors by SMS, and the case's history shows it.
#[server(endpoint = "case/onsite/plan", output = crate::api::TextJson)]
pub async fn plan_onsite(
    id: i64,
    base_version: i64,
    on: String,
    inspectors: String,
) -> Result<String, AppError> {
    use crate::server::AppState;
    use leptos::server_fn::ServerFn as _;
    let state = AppState::get()?;
    let (user, case) = ssr::issuer(&state, id).await?;
    let plan = crate::domain::licence_case::OnSitePlan {
        on: on.trim().to_string(),
        inspectors: inspectors.clone(),
    };
    let result = plan_onsite_as(&state, &user, &case, base_version, plan).await;
    // A refused plain post's fields come back in the form.
    let typed = [("on", on.as_str()), ("inspectors", inspectors.as_str())];
    let by = (&state.db, user.user_id);
    let stage = OnSiteStage::Plan;
    ssr::keep_onsite_after(PlanOnsite::PATH, by, id, stage, &result, &typed).await;
    result
}

/// [`plan_onsite`] once its caller may schedule the check of `case`.
#[cfg(feature = "ssr")]
async fn plan_onsite_as(
    state: &crate::server::AppState,
    user: &crate::server::session::SessionUser,
    case: &crate::server::licence_case::Case,
    base_version: i64,
    plan: crate::domain::licence_case::OnSitePlan,
) -> Result<String, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::{now, today};
    let id = case.id;
    let errors = plan.check(today());
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = crate::api::enterprise_info::ssr::actor(user).await;
    let note = plan.note();
    repo::plan_onsite(&state.db, id, base_version, &note, &actor, now())
        .await
        .map_err(ssr::error)?;
    let body = format!(
        "{}将于 {} 对您单位的危险化学品经营许可{}申请(案件 {id})进行现场核查,核查人员:{}。请做好准备。",
        case.issuer_name,
        plan.on,
        case.kind.label(),
        plan.inspector_names().join("、")
    );
    let sms = format!(
        "【危化品经营安全监管系统】{},详情请登录系统查看。",
        body.trim_end_matches('。')
    );
    let title = format!("许可{}申请(案件 {id}):已安排现场核查", case.kind.label());
    ssr::tell_applicant(state, case, &sms, &title, &body).await;
    Ok(crate::server::http::flashed(format!(
        "已安排现场核查:{note}。已短信告知申请人。"
    )))
}

/// The cases the calling regulator's organisation issues, oldest deadline first.
#[server(endpoint = "case/inbox", output = crate::api::TextJson)]
pub async fn case_inbox(
    #[server(default)] step: String,
    #[server(default)] overdue: bool,
    #[server(default)] due_within: i64,
) -> Result<Vec<CaseSummary>, AppError> {
    use crate::server::licence_case::{self as repo, InboxFilter};
    use crate::server::{today, AppState};
    let state = AppState::get()?;
    let user = crate::api::auth::ssr::require_user(&state).await?;
    let org = crate::server::guard::regulator_organization(&user)?;
    let cases = repo::inbox(
        &state.db,
        org,
        &InboxFilter {
            step: Step::from_code(&step),
            overdue,
            due_within,
        },
        today(),
    )
    .await
    .map_err(ssr::error)?;
    Ok(cases.iter().map(ssr::summary).collect())
}

/// A certificate's print view, for its enterprise and the regulators who may see it.
#[server(endpoint = "certificate/get", output = crate::api::TextJson)]
pub async fn get_certificate(id: i64) -> Result<CertificateView, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::AppState;
    let state = AppState::get()?;
    let user = crate::api::auth::ssr::require_user(&state).await?;
    let c = repo::certificate(&state.db, id)
        .await
        .map_err(ssr::error)?
        .ok_or(AppError::Forbidden)?;
    let region = repo::enterprise_region(&state.db, c.enterprise_id).await?;
    let allowed = crate::server::guard::may_see(&state.db, &user, c.enterprise_id, &region).await?;
    if !allowed {
        return Err(AppError::Forbidden);
    }
    Ok(ssr::certificate_view(&state, c, false))
}

/// The public check of a certificate by the token in its QR code: status
/// and what it licenses, no personal data.
#[server(endpoint = "certificate/verify", output = crate::api::TextJson)]
pub async fn verify_certificate(token: String) -> Result<Option<CertificateView>, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::AppState;
    let state = AppState::get()?;
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(repo::certificate_by_token(&state.db, &token)
        .await
        .map_err(ssr::error)?
        .map(|c| ssr::certificate_view(&state, c, true)))
}

/// Lookups one client address may make in ten minutes.
pub const LOOKUPS_PER_TEN_MINUTES: i64 = 60;

/// 许可证查询 for anyone: by certificate number, credit code or part of the
/// enterprise's name (at least 2 characters); status, 经营方式, 许可范围,
/// validity and issuing authority, no personal data. Throttled per address.
#[server(endpoint = "public/licences", output = crate::api::TextJson)]
pub async fn lookup_licences(q: String) -> Result<Vec<CertificateView>, AppError> {
    use crate::domain::normalize::{normalize_code, normalize_text};
    use crate::server::licence_case as repo;
    use crate::server::limits::{self, Limit};
    use crate::server::{http, now, AppState};
    let state = AppState::get()?;
    let text = normalize_text(&q);
    if text.chars().count() < 2 {
        return Err(AppError::Conflict {
            field: "q".into(),
            message: "请输入许可证编号、统一社会信用代码,或企业名称中的至少2个字。".into(),
        });
    }
    let key = format!("ip:lookup:{}", http::client_ip().await);
    if limits::hit(
        &state.db,
        &key,
        Limit::per(LOOKUPS_PER_TEN_MINUTES, 600),
        now(),
    )
    .await?
    .is_err()
    {
        return Err(AppError::RateLimited(
            "查询过于频繁,请10分钟后再试。".into(),
        ));
    }
    // A credit code as typed (spaces, full-width, lower case) or a number.
    let code = normalize_code(&text);
    let query = if crate::domain::CreditCode::parse(&code).is_ok() {
        code
    } else {
        crate::domain::LicenceNumber::parse(&text)
            .map(|n| n.as_str().to_string())
            .unwrap_or(text)
    };
    Ok(repo::lookup(&state.db, &query)
        .await
        .map_err(ssr::error)?
        .into_iter()
        .map(|c| CertificateView {
            // The QR code's token is the printout's; a lookup does not hand it out.
            verify_url: String::new(),
            ..ssr::certificate_view(&state, c, true)
        })
        .collect())
}

/// A configured issuing authority, as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityView {
    pub region_code: String,
    pub region: String,
    pub organization: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorities {
    pub configured: Vec<AuthorityView>,
    /// Every organisation: (id, name).
    pub organizations: Vec<(i64, String)>,
}

/// The per-region routing of licence cases (administrators).
#[server(endpoint = "case/authorities", output = crate::api::TextJson)]
pub async fn case_authorities() -> Result<Authorities, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::{regions, AppState};
    let state = AppState::get()?;
    crate::api::auth::ssr::require_admin(&state).await?;
    Ok(Authorities {
        configured: repo::authorities(&state.db)
            .await?
            .into_iter()
            .map(|a| AuthorityView {
                region: regions::full_name(&a.region_code),
                region_code: a.region_code,
                organization: a.organization,
            })
            .collect(),
        organizations: repo::organizations(&state.db).await?,
    })
}

/// 发证机关设置's region, when it is not a city's or county's code.
pub const REGION_CODE_MESSAGE: &str =
    "请填写6位行政区划代码(设区的市或县级),如 320100 南京市、320102 玄武区。";

/// Routes the cases of a region (a city, for city-level cases, or a county)
/// to an organisation such as a 行政审批局; `organization_id` 0 restores the
/// region's own bureau. A refused plain post goes back with what was chosen:
/// the page's form starts from it.
#[server(endpoint = "case/authorities/set", output = crate::api::TextJson)]
pub async fn set_case_authority(
    region_code: String,
    organization_id: i64,
) -> Result<String, AppError> {
    use leptos::server_fn::ServerFn as _;
    let result = set_case_authority_attempt(region_code.trim(), organization_id).await;
    let org = organization_id.to_string();
    let typed = [("region_code", &*region_code), ("organization_id", &org)];
    crate::server::http::keep_typed_after_error(SetCaseAuthority::PATH, &result, &typed).await;
    result
}

/// The body of [`set_case_authority`].
#[cfg(feature = "ssr")]
async fn set_case_authority_attempt(
    region_code: &str,
    organization_id: i64,
) -> Result<String, AppError> {
    use crate::server::licence_case as repo;
    use crate::server::{http, now, regions, AppState};
    let state = AppState::get()?;
    let admin = crate::api::auth::ssr::require_admin(&state).await?;
    let region_code = region_code.to_string();
    let known = region_code.len() == 6
        && regions::get(&region_code).is_some_and(|r| r.level == "city" || r.level == "county");
    if !known {
        let mut e = FieldErrors::new();
        e.add("region_code", REGION_CODE_MESSAGE);
        return Err(AppError::Validation(e));
    }
    let actor = crate::api::enterprise_info::ssr::actor(&admin).await;
    let org = (organization_id != 0).then_some(organization_id);
    if !repo::set_authority(&state.db, &region_code, org, &actor, now()).await? {
        return Err(AppError::Conflict {
            field: "organization_id".into(),
            message: "请选择一个已开通的机构。".into(),
        });
    }
    // 发证机关设置's forms are plain posts: the page they come back to
    // says what was done.
    Ok(http::confirm(match org {
        Some(_) => format!(
            "已设置:{} 的许可证案件今后由所选机构办理(已提交的案件不变)。",
            regions::full_name(&region_code)
        ),
        None => format!(
            "已恢复:{} 的许可证案件由本地区应急管理部门办理。",
            regions::full_name(&region_code)
        ),
    }))
}
