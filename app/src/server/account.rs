//! A user's own account: the password hash, replaced with its audit row in
//! one transaction.

use super::audit::{self, Actor};
use super::db::Db;

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
    audit::security_event(
        &mut tx,
        actor,
        user_id,
        enterprise_id,
        action,
        summary,
        &[],
        now,
    )
    .await?;
    tx.commit().await
}
