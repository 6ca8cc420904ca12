//! The audit trail: every change to an enterprise, a licence, an account or
//! a review decision, with who (user and organisation as they were), when,
//! from which IP, what (field-level before and after) and the outcome.
//! Append-only (the database refuses updates and deletes); nothing removes
//! rows, so the 180-day minimum is kept.

use sqlx::Row as _;

use super::db::Db;
use crate::domain::enterprise_info::FieldChange;

/// Who acts, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    /// "南京市玄武区应急管理局 · 王五" or "某某公司 · 经办人".
    pub name: String,
    pub ip: String,
}

impl Actor {
    /// A logged-in user, named with their enterprise or organisation.
    pub fn of(user: &super::session::SessionUser, ip: String) -> Actor {
        Actor {
            user_id: user.user_id,
            name: format!("{} · {}", user.belongs_to, user.display_name),
            ip,
        }
    }
}

/// Appends one audit row (inside the caller's transaction when it has one).
#[allow(clippy::too_many_arguments)]
pub async fn audit(
    exec: &mut sqlx::AnyConnection,
    actor: &Actor,
    enterprise_id: Option<i64>,
    action: &str,
    summary: &str,
    changes: &[FieldChange],
    outcome: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let changes = serde_json::to_string(changes).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, actor, ip, enterprise_id, action, summary, changes, outcome) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now)
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(&actor.ip)
    .bind(enterprise_id)
    .bind(action)
    .bind(summary)
    .bind(changes)
    .bind(outcome)
    .execute(exec)
    .await?;
    Ok(())
}

/// Appends a security event about the account `subject` (a lock, an unlock,
/// a password or phone change); the account holder sees it at the next login.
#[allow(clippy::too_many_arguments)]
pub async fn security_event(
    exec: &mut sqlx::AnyConnection,
    actor: &Actor,
    subject: i64,
    enterprise_id: Option<i64>,
    action: &str,
    summary: &str,
    changes: &[FieldChange],
    now: i64,
) -> Result<(), sqlx::Error> {
    let changes = serde_json::to_string(changes).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, actor, ip, enterprise_id, action, summary, changes, outcome, subject_user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ok', $9)",
    )
    .bind(now)
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(&actor.ip)
    .bind(enterprise_id)
    .bind(action)
    .bind(summary)
    .bind(changes)
    .bind(subject)
    .execute(exec)
    .await?;
    Ok(())
}

/// `security_event` outside any transaction (a lock happens without one).
pub async fn security_event_now(
    db: &Db,
    actor: &Actor,
    subject: i64,
    action: &str,
    summary: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut conn = db.writer().acquire().await?;
    let enterprise_id: Option<i64> =
        sqlx::query_scalar("SELECT enterprise_id FROM users WHERE id = $1")
            .bind(subject)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    security_event(
        &mut conn,
        actor,
        subject,
        enterprise_id,
        action,
        summary,
        &[],
        now,
    )
    .await
}

/// One security event as its account holder sees it (no addresses).
#[derive(Debug, Clone)]
pub struct SecurityEvent {
    pub at: i64,
    pub actor: String,
    pub summary: String,
}

/// The security events of an account since `since`, newest first.
pub async fn security_events(
    db: &Db,
    subject: i64,
    since: i64,
    limit: i64,
) -> Result<Vec<SecurityEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor, summary FROM audit_log WHERE subject_user_id = $1 AND at >= $2 ORDER BY at DESC, id DESC LIMIT $3",
    )
    .bind(subject)
    .bind(since)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SecurityEvent {
                at: r.try_get(0)?,
                actor: r.try_get(1)?,
                summary: r.try_get(2)?,
            })
        })
        .collect()
}

/// Records a refused attempt (outside any transaction, so it survives the refusal).
pub async fn audit_refusal(
    db: &Db,
    actor: &Actor,
    enterprise_id: i64,
    action: &str,
    why: &str,
    now: i64,
) {
    let result = async {
        let mut conn = db.writer().acquire().await?;
        audit(
            &mut conn,
            actor,
            Some(enterprise_id),
            action,
            why,
            &[],
            "refused",
            now,
        )
        .await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, action, "cannot write the audit row of a refusal");
    }
}

/// One audit row as shown.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: i64,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub summary: String,
    pub changes: Vec<FieldChange>,
    pub outcome: String,
}

/// The audit trail of one enterprise, newest first.
pub async fn trail(db: &Db, enterprise_id: i64, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, actor, ip, action, summary, changes, outcome FROM audit_log WHERE enterprise_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(enterprise_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRow {
                at: r.try_get(0)?,
                actor: r.try_get(1)?,
                ip: r.try_get(2)?,
                action: r.try_get(3)?,
                summary: r.try_get(4)?,
                changes: serde_json::from_str(&r.try_get::<String, _>(5)?).unwrap_or_default(),
                outcome: r.try_get(6)?,
            })
        })
        .collect()
}
