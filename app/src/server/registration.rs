//! Registration drafts and the creation of an enterprise account.

use super::db::{is_unique_violation, Db};
use crate::domain::registration::{AccountInfo, OrgInfo, OrgInfoInput};
use crate::domain::AccountStatus;

pub use crate::domain::registration::Verification;

/// What the user has typed so far (never a password).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub org: OrgInfoInput,
    /// Set once step 1 is accepted.
    pub verification: Option<Verification>,
    pub handler_name: String,
    pub handler_mobile: String,
    pub user_id: Option<i64>,
}

/// A row of `registration_drafts` as stored.
#[derive(sqlx::FromRow)]
struct DraftRow {
    #[sqlx(flatten)]
    org: OrgInfoInput,
    verification: String,
    handler_name: String,
    handler_mobile: String,
    user_id: Option<i64>,
}

pub async fn load_draft(db: &Db, token: &str) -> Result<Option<Draft>, sqlx::Error> {
    let row: Option<DraftRow> = sqlx::query_as(
        "SELECT legal_type, credit_code, enterprise_name, legal_rep_name, id_doc_type, id_doc_number, \
         verification, handler_name, handler_mobile, user_id, address, region_code, established, industry \
         FROM registration_drafts WHERE token = $1 AND updated_at >= $2",
    )
    .bind(token)
    .bind(super::now() - DRAFT_LIFETIME_SECS)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(|r| Draft {
        org: r.org,
        verification: Verification::from_code(&r.verification),
        handler_name: r.handler_name,
        handler_mobile: r.handler_mobile,
        user_id: r.user_id,
    }))
}

/// Stores step 1: as typed, or, when `accepted`, normalised with how it was confirmed.
pub async fn save_org_step(
    db: &Db,
    token: &str,
    input: &OrgInfoInput,
    accepted: Option<(&OrgInfo, Verification)>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let normalised;
    let values = match accepted {
        Some((v, _)) => {
            normalised = OrgInfoInput {
                legal_type: v.legal_type.code().into(),
                credit_code: v.credit_code.to_string(),
                enterprise_name: v.enterprise_name.clone(),
                legal_rep_name: v.legal_rep_name.clone(),
                id_doc_type: v.id_document.doc_type().code().into(),
                id_doc_number: v.id_document.number().into(),
                address: v.address.clone(),
                region_code: v.region_code.clone(),
                established: v.established.map(|d| d.to_string()).unwrap_or_default(),
                industry: v.industry.clone(),
            };
            &normalised
        }
        None => input,
    };
    let verification = accepted.map(|(_, v)| v.code()).unwrap_or("");
    sqlx::query(
        "INSERT INTO registration_drafts (token, legal_type, credit_code, enterprise_name, legal_rep_name, \
         id_doc_type, id_doc_number, org_accepted, verification, address, region_code, established, industry, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $12, $13, $14, $10, $10) \
         ON CONFLICT (token) DO UPDATE SET legal_type = excluded.legal_type, credit_code = excluded.credit_code, \
         enterprise_name = excluded.enterprise_name, legal_rep_name = excluded.legal_rep_name, \
         id_doc_type = excluded.id_doc_type, id_doc_number = excluded.id_doc_number, \
         org_accepted = excluded.org_accepted, verification = excluded.verification, address = excluded.address, \
         region_code = excluded.region_code, established = excluded.established, industry = excluded.industry, \
         updated_at = excluded.updated_at",
    )
    .bind(token)
    .bind(&values.legal_type)
    .bind(&values.credit_code)
    .bind(&values.enterprise_name)
    .bind(&values.legal_rep_name)
    .bind(&values.id_doc_type)
    .bind(&values.id_doc_number)
    .bind(i64::from(accepted.is_some()))
    .bind(verification)
    .bind(now)
    .bind(&values.address)
    .bind(&values.region_code)
    .bind(&values.established)
    .bind(&values.industry)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Stores the non-secret part of step 2 as typed.
pub async fn save_account_step(
    db: &Db,
    token: &str,
    handler_name: &str,
    handler_mobile: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE registration_drafts SET handler_name = $2, handler_mobile = $3, updated_at = $4 WHERE token = $1",
    )
    .bind(token)
    .bind(handler_name)
    .bind(handler_mobile)
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Whether a credit code already has an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// None, or a rejected one (which may be submitted again).
    No,
    /// One waiting for manual review: a registration the registry confirms
    /// replaces it (whoever typed an enterprise's code first does not keep it).
    PendingReview {
        since: i64,
    },
    Yes,
}

pub async fn registered(db: &Db, credit_code: &str) -> Result<Registered, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT u.status, u.created_at FROM enterprises e JOIN users u ON u.enterprise_id = e.id \
         WHERE e.credit_code = $1 AND u.kind = 'enterprise' ORDER BY u.id LIMIT 1",
    )
    .bind(credit_code)
    .fetch_optional(db.reader())
    .await?;
    let Some((status, since)) = row else {
        return Ok(Registered::No);
    };
    Ok(match super::session::account_status(&status)? {
        AccountStatus::Rejected => Registered::No,
        AccountStatus::PendingReview => Registered::PendingReview { since },
        _ => Registered::Yes,
    })
}

/// A manual-review registration closed because the registry confirmed
/// another one of the same code: whom to tell.
#[derive(Debug, Clone)]
pub struct Superseded {
    pub mobile: Option<String>,
    pub name: String,
}

/// Why a superseded registration was closed (for its handler and reviewers).
pub const SUPERSEDED_REASON: &str =
    "同一统一社会信用代码的另一份注册申请已经登记机关核验一致并注册成功";

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("already registered")]
    AlreadyRegistered,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates the enterprise and its user in one transaction, and links the
/// draft to the user. The unique constraint on the credit code decides a race
/// between two registrations.
#[allow(clippy::too_many_arguments)] // each is one piece of the account; the audit needs ip and time
pub async fn create_account(
    db: &Db,
    token: &str,
    org: &OrgInfo,
    account: &AccountInfo,
    password_hash: &str,
    verification: Verification,
    ip: &str,
    now: i64,
) -> Result<(i64, Option<Superseded>), CreateError> {
    let mut tx = db.write_tx().await?;
    // A rejected registration of the same code gives way to the new one;
    // so does one waiting for manual review when the registry confirmed this one.
    let earlier: Option<(i64, i64, String, Option<String>, String)> = sqlx::query_as(
        "SELECT u.id, e.id, u.status, u.mobile, e.name FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE e.credit_code = $1 AND (u.status = 'rejected' OR (u.status = 'pending_review' AND $2 = 'registry'))",
    )
    .bind(org.credit_code.as_str())
    .bind(verification.code())
    .fetch_optional(&mut *tx)
    .await?;
    let superseded = earlier
        .as_ref()
        .filter(|e| e.2 == "pending_review")
        .map(|e| {
            (
                e.0,
                Superseded {
                    mobile: e.3.clone(),
                    name: e.4.clone(),
                },
            )
        });
    if let Some((user, enterprise, ..)) = earlier {
        sqlx::query("UPDATE registration_drafts SET user_id = NULL WHERE user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        super::session::end_all_in(&mut tx, user).await?;
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM enterprises WHERE id = $1")
            .bind(enterprise)
            .execute(&mut *tx)
            .await?;
    }
    let enterprise_id: i64 = sqlx::query_scalar(
        "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, created_at, \
         address, region_code, established, industry) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(org.credit_code.as_str())
    .bind(&org.enterprise_name)
    .bind(org.legal_type.code())
    .bind(&org.legal_rep_name)
    .bind(org.id_document.doc_type().code())
    .bind(org.id_document.number())
    .bind(now)
    .bind(&org.address)
    .bind(&org.region_code)
    .bind(org.established.map(|d| d.to_string()).unwrap_or_default())
    .bind(&org.industry)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "enterprises_credit_code_key", "enterprises.credit_code") {
            CreateError::AlreadyRegistered
        } else {
            CreateError::Db(e)
        }
    })?;
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at, role) \
         VALUES ('enterprise', $1, $2, $3, $4, $5, $6, $7, 'manager') RETURNING id",
    )
    .bind(org.credit_code.as_str())
    .bind(&account.handler_name)
    .bind(enterprise_id)
    .bind(account.handler_mobile.as_str())
    .bind(password_hash)
    .bind(verification.account_status().code())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // Submitted: the draft keeps only the link to the account (for the
    // status page of this browser), none of the personal data typed.
    sqlx::query(
        "UPDATE registration_drafts SET legal_rep_name = '', id_doc_number = '', handler_name = '', \
         handler_mobile = '', address = '', user_id = $2, updated_at = $3 WHERE token = $1",
    )
    .bind(token)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let actor = super::audit::Actor {
        user_id,
        name: format!("{} · {}", org.enterprise_name, account.handler_name),
        ip: ip.to_string(),
    };
    let summary = match verification {
        Verification::Registry => "注册企业账号(登记机关核验一致)",
        Verification::Manual => "注册企业账号(提交人工审核)",
    };
    super::audit::audit_ok(
        &mut tx,
        &actor,
        Some(enterprise_id),
        "account.register",
        summary,
        now,
    )
    .await?;
    if let Some((old_user, _)) = &superseded {
        // The reviewer of the closed application learns why from this row.
        super::audit::append(
            &mut tx,
            super::audit::Entry {
                actor: &super::audit::Actor::system("系统(登记机关核验一致的注册)"),
                enterprise_id: Some(enterprise_id),
                subject: Some(*old_user),
                action: "review.superseded",
                summary: &format!("关闭人工审核中的注册申请:{SUPERSEDED_REASON}"),
                changes: &[],
                outcome: "ok",
                now,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok((user_id, superseded.map(|(_, s)| s)))
}

/// Why a registration is no longer in the review queue, when a
/// registry-confirmed one replaced it: when, and the region of the
/// enterprise that replaced it (whose reviewers may be told).
pub async fn superseded_at(db: &Db, user_id: i64) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.at, e.region_code FROM audit_log a JOIN enterprises e ON e.id = a.enterprise_id \
         WHERE a.action = 'review.superseded' AND a.subject_user_id = $1 ORDER BY a.id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(db.reader())
    .await
}

/// How long a registration draft lives after its last change.
pub const DRAFT_LIFETIME_SECS: i64 = 7 * 24 * 3600;

/// Deletes the drafts not changed for [`DRAFT_LIFETIME_SECS`] (run by the
/// background jobs); returns how many.
pub async fn purge_drafts(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM registration_drafts WHERE updated_at < $1")
        .bind(now - DRAFT_LIFETIME_SECS)
        .execute(db.writer())
        .await?;
    Ok(done.rows_affected())
}

/// What a submitted registration shows: credit code, name, handler mobile, account status.
#[derive(sqlx::FromRow)]
pub struct SubmittedSummary {
    pub credit_code: String,
    pub name: String,
    pub mobile: String,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

pub async fn submitted_summary(
    db: &Db,
    user_id: i64,
) -> Result<Option<SubmittedSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.credit_code, e.name, COALESCE(u.mobile, '') AS mobile, u.status FROM users u \
         JOIN enterprises e ON e.id = u.enterprise_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.reader())
    .await
}

/// A registration waiting for review, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Queued {
    pub user_id: i64,
    /// As step 1 stored it (normalised).
    #[sqlx(flatten)]
    pub org: OrgInfoInput,
    pub handler_name: String,
    pub mobile: String,
    pub submitted_at: i64,
}

/// Every registration waiting for review, oldest first.
pub async fn review_queue(db: &Db) -> Result<Vec<Queued>, sqlx::Error> {
    sqlx::query_as::<_, Queued>(
        "SELECT u.id AS user_id, e.credit_code, e.name AS enterprise_name, e.legal_type, e.legal_rep_name, e.id_doc_type, \
         e.id_doc_number, e.address, COALESCE(e.region_code, '') AS region_code, e.established, e.industry, \
         u.display_name AS handler_name, COALESCE(u.mobile, '') AS mobile, u.created_at AS submitted_at \
         FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE u.status = 'pending_review' ORDER BY u.created_at, u.id",
    )
    .fetch_all(db.reader())
    .await
}

/// A registration waiting for manual review, as the deciding reviewer needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub user_id: i64,
    pub enterprise_id: i64,
    pub name: String,
    pub region_code: String,
    pub mobile: Option<String>,
}

/// The registration of `user_id` (whatever its state), or None.
pub async fn registration(db: &Db, user_id: i64) -> Result<Option<Pending>, sqlx::Error> {
    sqlx::query_as::<_, Pending>(
        "SELECT u.id AS user_id, e.id AS enterprise_id, e.name, COALESCE(e.region_code, '') AS region_code, \
         u.mobile FROM users u \
         JOIN enterprises e ON e.id = u.enterprise_id WHERE u.id = $1 AND u.kind = 'enterprise'",
    )
    .bind(user_id)
    .fetch_optional(db.reader())
    .await
}

/// Who decided a registration first, when the caller came second.
#[derive(Debug, Clone)]
pub struct AlreadyDecided {
    pub approved: bool,
    pub by: String,
    pub at: Option<i64>,
}

/// Approves or rejects a pending registration, with its audit row; exactly
/// once, also with two reviewers at the same moment on PostgreSQL: the
/// update is guarded by the status, and the loser learns who won.
pub async fn decide_review(
    db: &Db,
    p: &Pending,
    approve: bool,
    reason: &str,
    actor: &super::audit::Actor,
    now: i64,
) -> Result<Result<(), AlreadyDecided>, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let done = sqlx::query(
        "UPDATE users SET status = $2, review_note = $3, reviewed_at = $4, reviewed_by = $5 \
         WHERE id = $1 AND status = 'pending_review'",
    )
    .bind(p.user_id)
    .bind(if approve { "active" } else { "rejected" })
    .bind(if approve { "" } else { reason })
    .bind(now)
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        let sql = "SELECT u.status, COALESCE(r.display_name, ''), u.reviewed_at FROM users u \
                   LEFT JOIN users r ON r.id = u.reviewed_by WHERE u.id = $1";
        let (status, by, at) = db.decided_first(tx, sql, p.user_id).await?;
        let status = super::session::account_status(&status)?;
        return Ok(Err(AlreadyDecided {
            approved: status != AccountStatus::Rejected,
            by,
            at,
        }));
    }
    let (action, summary) = if approve {
        ("review.approve", "注册审核通过".to_string())
    } else {
        ("review.reject", format!("注册审核不通过:{reason}"))
    };
    super::audit::audit_ok(&mut tx, actor, Some(p.enterprise_id), action, &summary, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}
