//! 未能提交的填写内容 (`domain::kept_text`): a refused plain post's text, kept
//! for the user who wrote it. Only its writer ever reads it back.

use super::db::Db;
use crate::domain::kept_text::{KeptForm, KEPT_TEXT_LIFETIME_SECS};

/// Keeps `text` as `user_id`'s for `form`, replacing what was kept before.
pub async fn keep(
    db: &Db,
    user_id: i64,
    form: KeptForm,
    text: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO kept_text (user_id, form, text, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, form) DO UPDATE SET text = excluded.text, at = excluded.at",
    )
    .bind(user_id)
    .bind(form.key())
    .bind(text)
    .bind(now)
    .execute(db.writer())
    .await
    .map(|_| ())
}

/// Forgets what was kept for `user_id`'s `form` (it has gone through).
pub async fn forget(db: &Db, user_id: i64, form: KeptForm) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM kept_text WHERE user_id = $1 AND form = $2")
        .bind(user_id)
        .bind(form.key())
        .execute(db.writer())
        .await
        .map(|_| ())
}

/// What `user_id` has kept, not older than a day, for the forms whose key
/// begins with `prefix` (`KeptForm::case_prefix`, `REVIEW_PREFIX`: no `%`,
/// and what `_` might match besides itself is dropped after): the latest
/// first.
pub async fn kept(
    db: &Db,
    user_id: i64,
    prefix: &str,
    now: i64,
) -> Result<Vec<(KeptForm, String)>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT form, text FROM kept_text WHERE user_id = $1 AND form LIKE $2 AND at >= $3 \
         ORDER BY at DESC, form",
    )
    .bind(user_id)
    .bind(format!("{prefix}%"))
    .bind(now - KEPT_TEXT_LIFETIME_SECS)
    .fetch_all(db.reader())
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(key, _)| key.starts_with(prefix))
        .filter_map(|(key, text)| Some((KeptForm::parse(&key)?, text)))
        .collect())
}

/// What `user_id` has kept for `form`, not older than a day.
pub async fn kept_for(
    db: &Db,
    user_id: i64,
    form: KeptForm,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT text FROM kept_text WHERE user_id = $1 AND form = $2 AND at >= $3")
        .bind(user_id)
        .bind(form.key())
        .bind(now - KEPT_TEXT_LIFETIME_SECS)
        .fetch_optional(db.reader())
        .await
}

/// Deletes what is older than a day (run by the background jobs); returns how many.
pub async fn purge(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM kept_text WHERE at < $1")
        .bind(now - KEPT_TEXT_LIFETIME_SECS)
        .execute(db.writer())
        .await?;
    Ok(done.rows_affected())
}
