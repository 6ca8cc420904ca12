//! The audit trail: every change to an enterprise, a licence, an account or
//! a review decision, with who (user and organisation as they were), when,
//! from which IP, what (field-level before and after) and the outcome.
//! Append-only (the database refuses updates, deletes and `TRUNCATE`) and
//! hash-chained: every row carries the hash of the row before it, and
//! [`verify`] names the first row that does not fit. Nothing removes rows,
//! so the 180-day minimum retention is kept.

use super::db::Db;
use crate::domain::enterprise_info::FieldChange;

/// Who acts, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    /// 0 for someone not logged in or the system (stored as NULL).
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

    /// Someone not logged in (a login attempt, a phone-change requester):
    /// never recorded as the account they name.
    pub fn anonymous(name: String, ip: String) -> Actor {
        Actor {
            user_id: 0,
            name,
            ip,
        }
    }

    /// The system itself (a background job, the command line).
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: 0,
            name: name.to_string(),
            ip: String::new(),
        }
    }
}

/// One row to append.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor: &'a Actor,
    pub enterprise_id: Option<i64>,
    /// The account a security event is about (its holder sees it at login).
    pub subject: Option<i64>,
    pub action: &'a str,
    pub summary: &'a str,
    pub changes: &'a [FieldChange],
    pub outcome: &'a str,
    pub now: i64,
}

impl<'a> Entry<'a> {
    /// An action that succeeded, about no enterprise or account in
    /// particular and changing no record field.
    pub fn ok(actor: &'a Actor, action: &'a str, summary: &'a str, now: i64) -> Entry<'a> {
        Entry {
            actor,
            enterprise_id: None,
            subject: None,
            action,
            summary,
            changes: &[],
            outcome: "ok",
            now,
        }
    }

    /// A security event about the account `subject` (a lock, an unlock, a
    /// password or phone change): its holder sees it at the next login.
    pub fn about(self, subject: i64, enterprise_id: Option<i64>) -> Entry<'a> {
        Entry {
            subject: Some(subject),
            enterprise_id,
            ..self
        }
    }

    /// With the record fields the action changed.
    pub fn changing(self, changes: &'a [FieldChange]) -> Entry<'a> {
        Entry { changes, ..self }
    }
}

/// The fields a row's hash covers, in a fixed order (the id is not among
/// them: the position in the chain is fixed by `prev_hash`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Sealed {
    pub at: i64,
    pub user_id: Option<i64>,
    pub actor: String,
    pub ip: String,
    pub enterprise_id: Option<i64>,
    pub action: String,
    pub summary: String,
    pub changes: String,
    pub outcome: String,
    pub subject_user_id: Option<i64>,
}

impl Sealed {
    /// SHA-256 over the previous row's hash and this row's fields as a JSON
    /// array (unambiguous: every string is quoted and escaped), in hex.
    pub fn hash(&self, prev_hash: &str) -> String {
        use sha2::{Digest, Sha256};
        let canonical = serde_json::json!([
            prev_hash,
            self.at,
            self.user_id,
            self.actor,
            self.ip,
            self.enterprise_id,
            self.action,
            self.summary,
            self.changes,
            self.outcome,
            self.subject_user_id,
        ]);
        Sha256::digest(canonical.to_string().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Appends one row to the hash chain, inside the caller's transaction when
/// it has one (a savepoint then), in its own otherwise. On PostgreSQL an
/// advisory lock held to the end of the transaction orders all appends, so
/// two instances never chain to the same row; SQLite has one writer.
pub async fn append(exec: &mut sqlx::AnyConnection, e: Entry<'_>) -> Result<(), sqlx::Error> {
    use sqlx::Connection as _;
    let row = Sealed {
        at: e.now,
        user_id: Some(e.actor.user_id).filter(|&id| id != 0),
        actor: e.actor.name.clone(),
        ip: e.actor.ip.clone(),
        enterprise_id: e.enterprise_id,
        action: e.action.to_string(),
        summary: e.summary.to_string(),
        changes: serde_json::to_string(e.changes).unwrap_or_else(|_| "[]".into()),
        outcome: e.outcome.to_string(),
        subject_user_id: e.subject,
    };
    let postgres = exec.backend_name() == "PostgreSQL";
    let mut tx = exec.begin().await?;
    if postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let prev: Option<String> =
        sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
    let prev = prev.unwrap_or_default();
    let hash = row.hash(&prev);
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, actor, ip, enterprise_id, action, summary, changes, outcome, subject_user_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(row.at)
    .bind(row.user_id)
    .bind(&row.actor)
    .bind(&row.ip)
    .bind(row.enterprise_id)
    .bind(&row.action)
    .bind(&row.summary)
    .bind(&row.changes)
    .bind(&row.outcome)
    .bind(row.subject_user_id)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The key of the PostgreSQL advisory lock that orders the chain.
const CHAIN_LOCK: i64 = 0x0061_7564_6974; // "audit"

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
    let entry = Entry {
        enterprise_id,
        changes,
        outcome,
        ..Entry::ok(actor, action, summary, now)
    };
    append(exec, entry).await
}

/// [`audit`] of an action that succeeded and changed no record field.
pub async fn audit_ok(
    exec: &mut sqlx::AnyConnection,
    actor: &Actor,
    enterprise_id: Option<i64>,
    action: &str,
    summary: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    audit(exec, actor, enterprise_id, action, summary, &[], "ok", now).await
}

/// Appends a row outside any transaction (a login, a download, a CLI
/// action); a failure is logged, never shown to the user. In a transaction
/// of its own from [`Db::write_tx`], whose beginning a dropped request
/// cannot leave half-done (sqlx would lose a PostgreSQL BEGIN dropped
/// mid-way on a bare connection, which then goes back to the pool inside
/// it).
pub async fn record(db: &Db, e: Entry<'_>) {
    let result = async {
        let mut tx = db.write_tx().await?;
        append(&mut tx, e.clone()).await?;
        tx.commit().await
    }
    .await;
    if let Err(err) = result {
        tracing::error!(error = %err, action = e.action, "cannot write an audit row");
    }
}

/// A security event ([`Entry::about`]) outside any transaction (a lock
/// happens without one), in one of its own as [`record`].
pub async fn security_event_now(
    db: &Db,
    actor: &Actor,
    subject: i64,
    action: &str,
    summary: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let enterprise_id: Option<i64> =
        sqlx::query_scalar("SELECT enterprise_id FROM users WHERE id = $1")
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
    append(
        &mut tx,
        Entry::ok(actor, action, summary, now).about(subject, enterprise_id),
    )
    .await?;
    tx.commit().await
}

/// One security event as its account holder sees it (no addresses).
#[derive(Debug, Clone, sqlx::FromRow)]
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
    sqlx::query_as(
        "SELECT at, actor, summary FROM audit_log WHERE subject_user_id = $1 AND at >= $2 ORDER BY at DESC, id DESC LIMIT $3",
    )
    .bind(subject)
    .bind(since)
    .bind(limit)
    .fetch_all(db.reader())
    .await
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
    record(
        db,
        Entry {
            actor,
            enterprise_id: Some(enterprise_id),
            subject: None,
            action,
            summary: why,
            changes: &[],
            outcome: "refused",
            now,
        },
    )
    .await
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

/// The audit trail of one enterprise (`$1`), newest first: the page reads
/// the first rows, the export streams them all.
pub const TRAIL_SQL: &str = "SELECT at, actor, ip, action, summary, changes, outcome FROM audit_log WHERE enterprise_id = $1 ORDER BY at DESC, id DESC";

/// A row of [`TRAIL_SQL`] as stored (`changes` is JSON text).
#[derive(sqlx::FromRow)]
struct TrailLine {
    at: i64,
    actor: String,
    ip: String,
    action: String,
    summary: String,
    changes: String,
    outcome: String,
}

/// One row of [`TRAIL_SQL`].
pub fn trail_row(r: &sqlx::any::AnyRow) -> Result<AuditRow, sqlx::Error> {
    let t = <TrailLine as sqlx::FromRow<_>>::from_row(r)?;
    Ok(AuditRow {
        at: t.at,
        actor: t.actor,
        ip: t.ip,
        action: t.action,
        summary: t.summary,
        changes: serde_json::from_str(&t.changes).unwrap_or_default(),
        outcome: t.outcome,
    })
}

/// The audit trail of one enterprise, newest first.
pub async fn trail(db: &Db, enterprise_id: i64, limit: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("{TRAIL_SQL} LIMIT $2"))
        .bind(enterprise_id)
        .bind(limit)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(trail_row).collect()
}

/// How many rows the audit trail of one enterprise has.
pub async fn trail_count(db: &Db, enterprise_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE enterprise_id = $1")
        .bind(enterprise_id)
        .fetch_one(db.reader())
        .await
}

/// A row of the chain: its place and hashes, and the fields they cover.
#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    prev_hash: Option<String>,
    hash: Option<String>,
    #[sqlx(flatten)]
    sealed: Sealed,
}

const SEALED_COLUMNS: &str =
    "at, user_id, actor, ip, enterprise_id, action, summary, changes, outcome, subject_user_id";

/// Puts the rows written before the chain existed into it, in id order
/// (run at every start; does nothing once they are sealed). Returns how
/// many rows it sealed.
pub async fn seal_unsealed(db: &Db) -> Result<u64, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    if db.backend() == super::db::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut *tx)
            .await?;
    }
    let rows: Vec<ChainRow> = sqlx::query_as(&format!(
        "SELECT id, prev_hash, hash, {SEALED_COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY id"
    ))
    .fetch_all(&mut *tx)
    .await?;
    let mut sealed = 0;
    for r in &rows {
        let id = r.id;
        let prev: Option<String> =
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT 1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
        let prev = prev.unwrap_or_default();
        let hash = r.sealed.hash(&prev);
        sqlx::query("UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE id = $1")
            .bind(id)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        sealed += 1;
    }
    tx.commit().await?;
    Ok(sealed)
}

/// The end of an intact chain: keep `head_hash` somewhere else (the log
/// prints it daily) to notice a rewrite of the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub rows: u64,
    pub last_id: i64,
    pub head_hash: String,
}

/// The first row that does not fit the chain, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub id: i64,
    pub reason: String,
}

/// Checks the whole chain in id order: each row's `prev_hash` must be the
/// hash of the row before it (a removed row breaks the next one) and its
/// `hash` must match its fields (an altered row breaks itself).
pub async fn verify(db: &Db) -> Result<Result<ChainHead, Broken>, sqlx::Error> {
    const PAGE: i64 = 1000;
    let mut head = ChainHead {
        rows: 0,
        last_id: 0,
        head_hash: String::new(),
    };
    loop {
        let rows: Vec<ChainRow> = sqlx::query_as(&format!(
            "SELECT id, prev_hash, hash, {SEALED_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(head.last_id)
        .bind(PAGE)
        .fetch_all(db.reader())
        .await?;
        let full_page = rows.len() as i64 == PAGE;
        for r in rows {
            let id = r.id;
            let (prev, hash) = (r.prev_hash, r.hash);
            let broken = |reason: &str| {
                Ok(Err(Broken {
                    id,
                    reason: reason.into(),
                }))
            };
            let (Some(prev), Some(hash)) = (prev, hash) else {
                return broken("row has no hash (written outside the application?)");
            };
            if prev != head.head_hash {
                return broken("prev_hash does not match the row before it (a row before it was removed or altered)");
            }
            if r.sealed.hash(&prev) != hash {
                return broken("hash does not match the row's contents (the row was altered)");
            }
            head.rows += 1;
            head.last_id = id;
            head.head_hash = hash;
        }
        if !full_page {
            return Ok(Ok(head));
        }
    }
}

/// The last row of the chain: its id and hash.
pub async fn head(db: &Db) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, COALESCE(hash, '') FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(db.reader())
        .await
}
