//! A user's own account: the password hash, replaced with its audit row in
//! one transaction.

use super::audit::{self, Actor};
use super::db::Db;

/// When the user logged in before the current session (None: never).
pub async fn previous_login(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT prev_login_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.reader())
        .await
}

/// The phone on file of a user, if any.
pub async fn mobile(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT mobile FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db.reader())
        .await
}

/// The stored password hash and login of a user.
pub async fn password_hash(db: &Db, user_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT password_hash, login FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.reader())
        .await
}

/// Stores a new password hash. `must_change` marks a password someone else
/// chose (an administrator), which the user must replace at the next login.
#[allow(clippy::too_many_arguments)]
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    hash: &str,
    must_change: bool,
    action: &str,
    summary: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let enterprise_id: Option<i64> = sqlx::query_scalar(
        "UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1 RETURNING enterprise_id",
    )
    .bind(user_id)
    .bind(hash)
    .bind(i64::from(must_change))
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        audit::Entry::ok(actor, action, summary, now).about(user_id, enterprise_id),
    )
    .await?;
    tx.commit().await
}

/// Why an administrator could not be created.
#[derive(Debug)]
pub enum CreateAdminError {
    /// A regulator or administrator has this login (in any letter case).
    Taken,
    Db(sqlx::Error),
}

/// Creates an administrator from the command line, with its audit row.
pub async fn create_admin(
    db: &Db,
    login: &str,
    name: &str,
    hash: &str,
    now: i64,
) -> Result<(), CreateAdminError> {
    let result = async {
        let mut tx = db.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (kind, login, display_name, password_hash, status, created_at) \
             VALUES ('admin', $1, $2, $3, 'active', $4) RETURNING id",
        )
        .bind(login)
        .bind(name)
        .bind(hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            audit::Entry::ok(
                &Actor::system("命令行(server create-admin)"),
                "account.create",
                &format!("在服务器上创建系统管理员 {login}({name})"),
                now,
            )
            .about(id, None),
        )
        .await?;
        tx.commit().await
    }
    .await;
    result.map_err(|e| {
        if super::db::is_unique_violation(&e, "users_login_key", "users.kind")
            || super::db::is_unique_violation(&e, "users_staff_login", "users_staff_login")
        {
            CreateAdminError::Taken
        } else {
            CreateAdminError::Db(e)
        }
    })
}

/// Lifts the wrong-password lock of a regulator or administrator from the
/// command line (audited). `None` if there is no such staff login.
pub async fn unlock_staff(db: &Db, login: &str, now: i64) -> Result<Option<()>, sqlx::Error> {
    let user: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE login = $1 AND kind IN ('regulator', 'admin')",
    )
    .bind(login)
    .fetch_optional(db.reader())
    .await?;
    let Some(user) = user else {
        return Ok(None);
    };
    super::limits::reset(db, &super::session::login_key(true, login)).await?;
    audit::security_event_now(
        db,
        &Actor::system("命令行(server unlock)"),
        user,
        "account.unlock",
        &format!("在服务器上解锁了账号 {login}"),
        now,
    )
    .await?;
    Ok(Some(()))
}

/// Records a command-line action that changes data (an import, the demo data).
pub async fn cli_event(db: &Db, command: &str, action: &str, summary: &str, now: i64) {
    let actor = Actor::system(&format!("命令行(server {command})"));
    audit::record(db, audit::Entry::ok(&actor, action, summary, now)).await
}
