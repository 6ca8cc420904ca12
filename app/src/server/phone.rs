//! Phone changes of an enterprise's handler: the request, the documents, the
//! review, the waiting period, cancellation and taking effect.
//!
//! Public data (credit code, name, the legal representative's ID number) is
//! never proof enough to move an account to another phone: every request is
//! announced at once to the phone on file, whose SMS carries a link that
//! cancels it, and nothing changes before the waiting period has passed.
//! Every transition is a guarded update (`… WHERE status = …`), so two
//! reviewers, two instances or a cancellation racing the change take effect
//! exactly once.

use super::audit::{self, Actor};
use super::db::Db;
use super::files;
use super::sms::Gateway;
use crate::domain::enterprise_info::FieldChange;
use crate::domain::phone_change::{EvidenceDocument, PhoneChangeEnd, PhoneChangeStatus as Status};
use crate::domain::Mobile;

/// The active enterprise account logging in with `credit_code`: user id,
/// enterprise name, legal representative's name and ID number, enterprise
/// id, and the phone on file.
pub type EnterpriseAccount = (i64, String, String, String, i64, Option<String>);

pub async fn enterprise_account(
    db: &Db,
    credit_code: &str,
) -> Result<Option<EnterpriseAccount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, e.name, e.legal_rep_name, e.id_doc_number, e.id, u.mobile FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE u.kind = 'enterprise' AND u.login = $1 AND u.status = 'active'",
    )
    .bind(credit_code)
    .fetch_optional(db.reader())
    .await
}

/// A request waiting for documents closes after this many days.
pub const EVIDENCE_DAYS: i64 = 7;

/// The most documents one request may hold (three kinds, a few pages each).
pub const MAX_EVIDENCE: i64 = 9;

/// One uploaded document.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub id: String,
    pub document: EvidenceDocument,
    pub name: String,
}

/// A phone change with its enterprise.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: i64,
    pub user_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub region_code: String,
    pub old_mobile: String,
    pub new_mobile: String,
    pub status: Status,
    pub created_at: i64,
    pub effective_at: Option<i64>,
    pub review_note: String,
    /// How it was closed (None while open).
    pub closed_how: Option<PhoneChangeEnd>,
    pub evidence: Vec<Evidence>,
}

const SELECT: &str = "SELECT p.id, p.user_id, e.id AS enterprise_id, e.name AS enterprise_name, e.credit_code, \
     COALESCE(e.region_code, '') AS region_code, p.old_mobile, p.new_mobile, p.status, p.created_at, \
     p.effective_at, p.review_note, p.closed_how \
     FROM phone_changes p JOIN users u ON u.id = p.user_id JOIN enterprises e ON e.id = u.enterprise_id";

/// A row of [`SELECT`].
#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: i64,
    user_id: i64,
    enterprise_id: i64,
    enterprise_name: String,
    credit_code: String,
    region_code: String,
    old_mobile: String,
    new_mobile: String,
    status: String,
    created_at: i64,
    effective_at: Option<i64>,
    review_note: String,
    closed_how: String,
}

fn change_of(r: &super::db::Row) -> Result<Change, sqlx::Error> {
    use sqlx::FromRow as _;
    let r = ChangeRow::from_row(r)?;
    Ok(Change {
        status: Status::from_code(&r.status).ok_or_else(|| {
            sqlx::Error::Decode(format!("phone change status {}", r.status).into())
        })?,
        id: r.id,
        user_id: r.user_id,
        enterprise_id: r.enterprise_id,
        enterprise_name: r.enterprise_name,
        credit_code: r.credit_code,
        region_code: r.region_code,
        old_mobile: r.old_mobile,
        new_mobile: r.new_mobile,
        created_at: r.created_at,
        effective_at: r.effective_at,
        review_note: r.review_note,
        closed_how: PhoneChangeEnd::from_code(&r.closed_how),
        evidence: vec![],
    })
}

async fn with_evidence(db: &Db, mut c: Change) -> Result<Change, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, document, name FROM phone_change_evidence WHERE change_id = $1 ORDER BY created_at, id",
    )
    .bind(c.id)
    .fetch_all(db.reader())
    .await?;
    c.evidence = rows
        .into_iter()
        .filter_map(|(id, document, name)| {
            Some(Evidence {
                id,
                document: EvidenceDocument::from_code(&document)?,
                name,
            })
        })
        .collect();
    Ok(c)
}

/// The change whose `column` (`request_hash` or `cancel_hash`) holds the hash of `token`.
async fn by_token(db: &Db, column: &str, token: &str) -> Result<Option<Change>, sqlx::Error> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row = sqlx::query(&format!("{SELECT} WHERE p.{column} = $1"))
        .bind(super::session::hash_token(token))
        .fetch_optional(db.writer())
        .await?;
    match row {
        Some(r) => Ok(Some(with_evidence(db, change_of(&r)?).await?)),
        None => Ok(None),
    }
}

/// The change of the requester's status link.
pub async fn by_request_token(db: &Db, token: &str) -> Result<Option<Change>, sqlx::Error> {
    by_token(db, "request_hash", token).await
}

/// The change of the link sent to the phone on file.
pub async fn by_cancel_token(db: &Db, token: &str) -> Result<Option<Change>, sqlx::Error> {
    by_token(db, "cancel_hash", token).await
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<Change>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(db.writer())
        .await?;
    match row {
        Some(r) => Ok(Some(with_evidence(db, change_of(&r)?).await?)),
        None => Ok(None),
    }
}

/// The open change of an account, if any.
pub async fn open_of_user(db: &Db, user_id: i64) -> Result<Option<Change>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE p.user_id = $1 AND p.status IN ('evidence', 'review', 'waiting')"
    ))
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(change_of).transpose()
}

/// Changes waiting for a reviewer, oldest first.
pub async fn review_queue(db: &Db) -> Result<Vec<Change>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE p.status = 'review' ORDER BY p.created_at, p.id"
    ))
    .fetch_all(db.reader())
    .await?;
    let mut out = vec![];
    for r in &rows {
        out.push(with_evidence(db, change_of(r)?).await?);
    }
    Ok(out)
}

/// The tokens of a new request: one for the requester's status page, one
/// for the cancel link sent to the phone on file.
#[derive(Debug, Clone)]
pub struct Opened {
    pub id: i64,
    pub request_token: String,
    pub cancel_token: String,
}

/// What the requester proved besides the SMS code to the new phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The registry confirmed the enterprise with the typed data.
    Registry,
    /// The registry could not: documents and a reviewer are needed.
    NeedsReview,
}

/// The account already has an open change.
#[derive(Debug)]
pub struct AlreadyOpen;

/// Files a request (audited). `delay` is the waiting period of a confirmed one.
#[allow(clippy::too_many_arguments)]
pub async fn open(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    enterprise_id: i64,
    old_mobile: &str,
    new_mobile: &Mobile,
    proof: Proof,
    delay: i64,
    now: i64,
) -> Result<Result<Opened, AlreadyOpen>, sqlx::Error> {
    let request_token = super::random_token();
    let cancel_token = super::random_token();
    let (status, effective_at) = match proof {
        Proof::Registry => (Status::Waiting, Some(now + delay)),
        Proof::NeedsReview => (Status::Evidence, None),
    };
    let mut tx = db.write_tx().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO phone_changes (user_id, old_mobile, new_mobile, status, request_hash, cancel_hash, created_at, effective_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user_id)
    .bind(old_mobile)
    .bind(new_mobile.as_str())
    .bind(status.code())
    .bind(super::session::hash_token(&request_token))
    .bind(super::session::hash_token(&cancel_token))
    .bind(now)
    .bind(effective_at)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e)
            if super::db::is_unique_violation(
                &e,
                "phone_changes_one_open",
                "phone_changes.user_id",
            ) =>
        {
            return Ok(Err(AlreadyOpen))
        }
        Err(e) => return Err(e),
    };
    let summary = match proof {
        Proof::Registry => "申请更换经办人手机号(登记机关核验一致,公示期后生效)",
        Proof::NeedsReview => "申请更换经办人手机号(登记机关无法确认,需上传材料人工审核)",
    };
    audit::append(
        &mut tx,
        audit::Entry::ok(actor, "account.phone_request", summary, now)
            .about(user_id, Some(enterprise_id))
            .changing(&[mobile_change(old_mobile, new_mobile.as_str())]),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Opened {
        id,
        request_token,
        cancel_token,
    }))
}

/// The audit entry of a phone change, with both numbers masked.
pub fn mobile_change(old: &str, new: &str) -> FieldChange {
    FieldChange {
        field: "mobile".into(),
        label: "经办人手机号".into(),
        before: masked(old),
        after: masked(new),
    }
}

pub fn masked(m: &str) -> String {
    Mobile::parse(m).map(|m| m.masked()).unwrap_or_default()
}

/// Why a document was not taken.
#[derive(Debug)]
pub enum EvidenceError {
    /// The request no longer waits for documents.
    NotAwaited,
    TooMany,
    Invalid(String),
    Io(std::io::Error),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for EvidenceError {
    fn from(e: sqlx::Error) -> Self {
        EvidenceError::Db(e)
    }
}

/// Stores one document of a request that waits for documents.
pub async fn add_evidence(
    db: &Db,
    dir: &std::path::Path,
    change: &Change,
    document: EvidenceDocument,
    name: &str,
    bytes: &[u8],
    now: i64,
) -> Result<Evidence, EvidenceError> {
    if change.status != Status::Evidence {
        return Err(EvidenceError::NotAwaited);
    }
    let kind = files::check(bytes).map_err(EvidenceError::Invalid)?;
    let (id, path, sha) = files::write_private(dir, bytes)
        .await
        .map_err(EvidenceError::Io)?;
    let name = files::display_name(name);
    let result: Result<bool, sqlx::Error> = async {
        let mut tx = db.write_tx().await?;
        // Counted and inserted under the write lock (SQLite) or the request's row lock (PostgreSQL).
        let lock = match db.backend() {
            super::db::Backend::Postgres => " FOR UPDATE",
            super::db::Backend::Sqlite => "",
        };
        let status: Option<String> = sqlx::query_scalar(&format!(
            "SELECT status FROM phone_changes WHERE id = $1{lock}"
        ))
        .bind(change.id)
        .fetch_optional(&mut *tx)
        .await?;
        if status.as_deref() != Some(Status::Evidence.code()) {
            return Ok(false);
        }
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM phone_change_evidence WHERE change_id = $1")
                .bind(change.id)
                .fetch_one(&mut *tx)
                .await?;
        if n >= MAX_EVIDENCE {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO phone_change_evidence (id, change_id, document, kind, size, sha256, name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(change.id)
        .bind(document.code())
        .bind(kind.code())
        .bind(bytes.len() as i64)
        .bind(&sha)
        .bind(&name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    match result {
        Ok(true) => Ok(Evidence { id, document, name }),
        Ok(false) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(
                if by_id(db, change.id)
                    .await?
                    .is_some_and(|c| c.status == Status::Evidence)
                {
                    EvidenceError::TooMany
                } else {
                    EvidenceError::NotAwaited
                },
            )
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            Err(EvidenceError::Db(e))
        }
    }
}

/// One document with the region of its enterprise (who may read it).
pub async fn evidence_file(
    db: &Db,
    id: &str,
) -> Result<Option<(files::Kind, String, String, i64)>, sqlx::Error> {
    let row: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT v.kind, v.name, COALESCE(e.region_code, ''), e.id FROM phone_change_evidence v \
         JOIN phone_changes p ON p.id = v.change_id JOIN users u ON u.id = p.user_id \
         JOIN enterprises e ON e.id = u.enterprise_id WHERE v.id = $1",
    )
    .bind(id)
    .fetch_optional(db.reader())
    .await?;
    row.map(|(kind, name, region, enterprise)| {
        let kind = files::Kind::from_code(&kind)
            .ok_or_else(|| sqlx::Error::Decode("upload kind".into()))?;
        Ok((kind, name, region, enterprise))
    })
    .transpose()
}

/// Moves a request with all three kinds of document to review; false if it
/// was not waiting for documents (any more).
pub async fn submit_evidence(db: &Db, change: &Change) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE phone_changes SET status = 'review' WHERE id = $1 AND status = 'evidence'",
    )
    .bind(change.id)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes an open request as cancelled (`how` says by whom); false if it was
/// closed already.
pub async fn cancel(
    db: &Db,
    change: &Change,
    actor: &Actor,
    how: PhoneChangeEnd,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let done = sqlx::query(
        "UPDATE phone_changes SET status = 'cancelled', closed_at = $2, closed_how = $3 \
         WHERE id = $1 AND status IN ('evidence', 'review', 'waiting')",
    )
    .bind(change.id)
    .bind(now)
    .bind(how.code())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        audit::Entry::ok(actor, "account.phone_cancel", how.summary(), now)
            .about(change.user_id, Some(change.enterprise_id))
            .changing(&[mobile_change(&change.old_mobile, &change.new_mobile)]),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Who decided a request first, when the caller came second.
#[derive(Debug, Clone)]
pub struct AlreadyDecided {
    pub status: Status,
    pub by: String,
    pub at: Option<i64>,
}

/// A reviewer's decision: approval starts the waiting period (with a new
/// cancel link for the phone on file, returned), rejection closes.
/// Exactly once: the update is guarded by the status.
pub async fn decide(
    db: &Db,
    change: &Change,
    reviewer: &Actor,
    approve: bool,
    note: &str,
    delay: i64,
    now: i64,
) -> Result<Result<Option<String>, AlreadyDecided>, sqlx::Error> {
    let cancel_token = approve.then(super::random_token);
    let mut tx = db.write_tx().await?;
    let done = if let Some(token) = &cancel_token {
        sqlx::query(
            "UPDATE phone_changes SET status = 'waiting', effective_at = $2, decided_at = $3, decided_by = $4, review_note = $5, cancel_hash = $6 \
             WHERE id = $1 AND status = 'review'",
        )
        .bind(change.id)
        .bind(now + delay)
        .bind(now)
        .bind(reviewer.user_id)
        .bind(note)
        .bind(super::session::hash_token(token))
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE phone_changes SET status = 'rejected', decided_at = $2, decided_by = $3, review_note = $4, closed_at = $2, closed_how = $5 \
             WHERE id = $1 AND status = 'review'",
        )
        .bind(change.id)
        .bind(now)
        .bind(reviewer.user_id)
        .bind(note)
        .bind(PhoneChangeEnd::Rejected.code())
        .execute(&mut *tx)
        .await?
    };
    if done.rows_affected() != 1 {
        let sql =
            "SELECT p.status, COALESCE(u.display_name, ''), p.decided_at FROM phone_changes p \
                   LEFT JOIN users u ON u.id = p.decided_by WHERE p.id = $1";
        let (status, by, at) = db.decided_first(tx, sql, change.id).await?;
        return Ok(Err(AlreadyDecided {
            status: Status::from_code(&status).unwrap_or(Status::Cancelled),
            by,
            at,
        }));
    }
    let (action, summary) = if approve {
        (
            "account.phone_approve",
            "手机号更换申请审核通过(公示期后生效)",
        )
    } else {
        ("account.phone_reject", PhoneChangeEnd::Rejected.summary())
    };
    audit::append(
        &mut tx,
        audit::Entry::ok(reviewer, action, summary, now)
            .about(change.user_id, Some(change.enterprise_id))
            .changing(&[mobile_change(&change.old_mobile, &change.new_mobile)]),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(cancel_token))
}

/// Closes requests whose documents never came, then puts every change whose
/// waiting period has passed into effect, each
/// exactly once however many instances run this: the new phone is stored,
/// every session of the account ends, and both phones are told. Returns how
/// many took effect.
pub async fn apply_due(db: &Db, sms: &Gateway, now: i64) -> Result<usize, sqlx::Error> {
    // Requests whose documents never came close after EVIDENCE_DAYS.
    sqlx::query(
        "UPDATE phone_changes SET status = 'cancelled', closed_at = $1, closed_how = $3 \
         WHERE status = 'evidence' AND created_at <= $2",
    )
    .bind(now)
    .bind(now - EVIDENCE_DAYS * 86_400)
    .bind(PhoneChangeEnd::Expired.code())
    .execute(db.writer())
    .await?;
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM phone_changes WHERE status = 'waiting' AND effective_at <= $1 ORDER BY effective_at",
    )
    .bind(now)
    .fetch_all(db.reader())
    .await?;
    let mut applied = 0;
    for id in due {
        let Some(change) = by_id(db, id).await? else {
            continue;
        };
        let mut tx = db.write_tx().await?;
        let done = sqlx::query(
            "UPDATE phone_changes SET status = 'done', closed_at = $2, closed_how = $3 \
             WHERE id = $1 AND status = 'waiting' AND effective_at <= $2",
        )
        .bind(id)
        .bind(now)
        .bind(PhoneChangeEnd::Effective.code())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            continue;
        }
        // Only over the phone the request was announced to.
        let moved =
            sqlx::query("UPDATE users SET mobile = $2 WHERE id = $1 AND COALESCE(mobile, '') = $3")
                .bind(change.user_id)
                .bind(&change.new_mobile)
                .bind(&change.old_mobile)
                .execute(&mut *tx)
                .await?;
        if moved.rows_affected() != 1 {
            tx.rollback().await?;
            sqlx::query(
                "UPDATE phone_changes SET status = 'cancelled', closed_at = $2, closed_how = $3 WHERE id = $1 AND status = 'waiting'",
            )
            .bind(id)
            .bind(now)
            .bind(PhoneChangeEnd::Stale.code())
            .execute(db.writer())
            .await?;
            continue;
        }
        super::session::end_all_in(&mut tx, change.user_id).await?;
        let system = Actor::system("系统(公示期满自动生效)");
        audit::append(
            &mut tx,
            audit::Entry::ok(
                &system,
                "account.phone",
                PhoneChangeEnd::Effective.summary(),
                now,
            )
            .about(change.user_id, Some(change.enterprise_id))
            .changing(&[mobile_change(&change.old_mobile, &change.new_mobile)]),
        )
        .await?;
        tx.commit().await?;
        applied += 1;
        let text = format!(
            "【危化品经营安全监管系统】{}的经办人手机号已由 {} 更换为 {},原有登录已全部退出。如非本单位申请,请立即拨打客服电话。",
            change.enterprise_name,
            masked(&change.old_mobile),
            masked(&change.new_mobile)
        );
        for m in [&change.old_mobile, &change.new_mobile] {
            if let Ok(m) = Mobile::parse(m) {
                let _ = sms.send(db, &m, "phone_change_effective", &text, now).await;
            }
        }
    }
    Ok(applied)
}
