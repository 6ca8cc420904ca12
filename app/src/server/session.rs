//! Sessions, the login lock and request throttling, all in the database.
//!
//! A session is a random 256-bit token in an HttpOnly cookie; only its
//! SHA-256 is stored. Sessions end after 30 minutes without a request and
//! 12 hours after login at the latest. Five wrong passwords within 15 minutes
//! lock the account for 15 minutes after the last one.

use sha2::{Digest, Sha256};

use super::db::{Db, Flag, Tx};
use super::limits::{self, Limit};
use crate::domain::{AccountStatus, UserKind};

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
    pub kind: UserKind,
    pub login: String,
    pub display_name: String,
    pub enterprise_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// Enterprise or organisation name.
    pub belongs_to: String,
    /// An administrator chose the password: nothing but changing it is allowed.
    pub must_change_password: bool,
    /// A regulator or administrator without a second factor: nothing but enrolling is allowed.
    pub needs_totp_enrolment: bool,
    /// An enterprise user's role in their team (None for regulators and administrators).
    pub role: Option<crate::domain::team::Role>,
}

impl SessionUser {
    /// Whether the account may do more than finish its own set-up.
    pub fn ready(&self) -> bool {
        !self.must_change_password && !self.needs_totp_enrolment
    }
}

/// `users.status` as its type; a code this build does not know is a decoding error.
pub fn account_status(code: &str) -> Result<AccountStatus, sqlx::Error> {
    AccountStatus::from_code(code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown users.status {code:?}").into()))
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Starts a session for `user_id` and returns its token (for the cookie).
/// `device` is the browser's User-Agent, shown in 账号设置 → 登录设备.
pub async fn create(
    db: &Db,
    user_id: i64,
    ip: &str,
    device: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token = super::random_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + ABSOLUTE_SECS)
    .bind(ip)
    .bind(device.chars().take(300).collect::<String>())
    .execute(db.writer())
    .await?;
    Ok(token)
}

/// The user of a live session (active account, not idle, not expired); renews its idle timer.
pub async fn lookup(db: &Db, token: &str, now: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    /// A live session's row (a code this build does not know is a decoding error).
    #[derive(sqlx::FromRow)]
    struct Live {
        user_id: i64,
        #[sqlx(try_from = "String")]
        kind: UserKind,
        login: String,
        display_name: String,
        enterprise_id: Option<i64>,
        organization_id: Option<i64>,
        belongs_to: String,
        last_seen: i64,
        #[sqlx(try_from = "Flag")]
        must_change_password: bool,
        #[sqlx(try_from = "Flag")]
        needs_totp_enrolment: bool,
        role: Option<String>,
    }
    let hash = hash_token(token);
    let row: Option<Live> = sqlx::query_as(
        "SELECT u.id AS user_id, u.kind, u.login, u.display_name, u.enterprise_id, u.organization_id, \
         COALESCE(e.name, o.name, '') AS belongs_to, s.last_seen, u.must_change_password, \
         CASE WHEN u.kind IN ('regulator', 'admin') AND u.totp_secret IS NULL THEN 1 ELSE 0 END AS needs_totp_enrolment, \
         CASE WHEN u.kind = 'enterprise' THEN COALESCE(u.role, 'manager') END AS role \
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
    if now - r.last_seen >= TOUCH_SECS {
        sqlx::query("UPDATE sessions SET last_seen = $2 WHERE token_hash = $1")
            .bind(&hash)
            .bind(now)
            .execute(db.writer())
            .await?;
    }
    Ok(Some(SessionUser {
        user_id: r.user_id,
        kind: r.kind,
        login: r.login,
        display_name: r.display_name,
        enterprise_id: r.enterprise_id,
        organization_id: r.organization_id,
        belongs_to: r.belongs_to,
        must_change_password: r.must_change_password,
        needs_totp_enrolment: r.needs_totp_enrolment,
        role: r
            .role
            .as_deref()
            .and_then(crate::domain::team::Role::from_code),
    }))
}

/// Ends every session of a user but the one of `keep` (a password change).
pub async fn end_others(db: &Db, user_id: i64, keep: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(hash_token(keep))
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Ends every session of a user (logout, password or phone change, disabling).
pub async fn end_all(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    end_all_on(db.writer(), user_id).await
}

/// Ends every session of a user within a write transaction.
pub async fn end_all_in(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    end_all_on(&mut **tx, user_id).await
}

async fn end_all_on<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(exec)
        .await?;
    Ok(())
}

/// Wrong passwords allowed per account within `LOCK_SECS` before it asks for a second proof.
pub const LOGIN_FAILURES: Limit = Limit::per(LOCK_FAILURES, LOCK_SECS);

/// The counter of login attempts of one account (every attempt counts until
/// it succeeds, so parallel guesses cannot pass the limit).
pub fn login_key(regulator: bool, login: &str) -> String {
    format!(
        "login:{}:{login}",
        if regulator { "regulator" } else { "enterprise" }
    )
}

/// Counts one attempt in `bucket`; false if `limit` attempts were already
/// made within `window` seconds (then nothing is counted). Atomic.
pub async fn throttle(
    db: &Db,
    bucket: &str,
    limit: i64,
    window: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(limits::hit(db, bucket, Limit::per(limit, window), now)
        .await?
        .is_ok())
}

/// Records a successful login: the previous one is kept to show what happened since.
pub async fn record_login(db: &Db, user_id: i64, now: i64) -> Result<Option<i64>, sqlx::Error> {
    let prev: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET prev_login_at = last_login_at, last_login_at = $2 WHERE id = $1 RETURNING prev_login_at",
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(db.writer())
    .await?;
    Ok(prev)
}

/// A user as the login needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    pub password_hash: String,
    /// A reviewer's reason for rejecting the registration.
    pub review_note: String,
    pub mobile: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub must_change_password: bool,
    /// A confirmed second factor.
    #[sqlx(try_from = "Flag")]
    pub totp_enrolled: bool,
    #[sqlx(try_from = "String")]
    pub kind: UserKind,
    /// Invited by a 管理员 of the enterprise (not its registered 经办人).
    #[sqlx(try_from = "Flag")]
    pub invited: bool,
}

impl LoginRow {
    /// A regulator or administrator without a confirmed second factor.
    pub fn needs_totp(&self) -> bool {
        self.kind.is_staff() && !self.totp_enrolled
    }

    /// Whether `code` can serve as the second proof that opens a locked account.
    pub fn totp_enabled_for_unlock(&self, code: &str) -> bool {
        self.totp_enrolled && !code.trim().is_empty()
    }
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
    sqlx::query_as(&format!(
        "SELECT id AS user_id, status, password_hash, review_note, mobile, must_change_password, \
         CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS totp_enrolled, kind, \
         CASE WHEN invited_by IS NULL THEN 0 ELSE 1 END AS invited \
         FROM users WHERE login = $1 AND kind IN {kinds} \
         ORDER BY CASE status WHEN 'rejected' THEN 1 ELSE 0 END, id DESC"
    ))
    .bind(login)
    .fetch_optional(db.reader())
    .await
}
