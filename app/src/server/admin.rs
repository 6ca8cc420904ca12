//! Regulator accounts as the administrator manages them: the list, a new
//! account in its organisation, enabling and disabling, each written with
//! its audit row in one transaction.

use super::audit::{audit, audit_ok, Actor};
use super::db::{is_unique_violation, Db};

/// One regulator account of the administrator's list.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub organization: String,
    pub active: bool,
    pub must_change_password: bool,
}

/// Every regulator account, by region and login.
pub async fn list(db: &Db) -> Result<Vec<Staff>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Line {
        user_id: i64,
        login: String,
        display_name: String,
        organization: String,
        #[sqlx(try_from = "String")]
        status: crate::domain::AccountStatus,
        must_change_password: i64,
    }
    let lines: Vec<Line> = sqlx::query_as(
        "SELECT u.id AS user_id, u.login, u.display_name, COALESCE(o.name, '') AS organization, u.status, u.must_change_password FROM users u \
         LEFT JOIN organizations o ON o.id = u.organization_id WHERE u.kind = 'regulator' ORDER BY o.region_code, u.login",
    )
    .fetch_all(db.reader())
    .await?;
    Ok(lines
        .into_iter()
        .map(|l| Staff {
            user_id: l.user_id,
            login: l.login,
            display_name: l.display_name,
            organization: l.organization,
            active: l.status == crate::domain::AccountStatus::Active,
            must_change_password: l.must_change_password != 0,
        })
        .collect())
}

/// A new regulator account.
pub struct NewStaff<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    /// The organisation (created when it does not exist yet).
    pub org_name: &'a str,
    pub org_level: &'a str,
    pub region: &'a str,
    /// Of a password the user must replace at the first login.
    pub password_hash: &'a str,
}

/// Creates the account (and its organisation when new) with its audit row;
/// false when the login is taken (nothing is written then).
pub async fn create(
    db: &Db,
    actor: &Actor,
    new: &NewStaff<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM organizations WHERE region_code = $1 AND name = $2")
            .bind(new.region)
            .bind(new.org_name)
            .fetch_optional(&mut *tx)
            .await?;
    let org_id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar("INSERT INTO organizations (name, level, region_code, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(new.org_name)
                .bind(new.org_level)
                .bind(new.region)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let inserted = sqlx::query(
        "INSERT INTO users (kind, login, display_name, organization_id, password_hash, status, created_at, must_change_password) \
         VALUES ('regulator', $1, $2, $3, $4, 'active', $5, 1)",
    )
    .bind(new.login)
    .bind(new.display_name)
    .bind(org_id)
    .bind(new.password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e)
            if is_unique_violation(&e, "users_login_key", "users.kind")
                || is_unique_violation(&e, "users_staff_login", "users_staff_login") =>
        {
            return Ok(false);
        }
        other => {
            other?;
        }
    }
    audit_ok(
        &mut tx,
        actor,
        None,
        "account.create",
        &format!("创建监管用户 {}({})", new.login, new.org_name),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Enables or disables a regulator account with its audit row; its login,
/// or None when `user_id` is no regulator.
pub async fn set_active(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    active: bool,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.write_tx().await?;
    let login: Option<String> = sqlx::query_scalar(
        "UPDATE users SET status = $2 WHERE id = $1 AND kind = 'regulator' RETURNING login",
    )
    .bind(user_id)
    .bind(if active { "active" } else { "disabled" })
    .fetch_optional(&mut *tx)
    .await?;
    let Some(login) = login else {
        return Ok(None);
    };
    let (action, summary) = if active {
        ("account.enable", format!("启用监管用户 {login}"))
    } else {
        ("account.disable", format!("停用监管用户 {login}"))
    };
    audit(&mut tx, actor, None, action, &summary, &[], "ok", now).await?;
    tx.commit().await?;
    Ok(Some(login))
}

/// The login of a regulator or administrator account, or None.
pub async fn login_of(db: &Db, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT login FROM users WHERE id = $1 AND kind IN ('regulator', 'admin')")
        .bind(user_id)
        .fetch_optional(db.reader())
        .await
}
