//! 未能提交的填写内容 (`domain::kept_text`): a refused plain post's text, kept
//! for the user who wrote it. Only its writer ever reads it back.

use super::db::Db;
use crate::domain::kept_text::{KeptForm, KEPT_TEXT_LIFETIME_SECS};

/// How many forms' texts one user has kept at the most: the oldest go.
const KEPT_PER_USER: i64 = 50;

/// Keeps `text` as `user_id`'s for `form`, replacing what was kept before
/// (and the user's oldest beyond [`KEPT_PER_USER`]).
pub async fn keep(
    db: &Db,
    user_id: i64,
    form: KeptForm,
    text: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write_tx().await?;
    sqlx::query(
        "INSERT INTO kept_text (user_id, form, text, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, form) DO UPDATE SET text = excluded.text, at = excluded.at",
    )
    .bind(user_id)
    .bind(form.key())
    .bind(text)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM kept_text WHERE user_id = $1 AND at < $3 AND form NOT IN \
         (SELECT form FROM kept_text WHERE user_id = $1 ORDER BY at DESC, form LIMIT $2)",
    )
    .bind(user_id)
    .bind(KEPT_PER_USER)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
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
/// first. A page shows it besides its own content: if it cannot be read,
/// the page goes without it (and the log says why).
pub async fn kept(db: &Db, user_id: i64, prefix: &str, now: i64) -> Vec<(KeptForm, String)> {
    let rows: Result<Vec<(String, String)>, _> = sqlx::query_as(
        "SELECT form, text FROM kept_text WHERE user_id = $1 AND form LIKE $2 AND at >= $3 \
         ORDER BY at DESC, form",
    )
    .bind(user_id)
    .bind(format!("{prefix}%"))
    .bind(now - KEPT_TEXT_LIFETIME_SECS)
    .fetch_all(db.reader())
    .await;
    rows.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reading kept form texts failed");
        Vec::new()
    })
    .into_iter()
    .filter(|(key, _)| key.starts_with(prefix))
    .filter_map(|(key, text)| Some((KeptForm::parse(&key)?, text)))
    .collect()
}

/// What `user_id` has kept for `form`, not older than a day (as [`kept`]).
pub async fn kept_for(db: &Db, user_id: i64, form: KeptForm, now: i64) -> Option<String> {
    kept(db, user_id, &form.key(), now)
        .await
        .into_iter()
        .find(|(f, _)| *f == form)
        .map(|(_, text)| text)
}

/// Deletes what is older than a day (run by the background jobs); returns how many.
pub async fn purge(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM kept_text WHERE at < $1")
        .bind(now - KEPT_TEXT_LIFETIME_SECS)
        .execute(db.writer())
        .await?;
    Ok(done.rows_affected())
}
