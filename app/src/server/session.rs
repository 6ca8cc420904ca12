//! Sessions, the login lock and request throttling, all in the database.
//!
//! A session is a random 256-bit token in an HttpOnly cookie; only its
//! SHA-256 is stored. Sessions end after 30 minutes without a request and
//! 12 hours after login at the latest. Five wrong passwords within 15 minutes
//! lock the account for 15 minutes after the last one.

use sha2::{Digest, Sha256};
use sqlx::Row as _;

use super::db::Db;

pub const IDLE_SECS: i64 = 30 * 60;
pub const ABSOLUTE_SECS: i64 = 12 * 3600;
pub const LOCK_FAILURES: i64 = 5;
pub const LOCK_SECS: i64 = 15 * 60;
/// Login attempts per client address within `LOGIN_RATE_WINDOW` seconds
/// (generous: many enterprises share an office or county network).
pub const LOGIN_RATE_LIMIT: i64 = 100;
pub const LOGIN_RATE_WINDOW: i64 = 300;
/// A session's last-seen time is written at most this often.
const TOUCH_SECS: i64 = 60;

/// The logged-in user behind a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: i64,
    pub kind: String,
    pub login: String,
    pub display_name: String,
    pub enterprise_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// Enterprise or organisation name.
    pub belongs_to: String,
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Starts a session for `user_id` and returns its token (for the cookie).
pub async fn create(db: &Db, user_id: i64, ip: &str, now: i64) -> Result<String, sqlx::Error> {
    let token = super::random_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, ip) VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + ABSOLUTE_SECS)
    .bind(ip)
    .execute(db.writer())
    .await?;
    Ok(token)
}

/// The user of a live session (active account, not idle, not expired); renews its idle timer.
pub async fn lookup(db: &Db, token: &str, now: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    let hash = hash_token(token);
    let row = sqlx::query(
        "SELECT u.id, u.kind, u.login, u.display_name, u.enterprise_id, u.organization_id, \
         COALESCE(e.name, o.name, ''), s.last_seen \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN enterprises e ON e.id = u.enterprise_id \
         LEFT JOIN organizations o ON o.id = u.organization_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.status = 'active'",
    )
    .bind(&hash)
    .bind(now)
    .bind(now - IDLE_SECS)
    .fetch_optional(db.reader())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let last_seen: i64 = r.try_get(7)?;
    if now - last_seen >= TOUCH_SECS {
        sqlx::query("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1")
            .bind(&hash)
            .bind(now)
            .execute(db.writer())
            .await?;
    }
    Ok(Some(SessionUser {
        user_id: r.try_get(0)?,
        kind: r.try_get(1)?,
        login: r.try_get(2)?,
        display_name: r.try_get(3)?,
        enterprise_id: r.try_get(4)?,
        organization_id: r.try_get(5)?,
        belongs_to: r.try_get(6)?,
    }))
}

/// Ends every session of a user (logout, password or phone change, disabling).
pub async fn end_all(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Until when `account` is locked, if it is.
pub async fn locked_until(db: &Db, account: &str, now: i64) -> Result<Option<i64>, sqlx::Error> {
    let row =
        sqlx::query("SELECT COUNT(*), MAX(at) FROM login_failures WHERE account = $1 AND at > $2")
            .bind(account)
            .bind(now - LOCK_SECS)
            .fetch_one(db.reader())
            .await?;
    let count: i64 = row.try_get(0)?;
    let last: Option<i64> = row.try_get(1)?;
    Ok(match last {
        Some(last) if count >= LOCK_FAILURES => Some(last + LOCK_SECS),
        _ => None,
    })
}

/// Records a wrong password; returns how many tries are left before the lock.
pub async fn record_failure(
    db: &Db,
    account: &str,
    ip: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (account, at, ip) VALUES ($1, $2, $3)")
        .bind(account)
        .bind(now)
        .bind(ip)
        .execute(db.writer())
        .await?;
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at > $2")
            .bind(account)
            .bind(now - LOCK_SECS)
            .fetch_one(db.reader())
            .await?;
    Ok((LOCK_FAILURES - n).max(0))
}

pub async fn clear_failures(db: &Db, account: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE account = $1")
        .bind(account)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Counts one attempt in `bucket`; false if `limit` attempts were already
/// made within `window` seconds (then nothing is counted).
pub async fn throttle(
    db: &Db,
    bucket: &str,
    limit: i64,
    window: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    sqlx::query("DELETE FROM rate_events WHERE bucket = $1 AND at <= $2")
        .bind(bucket)
        .bind(now - window)
        .execute(&mut *tx)
        .await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE bucket = $1")
        .bind(bucket)
        .fetch_one(&mut *tx)
        .await?;
    if n >= limit {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("INSERT INTO rate_events (bucket, at) VALUES ($1, $2)")
        .bind(bucket)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A user as the login needs it.
#[derive(Debug, Clone)]
pub struct LoginRow {
    pub user_id: i64,
    pub status: String,
    pub password_hash: String,
    /// A reviewer's reason for rejecting the registration.
    pub review_note: String,
}

/// Finds an enterprise user by credit code, or a regulator/administrator by user name.
pub async fn find_login(
    db: &Db,
    regulator: bool,
    login: &str,
) -> Result<Option<LoginRow>, sqlx::Error> {
    let kinds = if regulator {
        "('regulator', 'admin')"
    } else {
        "('enterprise')"
    };
    let row = sqlx::query(&format!(
        "SELECT id, status, password_hash, review_note FROM users WHERE login = $1 AND kind IN {kinds} \
         ORDER BY CASE status WHEN 'rejected' THEN 1 ELSE 0 END, id DESC"
    ))
    .bind(login)
    .fetch_optional(db.reader())
    .await?;
    row.map(|r| {
        Ok(LoginRow {
            user_id: r.try_get(0)?,
            status: r.try_get(1)?,
            password_hash: r.try_get(2)?,
            review_note: r.try_get(3)?,
        })
    })
    .transpose()
}
