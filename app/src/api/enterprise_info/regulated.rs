//! The regulator's side of one enterprise's record: reading it, 确认 or
//! 退回, 申请修改, reminding, withdrawing a proposal.

use super::*;

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
    /// The viewer's refused 退回原因 for this record, back in its field.
    pub kept_reason: Option<String>,
}

#[server(endpoint = "info/record", output = crate::api::TextJson)]
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
        kept_reason: crate::server::kept_text::kept_for(
            &state.db,
            user.user_id,
            crate::domain::kept_text::KeptForm::ReturnRecord { enterprise: id },
            crate::server::now(),
        )
        .await,
    })
}

/// What 退回 without a reason is told (in the browser and by the server).
pub const RETURN_REASON_MISSING: &str = "请填写退回原因,企业会看到并据此修改。";

/// Confirms (`approve`) or sends back (with `reason`) a submitted record.
#[server(endpoint = "info/decide", output = crate::api::TextJson)]
pub async fn decide_info(
    credit_code: String,
    base_version: i64,
    approve: bool,
    reason: String,
) -> Result<String, AppError> {
    use crate::server::AppState;
    use leptos::server_fn::ServerFn as _;
    let state = AppState::get()?;
    let (user, id) = ssr::regulated(&state, &credit_code).await?;
    let normalized = crate::domain::normalize::normalize_text(&reason);
    let result = decide_as(&state, &user, id, base_version, approve, &normalized).await;
    // A refused plain post's 退回原因 comes back in its field, as typed.
    let form = crate::domain::kept_text::KeptForm::ReturnRecord { enterprise: id };
    let by = (&state.db, user.user_id);
    crate::server::http::keep_text_after(DecideInfo::PATH, by, form, &result, &reason).await;
    result
}

/// [`decide_info`] by `user`, who supervises the enterprise `id`.
#[cfg(feature = "ssr")]
async fn decide_as(
    state: &crate::server::AppState,
    user: &crate::server::session::SessionUser,
    id: i64,
    base_version: i64,
    approve: bool,
    reason: &str,
) -> Result<String, AppError> {
    use crate::server::enterprise_info as repo;
    use crate::server::now;
    if !approve && reason.is_empty() {
        let mut e = FieldErrors::new();
        e.add("reason", RETURN_REASON_MISSING);
        return Err(AppError::Validation(e));
    }
    let actor = ssr::actor(user).await;
    repo::decide(&state.db, id, base_version, approve, reason, &actor, now())
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
    crate::server::messages::tell(
        &state.db,
        Some(&state.sms),
        crate::server::messages::To::Enterprise(id),
        crate::server::messages::NewMessage {
            kind,
            title: &title,
            body: &body,
            link: "/info",
        },
        now(),
    )
    .await;
    Ok(crate::server::http::confirm(if approve {
        "已确认企业信息。".into()
    } else {
        "已退回,企业将看到退回原因。".into()
    }))
}

/// 申请修改: proposes new values for some fields of the record in force.
#[server(endpoint = "info/propose", input = Json, output = crate::api::TextJson)]
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
    if changed
        .iter()
        .any(|c| c == crate::domain::enterprise_info::Scalar::RegionCode.key())
    {
        ssr::check_region(&proposed, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = ssr::actor(&user).await;
    let changes = repo::propose(&state.db, id, base_version, &proposed, org, &actor, now())
        .await
        .map_err(ssr::error)?;
    crate::server::messages::tell(
        &state.db,
        Some(&state.sms),
        crate::server::messages::To::Enterprise(id),
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
    let done = format!(
        "已提交修改申请({}项),等待企业确认;确认前企业不能修改信息,您可以随时撤回。",
        changes.len()
    );
    // The form goes on to the record's page, which says it.
    crate::server::http::flash(&done);
    Ok(done)
}

/// Reminds the enterprise by SMS to finish its open 信息变更 (a regulator
/// of its jurisdiction; once a day per enterprise).
#[server(endpoint = "info/remind", output = crate::api::TextJson)]
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
    Ok(crate::server::http::confirm(format!(
        "已发送短信提醒至企业经办人手机 {masked}。"
    )))
}

/// 撤回 a pending proposal (only by the organisation that made it).
#[server(endpoint = "info/proposal/withdraw", output = crate::api::TextJson)]
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
                message: "该修改申请已被处理或撤回,本页显示的是它现在的状态。".into(),
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
    Ok(crate::server::http::confirm(
        "已撤回修改申请,企业可以继续操作企业信息。".into(),
    ))
}
