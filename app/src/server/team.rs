//! The users of an enterprise: invitations, roles, disabling, resets a
//! 管理员 starts for a colleague, and the one-time links those send by SMS.
//!
//! Every change that could leave the enterprise without an active 管理员
//! runs in one write transaction that counts the managers after the change
//! (SQLite: `BEGIN IMMEDIATE` serialises writers; PostgreSQL: the
//! enterprise's user rows are locked first), so two 管理员 disabling each
//! other at once leave one.

use super::audit::{append, audit_ok, Actor, Entry};
use super::db::{Backend, Db, Flag, Tx};
use super::session;
use crate::domain::team::{Role, LAST_MANAGER};
use crate::domain::{AccountStatus, Mobile};

/// An enterprise's name and credit code.
pub async fn enterprise_name_and_code(
    db: &Db,
    enterprise_id: i64,
) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT name, credit_code FROM enterprises WHERE id = $1")
        .bind(enterprise_id)
        .fetch_one(db.reader())
        .await
}

/// A user's own account: the phone on file, 1 when an authenticator is
/// bound, and the user name of a team member.
pub async fn own_account(
    db: &Db,
    user_id: i64,
) -> Result<(Option<String>, i64, Option<String>), sqlx::Error> {
    sqlx::query_as(
        "SELECT mobile, CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END, username FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db.reader())
    .await
}

/// Renames a user, with the security event saying so, in one transaction.
pub async fn rename(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    summary: &str,
    name: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let enterprise_id: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET display_name = $2 WHERE id = $1 RETURNING enterprise_id",
    )
    .bind(user_id)
    .bind(name)
    .fetch_one(&mut *tx)
    .await?;
    append(
        &mut tx,
        Entry::ok(actor, "account.name", summary, now).about(user_id, enterprise_id),
    )
    .await?;
    tx.commit().await
}

/// How long an invitation or reset link works.
pub const LINK_SECS: i64 = 72 * 3600;
/// Invitations and resets a 管理员 may send per enterprise and day.
pub const LINKS_PER_DAY: i64 = 20;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The change is not possible; the message says why and what to do.
    #[error("{field}: {message}")]
    Refused {
        field: &'static str,
        message: String,
    },
    #[error("no such user in this enterprise")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn refused(field: &'static str, message: impl Into<String>) -> TeamError {
    TeamError::Refused {
        field,
        message: message.into(),
    }
}

/// A user of the enterprise as its 管理员 sees them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub display_name: String,
    pub mobile: String,
    pub username: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// Active, PendingVerification (invited, no password yet) or Disabled.
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    /// The registered 经办人, who logs in with the credit code alone.
    #[sqlx(try_from = "Flag")]
    pub first: bool,
    pub last_login_at: Option<i64>,
    pub sessions: i64,
}

/// Every user of an enterprise that is or was part of the team (not the
/// rejected registrations), the first 管理员 first.
pub async fn members(db: &Db, enterprise_id: i64) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.display_name, COALESCE(u.mobile, '') AS mobile, COALESCE(u.username, '') AS username, \
         COALESCE(u.role, 'manager') AS role, u.status, CASE WHEN u.login = e.credit_code THEN 1 ELSE 0 END AS first, \
         u.last_login_at, (SELECT COUNT(*) FROM sessions s WHERE s.user_id = u.id) AS sessions \
         FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE u.kind = 'enterprise' AND u.enterprise_id = $1 AND u.status IN ('active', 'disabled', 'pending_verification') \
         AND (u.login <> e.credit_code OR u.status <> 'pending_verification') \
         ORDER BY CASE WHEN u.login = e.credit_code THEN 0 ELSE 1 END, u.id",
    )
    .bind(enterprise_id)
    .fetch_all(db.reader())
    .await
}

/// Whether `user_id` is a user of the enterprise's team.
pub async fn is_member(db: &Db, enterprise_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE id = $1 AND enterprise_id = $2 AND kind = 'enterprise' \
         AND status IN ('active', 'disabled', 'pending_verification')",
    )
    .bind(user_id)
    .bind(enterprise_id)
    .fetch_one(db.reader())
    .await?;
    Ok(n == 1)
}

/// Opens a write transaction holding the enterprise's user rows, in which
/// the acting user is still an active 管理员 of it (a 管理员 demoted or
/// disabled a moment ago finishes nothing).
async fn lock_team(db: &Db, enterprise_id: i64, actor: &Actor) -> Result<Tx, TeamError> {
    let mut tx = db.write_tx().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query(
            "SELECT id FROM users WHERE enterprise_id = $1 AND kind = 'enterprise' FOR UPDATE",
        )
        .bind(enterprise_id)
        .execute(&mut *tx)
        .await?;
    }
    let manager: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE id = $1 AND enterprise_id = $2 AND kind = 'enterprise' \
         AND COALESCE(role, 'manager') = 'manager' AND status = 'active'",
    )
    .bind(actor.user_id)
    .bind(enterprise_id)
    .fetch_one(&mut *tx)
    .await?;
    if manager == 0 {
        return Err(refused("user_id", crate::domain::team::NOT_MANAGER));
    }
    Ok(tx)
}

/// A user of the team inside a transaction (flags: 1 or 0, as both engines
/// return them).
#[derive(sqlx::FromRow)]
struct Target {
    name: String,
    #[sqlx(try_from = "String")]
    role: Role,
    #[sqlx(try_from = "String")]
    status: AccountStatus,
    mobile: String,
    /// The registered 经办人 (the enterprise's legal contact).
    first: i64,
    /// Has set a password (an invitee who never opened the link has not).
    has_password: i64,
}

/// A member of `enterprise_id` inside the transaction.
async fn member_in(tx: &mut Tx, enterprise_id: i64, user_id: i64) -> Result<Target, TeamError> {
    sqlx::query_as(
        "SELECT u.display_name AS name, COALESCE(u.role, 'manager') AS role, u.status, COALESCE(u.mobile, '') AS mobile, \
         CASE WHEN u.login = e.credit_code THEN 1 ELSE 0 END AS first, \
         CASE WHEN u.password_hash = '!' THEN 0 ELSE 1 END AS has_password \
         FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE u.id = $1 AND u.enterprise_id = $2 AND u.kind = 'enterprise' AND u.status IN ('active', 'disabled', 'pending_verification')",
    )
    .bind(user_id)
    .bind(enterprise_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(TeamError::NotFound)
}

/// The registered 经办人 is the enterprise's legal contact: only they
/// change their own role or status, and only they recover their account.
fn not_the_first(t: &Target, user_id: i64, actor: &Actor) -> Result<(), TeamError> {
    if t.first != 0 && user_id != actor.user_id {
        return Err(refused("user_id", FIRST_IS_OWN));
    }
    Ok(())
}

/// Why another 管理员 cannot act on the registered 经办人.
pub const FIRST_IS_OWN: &str = "注册时的经办人(首位管理员)是本单位的法定联系人:其角色、停用和密码只能由本人办理;忘记密码或换了手机,请本人使用“忘记密码”或“手机号码无法接收短信”。";

/// Fails unless an active 管理员 remains (checked after the change, in the
/// same transaction).
async fn a_manager_remains(tx: &mut Tx, enterprise_id: i64) -> Result<(), TeamError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE enterprise_id = $1 AND kind = 'enterprise' AND COALESCE(role, 'manager') = 'manager' \
         AND status = 'active' AND password_hash <> '!'",
    )
    .bind(enterprise_id)
    .fetch_one(&mut **tx)
    .await?;
    if n == 0 {
        return Err(refused("user_id", LAST_MANAGER));
    }
    Ok(())
}

/// Whether another user of the team (not `except`) has `mobile`.
async fn mobile_taken(
    tx: &mut Tx,
    enterprise_id: i64,
    mobile: &Mobile,
    except: i64,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE enterprise_id = $1 AND kind = 'enterprise' AND mobile = $2 AND id <> $3 \
         AND status IN ('active', 'disabled', 'pending_verification')",
    )
    .bind(enterprise_id)
    .bind(mobile.as_str())
    .bind(except)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

/// A user's own new mobile, checked against the rest of their team in the
/// same transaction; returns the previous one.
pub async fn set_own_mobile(
    db: &Db,
    user_id: i64,
    enterprise_id: Option<i64>,
    mobile: &Mobile,
) -> Result<Option<String>, TeamError> {
    let mut tx = db.write_tx().await?;
    if let Some(e) = enterprise_id {
        if mobile_taken(&mut tx, e, mobile, user_id).await? {
            return Err(refused(
                "mobile",
                "这个手机号已是本单位另一位用户的手机号。",
            ));
        }
    }
    let old: Option<String> = sqlx::query_scalar("SELECT mobile FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE users SET mobile = $2 WHERE id = $1")
        .bind(user_id)
        .bind(mobile.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(old)
}

/// What an invitation creates.
pub struct Invitation<'a> {
    pub enterprise_id: i64,
    pub credit_code: &'a str,
    pub name: &'a str,
    pub mobile: &'a Mobile,
    pub role: Role,
    /// The SHA-256 of the link's token.
    pub token_hash: &'a str,
}

/// Adds an invited user (no password until they open the link) and their
/// link. A mobile already used by a user of the enterprise is refused.
pub async fn invite(
    db: &Db,
    inv: &Invitation<'_>,
    actor: &Actor,
    now: i64,
) -> Result<i64, TeamError> {
    let mut tx = lock_team(db, inv.enterprise_id, actor).await?;
    if mobile_taken(&mut tx, inv.enterprise_id, inv.mobile, 0).await? {
        return Err(refused(
            "mobile",
            "这个手机号已是本单位的用户(可能已停用或尚未接受邀请):请在列表中找到他,重新启用或重发邀请。",
        ));
    }
    // The login column only has to be unique: members log in by their
    // mobile or user name together with the credit code.
    let login = format!("{}/{}", inv.credit_code, &super::random_token()[..12]);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (kind, login, display_name, enterprise_id, mobile, password_hash, status, created_at, role, invited_by) \
         VALUES ('enterprise', $1, $2, $3, $4, '!', 'pending_verification', $5, $6, $7) RETURNING id",
    )
    .bind(&login)
    .bind(inv.name)
    .bind(inv.enterprise_id)
    .bind(inv.mobile.as_str())
    .bind(now)
    .bind(inv.role.code())
    .bind(actor.user_id)
    .fetch_one(&mut *tx)
    .await?;
    insert_link(&mut tx, id, "invite", inv.token_hash, actor.user_id, now).await?;
    let summary = format!(
        "邀请用户 {}({},{})",
        inv.name,
        inv.mobile.masked(),
        inv.role.label()
    );
    audit_ok(
        &mut tx,
        actor,
        Some(inv.enterprise_id),
        "team.invite",
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_link(
    tx: &mut Tx,
    user_id: i64,
    purpose: &str,
    token_hash: &str,
    by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    // A new link replaces any earlier one of the user.
    sqlx::query("UPDATE team_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO team_links (token_hash, user_id, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose)
    .bind(by)
    .bind(now)
    .bind(now + LINK_SECS)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the security event of a team change about `user_id` and commits.
#[allow(clippy::too_many_arguments)]
async fn commit_with_event(
    mut tx: Tx,
    actor: &Actor,
    user_id: i64,
    enterprise_id: i64,
    action: &str,
    summary: &str,
    now: i64,
) -> Result<(), TeamError> {
    append(
        &mut tx,
        Entry::ok(actor, action, summary, now).about(user_id, Some(enterprise_id)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a member's role; demoting the last active 管理员 is refused.
pub async fn set_role(
    db: &Db,
    enterprise_id: i64,
    user_id: i64,
    role: Role,
    actor: &Actor,
    now: i64,
) -> Result<(), TeamError> {
    let mut tx = lock_team(db, enterprise_id, actor).await?;
    let t = member_in(&mut tx, enterprise_id, user_id).await?;
    if role != Role::Manager {
        not_the_first(&t, user_id, actor)?;
    }
    let (name, before) = (t.name, t.role);
    if before == role {
        return Ok(());
    }
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
        .bind(user_id)
        .bind(role.code())
        .execute(&mut *tx)
        .await?;
    a_manager_remains(&mut tx, enterprise_id).await?;
    commit_with_event(
        tx,
        actor,
        user_id,
        enterprise_id,
        "team.role",
        &format!("{name} 的角色由{}改为{}", before.label(), role.label()),
        now,
    )
    .await
}

/// Disables (ending every session at once) or re-enables a member;
/// disabling the last active 管理员 is refused.
pub async fn set_active(
    db: &Db,
    enterprise_id: i64,
    user_id: i64,
    active: bool,
    actor: &Actor,
    now: i64,
) -> Result<(), TeamError> {
    let mut tx = lock_team(db, enterprise_id, actor).await?;
    let t = member_in(&mut tx, enterprise_id, user_id).await?;
    if !active {
        not_the_first(&t, user_id, actor)?;
    }
    let name = t.name;
    let to = match (active, t.status) {
        // An invitee who never set a password is invited again, not active.
        (true, AccountStatus::Disabled) if t.has_password == 0 => {
            AccountStatus::PendingVerification
        }
        (true, AccountStatus::Disabled) => AccountStatus::Active,
        (false, AccountStatus::Active | AccountStatus::PendingVerification) => {
            AccountStatus::Disabled
        }
        _ => return Ok(()),
    };
    sqlx::query("UPDATE users SET status = $2 WHERE id = $1")
        .bind(user_id)
        .bind(to.code())
        .execute(&mut *tx)
        .await?;
    if !active {
        a_manager_remains(&mut tx, enterprise_id).await?;
        super::session::end_all_in(&mut tx, user_id).await?;
        sqlx::query("UPDATE team_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    let (action, summary) = if active {
        ("team.enable", format!("重新启用用户 {name}"))
    } else {
        ("team.disable", format!("停用用户 {name},其登录已全部结束"))
    };
    commit_with_event(tx, actor, user_id, enterprise_id, action, &summary, now).await
}

/// Ends every session of a member.
pub async fn end_sessions(
    db: &Db,
    enterprise_id: i64,
    user_id: i64,
    actor: &Actor,
    now: i64,
) -> Result<(), TeamError> {
    let mut tx = lock_team(db, enterprise_id, actor).await?;
    let name = member_in(&mut tx, enterprise_id, user_id).await?.name;
    super::session::end_all_in(&mut tx, user_id).await?;
    commit_with_event(
        tx,
        actor,
        user_id,
        enterprise_id,
        "team.sessions_ended",
        &format!("结束用户 {name} 的全部登录"),
        now,
    )
    .await
}

/// A reset a 管理员 starts for a colleague (who lost their phone, or their
/// password): the colleague's mobile becomes `mobile`, their sessions end,
/// and a one-time link is to go to that mobile only. Returns the previous
/// mobile (told of the change) and the member's name and status.
pub async fn start_reset(
    db: &Db,
    enterprise_id: i64,
    user_id: i64,
    mobile: &Mobile,
    token_hash: &str,
    actor: &Actor,
    now: i64,
) -> Result<(String, String, AccountStatus), TeamError> {
    let mut tx = lock_team(db, enterprise_id, actor).await?;
    let t = member_in(&mut tx, enterprise_id, user_id).await?;
    if t.first != 0 {
        return Err(refused("user_id", FIRST_IS_OWN));
    }
    let (name, status, old) = (t.name, t.status, t.mobile);
    if status == AccountStatus::Disabled {
        return Err(refused("user_id", "该用户已停用:请先重新启用,再重置密码。"));
    }
    if user_id == actor.user_id {
        return Err(refused(
            "user_id",
            "不能为自己重置:请在“账号设置”中修改密码或手机号;忘记密码请退出后使用“忘记密码”。",
        ));
    }
    if mobile_taken(&mut tx, enterprise_id, mobile, user_id).await? {
        return Err(refused(
            "mobile",
            "这个手机号已是本单位另一位用户的手机号,请填写该用户本人的新手机号。",
        ));
    }
    // The old password stops working now; the link sets the next one.
    sqlx::query("UPDATE users SET mobile = $2, password_hash = '!' WHERE id = $1")
        .bind(user_id)
        .bind(mobile.as_str())
        .execute(&mut *tx)
        .await?;
    super::session::end_all_in(&mut tx, user_id).await?;
    let purpose = if status == AccountStatus::PendingVerification {
        "invite"
    } else {
        "reset"
    };
    insert_link(&mut tx, user_id, purpose, token_hash, actor.user_id, now).await?;
    let summary = if old == mobile.as_str() {
        format!("管理员为 {name} 发起重置密码,链接已发送至其手机")
    } else {
        format!(
            "管理员为 {name} 发起重置密码,手机号改为 {}",
            mobile.masked()
        )
    };
    append(
        &mut tx,
        Entry::ok(actor, "team.reset", &summary, now).about(user_id, Some(enterprise_id)),
    )
    .await?;
    tx.commit().await?;
    Ok((old, name, status))
}

/// What a link shows before it is used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Link {
    pub user_id: i64,
    pub purpose: String,
    pub display_name: String,
    pub mobile: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub enterprise: String,
    pub credit_code: String,
    pub username: String,
}

/// The unused, unexpired link of `token_hash`.
pub async fn link(db: &Db, token_hash: &str, now: i64) -> Result<Option<Link>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, l.purpose, u.display_name, COALESCE(u.mobile, '') AS mobile, \
         COALESCE(u.role, 'manager') AS role, e.name AS enterprise, e.credit_code, COALESCE(u.username, '') AS username \
         FROM team_links l JOIN users u ON u.id = l.user_id JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.status IN ('active', 'pending_verification')",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.reader())
    .await
}

/// Uses a link once: sets the password (and an invited user's optional
/// user name), activates an invited user, ends every session. Returns the
/// user's id, or None when the link was used, expired or replaced.
pub async fn use_link(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
    username: Option<&str>,
    now: i64,
) -> Result<Option<i64>, TeamError> {
    let mut tx = db.write_tx().await?;
    let user_id: Option<i64> = sqlx::query_scalar(
        "UPDATE team_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let found: Option<(Option<i64>, String)> = sqlx::query_as(
        "SELECT enterprise_id, login FROM users WHERE id = $1 AND status IN ('active', 'pending_verification')",
    )
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((Some(enterprise_id), login)) = found else {
        return Ok(None);
    };
    if let Some(u) = username {
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE enterprise_id = $1 AND username = $2 AND id <> $3",
        )
        .bind(enterprise_id)
        .bind(u)
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(refused(
                "username",
                "这个用户名已被本单位其他用户使用,请换一个(也可以不填,用手机号登录)。",
            ));
        }
    }
    sqlx::query(
        "UPDATE users SET password_hash = $2, status = 'active', must_change_password = 0, \
         username = COALESCE($3, username) WHERE id = $1",
    )
    .bind(user_id)
    .bind(password_hash)
    .bind(username)
    .execute(&mut *tx)
    .await?;
    super::session::end_all_in(&mut tx, user_id).await?;
    append(
        &mut tx,
        Entry::ok(
            &Actor::system("本人(短信链接)"),
            "team.password_set",
            "通过短信链接设置了密码",
            now,
        )
        .about(user_id, Some(enterprise_id)),
    )
    .await?;
    tx.commit().await?;
    // A new password lifts a lock of wrong ones (a reset is how a member
    // locked out by someone else's guesses gets back in).
    super::limits::reset(db, &session::login_key(false, &login)).await?;
    Ok(Some(user_id))
}

/// The id of the enterprise user logging in as `member` (a mobile or a
/// user name) of the enterprise with `credit_code`, not its first 管理员.
pub async fn member_login(
    db: &Db,
    credit_code: &str,
    member: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.login FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE e.credit_code = $1 AND u.kind = 'enterprise' AND u.login <> e.credit_code \
         AND (u.mobile = $2 OR u.username = $2) AND u.status IN ('active', 'disabled', 'pending_verification') \
         ORDER BY CASE u.status WHEN 'active' THEN 0 ELSE 1 END, u.id LIMIT 1",
    )
    .bind(credit_code)
    .bind(member)
    .fetch_optional(db.reader())
    .await
}

/// The sessions of a user, newest first: (token hash, created, last seen, ip, device).
pub async fn sessions_of(
    db: &Db,
    user_id: i64,
    now: i64,
) -> Result<Vec<(String, i64, i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, created_at, last_seen, ip, user_agent FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen > $3 ORDER BY last_seen DESC",
    )
    .bind(user_id)
    .bind(now)
    .bind(now - session::IDLE_SECS)
    .fetch_all(db.reader())
    .await
}

/// Ends one session of a user (by its hash); false if it was not theirs.
pub async fn end_session(db: &Db, user_id: i64, token_hash: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2")
            .bind(user_id)
            .bind(token_hash)
            .execute(db.writer())
            .await?
            .rows_affected()
            == 1,
    )
}
