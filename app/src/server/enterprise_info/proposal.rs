//! A regulator's 申请修改: proposing new values for a confirmed record, the
//! lock it puts on the enterprise's own changes, and how it ends.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: i64,
    pub base_version: i64,
    pub changes: Vec<FieldChange>,
    pub proposed: EnterpriseRecord,
    pub organization_id: i64,
    pub organization: String,
    pub user: String,
    pub created_at: i64,
}

const SELECT_PROPOSAL: &str = "SELECT p.id, p.base_version, p.changes, p.proposed, p.organization_id, \
     o.name AS organization, u.display_name AS user_name, p.created_at \
     FROM change_proposals p JOIN organizations o ON o.id = p.organization_id JOIN users u ON u.id = p.user_id \
     WHERE p.enterprise_id = $1 AND p.status = 'pending'";

/// A `change_proposals` row with its bureau and author (changes and record as JSON).
#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: i64,
    base_version: i64,
    changes: String,
    proposed: String,
    organization_id: i64,
    organization: String,
    user_name: String,
    created_at: i64,
}

impl TryFrom<ProposalRow> for Proposal {
    type Error = InfoError;
    fn try_from(r: ProposalRow) -> Result<Proposal, InfoError> {
        Ok(Proposal {
            changes: serde_json::from_str(&r.changes)?,
            proposed: record(&r.proposed)?,
            id: r.id,
            base_version: r.base_version,
            organization_id: r.organization_id,
            organization: r.organization,
            user: r.user_name,
            created_at: r.created_at,
        })
    }
}

/// The regulator's proposal waiting for the enterprise, if any.
pub async fn pending_proposal(db: &Db, enterprise_id: i64) -> Result<Option<Proposal>, InfoError> {
    sqlx::query_as::<_, ProposalRow>(SELECT_PROPOSAL)
        .bind(enterprise_id)
        .fetch_optional(db.reader())
        .await?
        .map(Proposal::try_from)
        .transpose()
}

/// Refuses an enterprise's change while a regulator's proposal is pending.
pub(super) async fn ensure_unlocked(tx: &mut Tx, enterprise_id: i64) -> Result<(), InfoError> {
    match pending_tx(tx, enterprise_id).await? {
        Some(p) => Err(InfoError::Locked(Box::new(p))),
        None => Ok(()),
    }
}

async fn pending_tx(tx: &mut Tx, enterprise_id: i64) -> Result<Option<Proposal>, InfoError> {
    sqlx::query_as::<_, ProposalRow>(SELECT_PROPOSAL)
        .bind(enterprise_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(Proposal::try_from)
        .transpose()
}

/// A regulator proposes changes to the record in force.
pub async fn propose(
    db: &Db,
    enterprise_id: i64,
    base: i64,
    proposed: &EnterpriseRecord,
    organization_id: i64,
    actor: &Actor,
    now: i64,
) -> Result<Vec<FieldChange>, InfoError> {
    let (mut tx, info) = begin(db, enterprise_id, base, Side::Regulator).await?;
    if let Some(p) = pending_tx(&mut tx, enterprise_id).await? {
        return Err(InfoError::WrongStatus(
            format!(
                "{}({})已对该企业提出修改申请,尚未处理;请待其处理或由其撤回后再申请。",
                p.organization, p.user
            )
            .into(),
        ));
    }
    let Some(current) = info
        .confirmed
        .as_ref()
        .filter(|_| info.status == RecordStatus::Confirmed)
    else {
        return Err(InfoError::WrongStatus(
            "企业正在填报或变更信息(尚未确认),请在企业提交后确认或退回,不能同时申请修改。".into(),
        ));
    };
    let changes = diff(current, proposed);
    if changes.is_empty() {
        return Err(InfoError::WrongStatus("没有修改任何内容。".into()));
    }
    sqlx::query(
        "INSERT INTO change_proposals (enterprise_id, base_version, changes, proposed, organization_id, user_id, created_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')",
    )
    .bind(enterprise_id)
    .bind(info.version)
    .bind(to_json(&changes)?)
    .bind(to_json(proposed)?)
    .bind(organization_id)
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        actor,
        Some(enterprise_id),
        "proposal.create",
        "申请修改企业信息",
        &changes,
        "ok",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(changes)
}

/// The enterprise a proposal (in any state) is about.
pub async fn proposal_enterprise(db: &Db, proposal_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT enterprise_id FROM change_proposals WHERE id = $1")
        .bind(proposal_id)
        .fetch_optional(db.reader())
        .await
}

/// Ends the pending proposal: the enterprise accepts (applied at once) or
/// rejects it, or the proposing organisation withdraws it.
pub async fn close_proposal(
    db: &Db,
    enterprise_id: i64,
    proposal_id: i64,
    outcome: ProposalOutcome,
    reason: &str,
    actor: &Actor,
    now: i64,
) -> Result<Proposal, InfoError> {
    let mut tx = db.write_tx().await?;
    let p = pending_tx(&mut tx, enterprise_id)
        .await?
        .filter(|p| p.id == proposal_id)
        .ok_or_else(|| {
            InfoError::WrongStatus("该修改申请已被处理或撤回,本页显示的是它现在的状态。".into())
        })?;
    let closed = sqlx::query(
        "UPDATE change_proposals SET status = $1, decided_at = $2, decided_by = $3, reason = $4 WHERE id = $5 AND status = 'pending'",
    )
    .bind(outcome.code())
    .bind(now)
    .bind(actor.user_id)
    .bind(reason)
    .bind(p.id)
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() != 1 {
        return Err(InfoError::WrongStatus(
            "该修改申请已被处理或撤回,本页显示的是它现在的状态。".into(),
        ));
    }
    let action = outcome.action();
    let summary = match outcome {
        ProposalOutcome::Accepted => format!("确认{}的修改申请", p.organization),
        ProposalOutcome::Rejected => format!("拒绝{}的修改申请:{reason}", p.organization),
        ProposalOutcome::Withdrawn => "撤回修改申请".to_string(),
    };
    // Accepted: the proposal is applied at once, and the trail shows what it
    // changed then; otherwise the trail shows what was proposed.
    let changes = if outcome == ProposalOutcome::Accepted {
        let info = load_tx(&mut tx, enterprise_id)
            .await?
            .ok_or_else(|| InfoError::WrongStatus("企业信息不存在。".into()))?;
        let Some(confirmed) = info.confirmed.clone() else {
            return Err(InfoError::WrongStatus(
                "企业信息尚未确认,无法应用修改。".into(),
            ));
        };
        // Apply the proposal's fields onto the record in force.
        let mut updated = confirmed.clone();
        for field in p.changes.iter().filter_map(|c| Scalar::from_key(&c.field)) {
            *field.of_mut(&mut updated) = field.of(&p.proposed).clone();
        }
        if p.changes
            .iter()
            .any(|c| RecordField::parse(&c.field).is_some_and(RecordField::is_licence))
        {
            updated.licences = p.proposed.licences.clone();
        }
        let next = Next {
            status: RecordStatus::Confirmed,
            draft: &updated,
            confirmed: Some(&updated),
            return_reason: "",
            change_started_at: None,
        };
        write(&mut tx, &info, &next, actor, now).await?;
        diff(&confirmed, &updated)
    } else {
        p.changes.clone()
    };
    audit(
        &mut tx,
        actor,
        Some(enterprise_id),
        action,
        &summary,
        &changes,
        "ok",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}
