//! 完善信息 (enterprises) and 信息维护 (regulators): one record per
//! enterprise, edited as a draft, submitted, confirmed; changes proposed by
//! regulators lock the enterprise's form with who, since when and what.

// `info_directory` takes one argument per field of the filter form, posted
// flat as the form has them; the server macro's client half carries no
// attributes, so the allowance is for the module.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::enterprise_info::{
    DirectoryStatus, EnterpriseRecord, Expiry, FieldChange, Issue, RecordStatus,
};
use crate::domain::FieldErrors;
use crate::error::AppError;

mod directory;
mod regulated;
pub use directory::*;
pub use regulated::*;

/// The national FAQ's words for the lock, kept because users know them.
pub const LOCK_MESSAGE: &str =
    "监管机构正在修改企业信息,请等待申请确认后再操作企业信息,以防两边同时修改数据导致冲突";

/// A proposal rejected without saying why.
pub const PROPOSAL_REASON_MISSING: &str = "请填写拒绝的理由,监管部门会看到。";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub organization: String,
    pub user: String,
    pub since: String,
    pub changes: Vec<FieldChange>,
    /// Whether the viewer's organisation made it (may withdraw).
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceSummary {
    pub number: String,
    pub valid_until: String,
    pub expiry: Option<Expiry>,
    /// The certificate scan's id ("" = none).
    pub scan: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub summary: String,
    pub changes: Vec<FieldChange>,
    pub outcome: String,
}

/// The enterprise's own view of its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoView {
    pub credit_code: String,
    pub status: RecordStatus,
    /// A 信息变更 is under way (a confirmed version stays in force).
    pub changing: bool,
    pub version: i64,
    pub draft: EnterpriseRecord,
    pub confirmed: Option<EnterpriseRecord>,
    pub return_reason: String,
    pub lock: Option<ProposalView>,
    pub issues: Vec<Issue>,
    pub licences: Vec<LicenceSummary>,
    pub trail: Vec<AuditView>,
    /// The 所属地区 picker's lists for the draft's region.
    pub regions: crate::domain::region::RegionLists,
}

/// The result of saving a step: the new version and that step's problems
/// (the draft is saved either way, so nothing typed is lost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStep {
    pub version: i64,
    pub errors: FieldErrors,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::domain::enterprise_info::{expiry_state, EnterpriseRecord};
    use crate::domain::{help::Faq, Message};
    use crate::error::AppError;
    use crate::server::audit::{Actor, AuditRow};
    use crate::server::enterprise_info::{InfoError, Proposal};
    use crate::server::session::SessionUser;
    use crate::server::{cst_datetime, http, AppState};

    /// 所属地区 must be a complete region of the shipped GB/T 2260 table
    /// (the browser checks the form only: the table stays on the server).
    pub fn check_region(
        record: &crate::domain::enterprise_info::EnterpriseRecord,
        errors: &mut crate::domain::FieldErrors,
    ) {
        if record.region_code.is_empty() || errors.get("region_code").is_some() {
            return;
        }
        if let Some(message) = crate::server::regions::problem(&record.region_code) {
            errors.add("region_code", message);
        }
    }

    pub async fn actor(user: &SessionUser) -> Actor {
        Actor::of(user, http::client_ip().await)
    }

    /// A regulator (or administrator) and an enterprise of their jurisdiction, by credit code.
    pub async fn regulated(
        state: &AppState,
        credit_code: &str,
    ) -> Result<(SessionUser, i64), AppError> {
        let (user, scope) = crate::api::auth::ssr::require_reviewer(state).await?;
        let code = crate::domain::normalize::normalize_code(credit_code);
        let (id, region) = crate::server::enterprise_info::id_and_region(&state.db, &code)
            .await?
            .ok_or(AppError::Forbidden)?;
        if !scope.covers(&region) {
            // Not "not found": the same answer as for an enterprise that does not exist.
            return Err(AppError::Forbidden);
        }
        Ok((user, id))
    }

    /// Changes as people read them: regions by name, not by code.
    pub fn named(mut changes: Vec<super::FieldChange>) -> Vec<super::FieldChange> {
        for c in changes.iter_mut().filter(|c| c.field == "region_code") {
            for v in [&mut c.before, &mut c.after] {
                if !v.is_empty() {
                    *v = crate::server::regions::full_name(v);
                }
            }
        }
        changes
    }

    pub fn proposal_view(p: Proposal, viewer_org: Option<i64>) -> super::ProposalView {
        super::ProposalView {
            id: p.id,
            since: cst_datetime(p.created_at),
            mine: viewer_org == Some(p.organization_id),
            organization: p.organization,
            user: p.user,
            changes: named(p.changes),
        }
    }

    /// An audit row for a regulator: with the address it came from.
    pub fn audit_view(a: AuditRow) -> super::AuditView {
        super::AuditView {
            at: cst_datetime(a.at),
            actor: a.actor,
            ip: a.ip,
            summary: a.summary,
            changes: named(a.changes),
            outcome: if a.outcome == "ok" {
                "成功".into()
            } else {
                "被拒绝".into()
            },
        }
    }

    /// An audit row for the enterprise: who (bureau and person) and what,
    /// never the addresses of regulators or of anyone else.
    pub fn own_audit_view(a: AuditRow) -> super::AuditView {
        super::AuditView {
            ip: String::new(),
            ..audit_view(a)
        }
    }

    pub fn licences(rec: &EnterpriseRecord) -> Vec<super::LicenceSummary> {
        let today = crate::server::today();
        rec.licences
            .iter()
            .map(|l| super::LicenceSummary {
                number: l.number.clone(),
                valid_until: l.valid_until.clone(),
                expiry: crate::domain::Date::parse(&l.valid_until).map(|d| expiry_state(d, today)),
                scan: l.scan.clone(),
            })
            .collect()
    }

    /// What an enterprise tried when it was refused: a page out of date
    /// names it, not always the save.
    #[derive(Debug, Clone, Copy)]
    pub enum Attempt {
        Save,
        Submit,
        Status(crate::domain::enterprise_info::StatusChange),
    }

    impl Attempt {
        fn name(self) -> &'static str {
            match self {
                Attempt::Save => "保存",
                Attempt::Submit => "提交",
                Attempt::Status(s) => s.label(),
            }
        }

        /// Whether the page holds what the user typed for it.
        fn keeps_typed(self) -> bool {
            matches!(self, Attempt::Save | Attempt::Submit)
        }
    }

    /// The message of a refusal of a save.
    pub fn error(e: InfoError) -> AppError {
        error_of(Attempt::Save, e)
    }

    /// The message of a refusal of `attempt`.
    pub fn error_of(attempt: Attempt, e: InfoError) -> AppError {
        let verb = attempt.name();
        match e {
            InfoError::Locked(p) => AppError::Conflict {
                field: "lock".into(),
                message: Message::explained(format!(
                    "{}。({}{}自{}起申请修改:{}。请在本页上方确认或拒绝该申请,或请该局在“信息维护”中撤回。)",
                    super::LOCK_MESSAGE,
                    p.organization,
                    p.user,
                    cst_datetime(p.created_at),
                    p.changes
                        .iter()
                        .map(|c| c.label.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ), Faq::RegulatorEditing),
            },
            InfoError::Stale {
                by,
                at,
                regulator: true,
                ..
            } => AppError::stale(
                format!(
                    "操作未完成:您打开页面后,{by}于{}更改了这份信息(例如企业撤回或重新提交,或其他监管人员已处理)。页面已更新为最新状态,请核对后再操作。",
                    cst_datetime(at)
                ),
            ),
            InfoError::Stale { changes, by, at, .. } => AppError::stale(
                Message::explained(format!(
                    "{verb}未成功:您打开页面后,{by}于{}修改了这份信息:{}。{}",
                    cst_datetime(at),
                    if changes.is_empty() {
                        "状态有变化".to_string()
                    } else {
                        named(changes)
                            .iter()
                            .map(|c| format!("{}“{}”→“{}”", c.label, c.before, c.after))
                            .collect::<Vec<_>>()
                            .join(";")
                    },
                    if attempt.keeps_typed() {
                        format!("您填写的内容仍在页面上,没有丢失;请核对后再{verb}(将以最新版本为基础)。")
                    } else {
                        "请核对最新内容后再操作。".to_string()
                    }
                ), Faq::CannotEdit),
            ),
            InfoError::WrongStatus(message) => AppError::conflict("status", message),
            InfoError::Db(e) => e.into(),
        }
    }
}

/// The logged-in enterprise's record, its lock, completeness and history.
#[server(endpoint = "info/mine", output = crate::api::TextJson)]
pub async fn my_info() -> Result<InfoView, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise(&state).await?;
    let info = repo::load(&state.db, id, now()).await.map_err(ssr::error)?;
    let lock = repo::pending_proposal(&state.db, id)
        .await
        .map_err(ssr::error)?
        .map(|p| ssr::proposal_view(p, None));
    let trail = crate::server::audit::trail(&state.db, id, 50).await?;
    let shown = info.confirmed.as_ref().unwrap_or(&info.draft);
    Ok(InfoView {
        // A team member's login is internal; the enterprise's code is shown.
        credit_code: user
            .login
            .split_once('/')
            .map_or(user.login.as_str(), |(code, _)| code)
            .to_string(),
        changing: info.confirmed.is_some() && info.status != RecordStatus::Confirmed,
        issues: info.draft.completeness(today()),
        regions: crate::server::regions::choices(&info.draft.region_code),
        licences: ssr::licences(shown),
        status: info.status,
        version: info.version,
        draft: info.draft,
        confirmed: info.confirmed,
        return_reason: info.return_reason,
        lock,
        trail: trail.into_iter().map(ssr::own_audit_view).collect(),
    })
}

/// Saves the draft (from any step) and returns that step's problems.
#[server(endpoint = "info/save", input = Json, output = crate::api::TextJson)]
pub async fn save_info(
    step: crate::domain::enterprise_info::InfoStep,
    record: EnterpriseRecord,
    base_version: i64,
) -> Result<SavedStep, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise_writer(&state).await?;
    let scans: Vec<&str> = record.licences.iter().map(|l| l.scan.as_str()).collect();
    if !crate::server::files::all_belong(&state.db, id, &scans).await? {
        return Err(AppError::Forbidden);
    }
    let actor = ssr::actor(&user).await;
    let save = repo::EnterpriseStep::Save(&record);
    match repo::enterprise_step(&state.db, id, base_version, save, &actor, now()).await {
        Ok(version) => {
            let mut errors = record.check_step(step, today());
            if step == crate::domain::enterprise_info::InfoStep::Basic {
                ssr::check_region(&record, &mut errors);
            }
            Ok(SavedStep { version, errors })
        }
        Err(e) => {
            crate::server::audit::audit_refusal(
                &state.db,
                &actor,
                id,
                save.step().action(),
                "保存被拒绝",
                now(),
            )
            .await;
            Err(ssr::error(e))
        }
    }
}

/// Submits the draft after the completeness check.
#[server(endpoint = "info/submit", output = crate::api::TextJson)]
pub async fn submit_info(base_version: i64) -> Result<i64, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise_writer(&state).await?;
    let info = repo::load(&state.db, id, now()).await.map_err(ssr::error)?;
    let issues = info.draft.completeness(today());
    let mut e = FieldErrors::new();
    for i in issues {
        e.add(&i.field, i.message);
    }
    ssr::check_region(&info.draft, &mut e);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let actor = ssr::actor(&user).await;
    let submit = repo::EnterpriseStep::Submit;
    let version = repo::enterprise_step(&state.db, id, base_version, submit, &actor, now())
        .await
        .map_err(|e| ssr::error_of(ssr::Attempt::Submit, e))?;
    crate::server::messages::tell_submitted(&state.db, id, now()).await;
    Ok(version)
}

/// 撤回 (a submission not yet confirmed) or 信息变更 (a confirmed record), by `action`.
#[server(endpoint = "info/status", output = crate::api::TextJson)]
pub async fn change_info_status(
    action: crate::domain::enterprise_info::StatusChange,
    base_version: i64,
) -> Result<i64, AppError> {
    use crate::domain::enterprise_info::StatusChange;
    use crate::server::enterprise_info as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise_writer(&state).await?;
    let actor = ssr::actor(&user).await;
    let step = match action {
        StatusChange::Withdraw => repo::EnterpriseStep::Withdraw,
        StatusChange::Change => repo::EnterpriseStep::StartChange,
    };
    let version = repo::enterprise_step(&state.db, id, base_version, step, &actor, now())
        .await
        .map_err(|e| ssr::error_of(ssr::Attempt::Status(action), e))?;
    // 完善信息 posts this as a plain form: its page says what was done.
    crate::server::http::confirm(action.done().into());
    Ok(version)
}

/// The draft's version now: an editor whose save was refused as stale
/// builds on it next time (what was typed stays on the form).
#[server(endpoint = "info/version", output = crate::api::TextJson)]
pub async fn info_version() -> Result<i64, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::AppState;
    let state = AppState::get()?;
    let (_, id) = crate::api::auth::ssr::require_enterprise(&state).await?;
    let info = repo::peek(&state.db, id).await.map_err(ssr::error)?;
    Ok(info.version)
}

/// The enterprise accepts or (with a reason) rejects a regulator's proposal.
#[server(endpoint = "info/proposal/answer", output = crate::api::TextJson)]
pub async fn answer_proposal(
    proposal_id: i64,
    accept: bool,
    reason: String,
) -> Result<String, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (user, id) = crate::api::auth::ssr::require_enterprise_writer(&state).await?;
    // Another enterprise's proposal: not yours, whatever its state.
    if repo::proposal_enterprise(&state.db, proposal_id).await? != Some(id) {
        return Err(AppError::Forbidden);
    }
    let reason = crate::domain::normalize::normalize_text(&reason);
    if !accept && reason.is_empty() {
        let mut e = FieldErrors::new();
        e.add("reason", PROPOSAL_REASON_MISSING);
        return Err(AppError::Validation(e));
    }
    let actor = ssr::actor(&user).await;
    use crate::domain::enterprise_info::ProposalOutcome;
    let outcome = if accept {
        ProposalOutcome::Accepted
    } else {
        ProposalOutcome::Rejected
    };
    let p = repo::close_proposal(&state.db, id, proposal_id, outcome, &reason, &actor, now())
        .await
        .map_err(ssr::error)?;
    Ok(crate::server::http::confirm(if accept {
        format!("已确认{}的修改申请,企业信息已更新。", p.organization)
    } else {
        format!("已拒绝{}的修改申请。", p.organization)
    }))
}
