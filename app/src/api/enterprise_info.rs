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

use crate::domain::enterprise_info::{EnterpriseRecord, Expiry, FieldChange, Issue, RecordStatus};
use crate::domain::FieldErrors;
use crate::error::AppError;

/// The national FAQ's words for the lock, kept because users know them.
pub const LOCK_MESSAGE: &str =
    "监管机构正在修改企业信息,请等待申请确认后再操作企业信息,以防两边同时修改数据导致冲突";

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

    /// The message of a refusal.
    pub fn error(e: InfoError) -> AppError {
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
            } => AppError::Conflict {
                field: "version".into(),
                message: format!(
                    "操作未完成:您打开页面后,{by}于{}更改了这份信息(例如企业撤回或重新提交,或其他监管人员已处理)。页面已更新为最新状态,请核对后再操作。",
                    cst_datetime(at)
                ).into(),
            },
            InfoError::Stale { changes, by, at, .. } => AppError::Conflict {
                field: "version".into(),
                message: Message::explained(format!(
                    "保存未成功:您打开页面后,{by}于{}修改了这份信息:{}。您填写的内容仍在页面上,没有丢失;请核对后再保存(将以最新版本为基础)。",
                    cst_datetime(at),
                    if changes.is_empty() {
                        "状态有变化".to_string()
                    } else {
                        named(changes)
                            .iter()
                            .map(|c| format!("{}“{}”→“{}”", c.label, c.before, c.after))
                            .collect::<Vec<_>>()
                            .join(";")
                    }
                ), Faq::CannotEdit),
            },
            InfoError::WrongStatus(message) => AppError::conflict("status", message),
            InfoError::Db(e) => e.into(),
        }
    }
}

/// The logged-in enterprise's record, its lock, completeness and history.
#[server(endpoint = "info/mine")]
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
#[server(endpoint = "info/save", input = Json)]
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
    match repo::save_draft(&state.db, id, base_version, &record, &actor, now()).await {
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
                crate::domain::enterprise_info::RecordStep::Save.action(),
                "保存被拒绝",
                now(),
            )
            .await;
            Err(ssr::error(e))
        }
    }
}

/// Submits the draft after the completeness check.
#[server(endpoint = "info/submit")]
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
    let version = repo::submit(&state.db, id, base_version, &actor, now())
        .await
        .map_err(ssr::error)?;
    crate::server::messages::tell_submitted(&state.db, id, now()).await;
    Ok(version)
}

/// 撤回 (a submission not yet confirmed) or 信息变更 (a confirmed record), by `action`.
#[server(endpoint = "info/status")]
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
    let result = match action {
        StatusChange::Withdraw => repo::withdraw(&state.db, id, base_version, &actor, now()).await,
        StatusChange::Change => {
            repo::start_change(&state.db, id, base_version, &actor, now()).await
        }
    };
    result.map_err(ssr::error)
}

/// The enterprise accepts or (with a reason) rejects a regulator's proposal.
#[server(endpoint = "info/proposal/answer")]
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
        e.add("reason", "请填写拒绝的理由,监管部门会看到。");
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
    Ok(if accept {
        format!("已确认{}的修改申请,企业信息已更新。", p.organization)
    } else {
        format!("已拒绝{}的修改申请。", p.organization)
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub credit_code: String,
    pub name: String,
    pub region: String,
    pub status: String,
    pub mode: String,
    pub next_expiry: Option<String>,
    pub expiry: Option<Expiry>,
    pub proposal_pending: bool,
    /// 一级 … 四级, 不构成, or "" when no storage units are filled in.
    pub hazard: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPage {
    /// The regions one level below the jurisdiction, for the region filter.
    pub regions: Vec<(String, String)>,
    pub entries: Vec<DirectoryEntry>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// Enterprises that moved into or out of the jurisdiction (180 days).
    pub handovers: Vec<HandoverEntry>,
    /// With an expiry filter: how many licences expire by then (for their export).
    #[serde(default)]
    pub expiring_licences: Option<i64>,
}

/// A move of an enterprise between regions, for both bureaus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverEntry {
    pub at: String,
    pub credit_code: String,
    pub name: String,
    pub summary: String,
    /// Moved out: the enterprise is no longer this bureau's to open.
    pub outgoing: bool,
}

pub const PER_PAGE: i64 = 20;

/// 信息维护: the enterprises of the regulator's jurisdiction, filtered, one page.
#[server(endpoint = "info/directory")]
pub async fn info_directory(
    q: String,
    region: String,
    mode: String,
    status: String,
    expiring_days: String,
    #[server(default)] sort: String,
    #[server(default)] hazard: String,
    page: i64,
) -> Result<DirectoryPage, AppError> {
    use crate::domain::enterprise_info::expiry_state;
    use crate::server::enterprise_info::{directory, DirectoryQuery};
    use crate::server::{regions, today, AppState};
    let state = AppState::get()?;
    let (_, jurisdiction) = crate::api::auth::ssr::require_reviewer(&state).await?;
    let choices = regions::children(jurisdiction.prefix().unwrap_or(""))
        .into_iter()
        .map(|r| (r.code.to_string(), r.name.to_string()))
        .collect();
    let filter = DirectoryQuery {
        q,
        region,
        mode,
        status,
        expiring: expiring_days,
        sort,
        hazard,
    }
    .filter(jurisdiction.prefix(), today());
    // Bounded: a page number from the address bar never overflows the offset.
    let page = page.clamp(1, 100_000);
    let handovers = crate::server::enterprise_info::handovers(
        &state.db,
        &filter.scope,
        crate::server::now() - 180 * 86_400,
    )
    .await?
    .into_iter()
    .map(|h| HandoverEntry {
        at: crate::server::cst_datetime(h.at),
        credit_code: h.credit_code,
        name: h.name,
        summary: h.summary,
        outgoing: h.outgoing,
    })
    .collect();
    let (rows, total) = directory(&state.db, &filter, page, PER_PAGE)
        .await
        .map_err(ssr::error)?;
    let t = today();
    let expiring_licences = match crate::domain::Date::parse(&filter.expiring_by) {
        Some(by) => {
            let region = if filter.region.is_empty() {
                filter.scope.clone()
            } else {
                regions::prefix(&filter.region).to_string()
            };
            Some(crate::server::export::expiring_count(&state.db, &region, by).await?)
        }
        None => None,
    };
    Ok(DirectoryPage {
        expiring_licences,
        regions: choices,
        entries: rows
            .into_iter()
            .map(|r| DirectoryEntry {
                hazard: r.hazard_label(),
                region: regions::full_name(&r.region_code),
                status: r.status.label().to_string(),
                mode: r.mode_label().to_string(),
                expiry: r
                    .next_expiry
                    .as_deref()
                    .and_then(crate::domain::Date::parse)
                    .map(|d| expiry_state(d, t)),
                next_expiry: r.next_expiry,
                proposal_pending: r.proposal_pending,
                credit_code: r.credit_code,
                name: r.name,
            })
            .collect(),
        total,
        page: page.max(1),
        pages: (total + PER_PAGE - 1) / PER_PAGE,
        handovers,
    })
}

/// An enterprise's unsubmitted 信息变更, as its regulator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenChange {
    /// Who saved last ("" when unknown).
    pub by: String,
    pub since: String,
    pub saved: String,
    /// When it lapses unless saved again.
    pub lapses: String,
}

/// One enterprise as a regulator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    pub credit_code: String,
    /// The name in force, else the one the enterprise registered with.
    pub name: String,
    /// The region of the record in force, by name.
    pub region_name: String,
    pub status: RecordStatus,
    pub status_label: String,
    pub version: i64,
    /// The record in force (confirmed, else submitted), if any.
    pub record: Option<EnterpriseRecord>,
    /// A submission waiting for confirmation: what it changes.
    pub submitted: Option<Vec<FieldChange>>,
    /// Expired or soon-expiring licences of the submission, for the decider.
    pub submitted_warnings: Vec<String>,
    /// A 信息变更 the enterprise has not submitted yet (it blocks 申请修改).
    pub open_change: Option<OpenChange>,
    pub proposal: Option<ProposalView>,
    pub licences: Vec<LicenceSummary>,
    pub trail: Vec<AuditView>,
    /// How many rows the whole trail has (the page shows the latest 100).
    #[serde(default)]
    pub trail_total: i64,
    /// Whether the viewer may propose changes (a regulator with an organisation).
    pub can_propose: bool,
}

#[server(endpoint = "info/record")]
pub async fn regulated_record(credit_code: String) -> Result<RecordView, AppError> {
    use crate::domain::enterprise_info::diff;
    use crate::server::enterprise_info as repo;
    use crate::server::AppState;
    let state = AppState::get()?;
    let (user, id) = ssr::regulated(&state, &credit_code).await?;
    let info = repo::peek(&state.db, id).await.map_err(ssr::error)?;
    let proposal = repo::pending_proposal(&state.db, id)
        .await
        .map_err(ssr::error)?
        .map(|p| ssr::proposal_view(p, user.organization_id));
    let trail = crate::server::audit::trail(&state.db, id, 100).await?;
    let changing = info.confirmed.is_some() && info.status != RecordStatus::Confirmed;
    let submitted = (info.status == RecordStatus::Submitted).then(|| {
        ssr::named(match &info.confirmed {
            Some(c) => diff(c, &info.draft),
            None => diff(&EnterpriseRecord::default(), &info.draft),
        })
    });
    let submitted_warnings = if info.status == RecordStatus::Submitted {
        info.draft.expiry_warnings(crate::server::today())
    } else {
        vec![]
    };
    let open_change = info.change_open().then(|| OpenChange {
        by: info.updated_by.clone().unwrap_or_default(),
        since: info
            .change_started_at
            .map(crate::server::cst_datetime)
            .unwrap_or_default(),
        saved: crate::server::cst_datetime(info.updated_at),
        lapses: crate::server::cst_datetime(info.updated_at + repo::CHANGE_LAPSE_SECS),
    });
    let record = info.in_force().cloned();
    Ok(RecordView {
        credit_code: crate::domain::normalize::normalize_code(&credit_code),
        name: record
            .as_ref()
            .map_or_else(|| info.draft.name.clone(), |r| r.name.clone()),
        region_name: record.as_ref().map_or_else(String::new, |r| {
            crate::server::regions::full_name(&r.region_code)
        }),
        status_label: info.status.label(changing).to_string(),
        licences: record.as_ref().map(ssr::licences).unwrap_or_default(),
        status: info.status,
        version: info.version,
        record,
        submitted,
        submitted_warnings,
        open_change,
        proposal,
        trail: trail.into_iter().map(ssr::audit_view).collect(),
        trail_total: crate::server::audit::trail_count(&state.db, id).await?,
        can_propose: user.kind == crate::domain::UserKind::Regulator,
    })
}

/// What 退回 without a reason is told (in the browser and by the server).
pub const RETURN_REASON_MISSING: &str = "请填写退回原因,企业会看到并据此修改。";

/// Confirms (`approve`) or sends back (with `reason`) a submitted record.
#[server(endpoint = "info/decide")]
pub async fn decide_info(
    credit_code: String,
    base_version: i64,
    approve: bool,
    reason: String,
) -> Result<String, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::regulated(&state, &credit_code).await?;
    let reason = crate::domain::normalize::normalize_text(&reason);
    if !approve && reason.is_empty() {
        let mut e = FieldErrors::new();
        e.add("reason", RETURN_REASON_MISSING);
        return Err(AppError::Validation(e));
    }
    let actor = ssr::actor(&user).await;
    repo::decide(&state.db, id, base_version, approve, &reason, &actor, now())
        .await
        .map_err(ssr::error)?;
    let organization = user.belongs_to.clone();
    let (kind, title, body) = if approve {
        (
            crate::domain::message::MessageKind::InfoConfirmed,
            format!("{organization}已确认您单位提交的企业信息"),
            "您单位提交的企业信息已确认,现为在用信息。如需修改,请在“完善信息”中点击“信息变更”。"
                .to_string(),
        )
    } else {
        (
            crate::domain::message::MessageKind::InfoReturned,
            format!("{organization}退回了您单位提交的企业信息"),
            format!("退回原因:{reason}。请在“完善信息”中按原因修改后重新提交。"),
        )
    };
    crate::server::messages::tell_enterprise(
        &state.db,
        Some(&state.sms),
        id,
        crate::server::messages::NewMessage {
            kind,
            title: &title,
            body: &body,
            link: "/info",
        },
        now(),
    )
    .await;
    Ok(if approve {
        "已确认企业信息。".into()
    } else {
        "已退回,企业将看到退回原因。".into()
    })
}

/// 申请修改: proposes new values for some fields of the record in force.
#[server(endpoint = "info/propose", input = Json)]
pub async fn propose_change(
    credit_code: String,
    base_version: i64,
    values: Vec<(crate::domain::enterprise_info::Scalar, String)>,
) -> Result<String, AppError> {
    use crate::domain::enterprise_info::diff;
    use crate::server::enterprise_info as repo;
    use crate::server::{now, today, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::regulated(&state, &credit_code).await?;
    let org = match (user.kind, user.organization_id) {
        (crate::domain::UserKind::Regulator, Some(org)) => org,
        _ => return Err(AppError::Forbidden),
    };
    let info = repo::load(&state.db, id, now()).await.map_err(ssr::error)?;
    let current = info.confirmed.clone().unwrap_or_default();
    let mut proposed = current.clone();
    for (field, v) in &values {
        *field.of_mut(&mut proposed) = v.trim().to_string();
    }
    // The changed fields must themselves be valid.
    let mut errors = FieldErrors::new();
    let changed: Vec<String> = diff(&current, &proposed)
        .into_iter()
        .map(|c| c.field)
        .collect();
    for (field, msg) in proposed
        .check_basic()
        .iter()
        .chain(proposed.check_mode(today()).iter())
    {
        if changed.iter().any(|c| c == field) {
            errors.add(field, msg);
        }
    }
    if changed.iter().any(|c| c == "region_code") {
        ssr::check_region(&proposed, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = ssr::actor(&user).await;
    let changes = repo::propose(&state.db, id, base_version, &proposed, org, &actor, now())
        .await
        .map_err(ssr::error)?;
    crate::server::messages::tell_enterprise(
        &state.db,
        Some(&state.sms),
        id,
        crate::server::messages::NewMessage {
            kind: crate::domain::message::MessageKind::Proposal,
            title: &format!("{}申请修改您单位的企业信息", user.belongs_to),
            body: &format!(
                "{}申请修改您单位企业信息中的 {} 项内容。请在“完善信息”中查看,确认或说明理由后拒绝;处理前不能修改企业信息。",
                user.belongs_to,
                changes.len()
            ),
            link: "/info",
        },
        now(),
    )
    .await;
    Ok(format!(
        "已提交修改申请({}项),等待企业确认;确认前企业不能修改信息,您可以随时撤回。",
        changes.len()
    ))
}

/// Reminds the enterprise by SMS to finish its open 信息变更 (a regulator
/// of its jurisdiction; once a day per enterprise).
#[server(endpoint = "info/remind")]
pub async fn remind_enterprise(credit_code: String) -> Result<String, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::regulated(&state, &credit_code).await?;
    let org = match (user.kind, user.organization_id) {
        (crate::domain::UserKind::Regulator, Some(org)) => org,
        _ => return Err(AppError::Forbidden),
    };
    let actor = ssr::actor(&user).await;
    let masked = repo::remind(&state.db, &state.sms, id, org, &actor, now())
        .await
        .map_err(ssr::error)?;
    Ok(format!("已发送短信提醒至企业经办人手机 {masked}。"))
}

/// 撤回 a pending proposal (only by the organisation that made it).
#[server(endpoint = "info/proposal/withdraw")]
pub async fn withdraw_proposal(credit_code: String, proposal_id: i64) -> Result<String, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::{now, AppState};
    let state = AppState::get()?;
    let (user, id) = ssr::regulated(&state, &credit_code).await?;
    let pending = repo::pending_proposal(&state.db, id)
        .await
        .map_err(ssr::error)?;
    match pending {
        Some(p) if p.id == proposal_id && Some(p.organization_id) == user.organization_id => {}
        Some(p) if p.id == proposal_id => {
            return Err(AppError::Conflict {
                field: "proposal".into(),
                message: format!("该申请由{}提出,只能由该局撤回。", p.organization).into(),
            })
        }
        _ => {
            return Err(AppError::Conflict {
                field: "proposal".into(),
                message: "该修改申请已被处理或撤回,请刷新页面。".into(),
            })
        }
    }
    let actor = ssr::actor(&user).await;
    repo::close_proposal(
        &state.db,
        id,
        proposal_id,
        crate::domain::enterprise_info::ProposalOutcome::Withdrawn,
        "",
        &actor,
        now(),
    )
    .await
    .map_err(ssr::error)?;
    Ok("已撤回修改申请,企业可以继续操作企业信息。".into())
}
