//! Atomic limits, on SQLite and PostgreSQL alike.
//!
//! A limit is one row of `limit_counters`, changed by one conditional upsert:
//! the row either takes the hit (and says how many hits its window holds) or
//! is left as it was, so N parallel requests never get more than `max`
//! between them. Windows are fixed: the first hit after a window has passed
//! starts a new one. `min_gap` is the shortest time between two hits (the
//! 60 seconds between two SMS codes).
//!
//! Keys name what is attacked first (`login:enterprise:<code>`,
//! `sms:mobile:<number>`, `compare:id:<number>`); client addresses only set
//! generous outer bounds (`ip:login:<address>`).

use super::db::Db;

/// How many hits a key takes per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window: i64,
    pub min_gap: i64,
}

impl Limit {
    pub const fn per(max: i64, window: i64) -> Limit {
        Limit {
            max,
            window,
            min_gap: 0,
        }
    }
}

/// Why a hit was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The last hit was too recent: wait this many seconds.
    TooSoon(i64),
    /// The window is full until this Unix time.
    Exhausted { until: i64 },
}

/// Counts one hit on `key`; the number of hits in the window so far, or why not.
pub async fn hit(
    db: &Db,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Result<i64, Denied>, sqlx::Error> {
    let hits: Option<i64> = sqlx::query_scalar(
        "INSERT INTO limit_counters (key, window_start, hits, last_at) VALUES ($1, $2, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           hits = CASE WHEN limit_counters.window_start <= $3 THEN 1 ELSE limit_counters.hits + 1 END, \
           window_start = CASE WHEN limit_counters.window_start <= $3 THEN $2 ELSE limit_counters.window_start END, \
           last_at = $2 \
         WHERE (limit_counters.window_start <= $3 OR limit_counters.hits < $4) AND limit_counters.last_at <= $5 \
         RETURNING hits",
    )
    .bind(key)
    .bind(now)
    .bind(now - limit.window)
    .bind(limit.max)
    .bind(now - limit.min_gap)
    .fetch_optional(db.writer())
    .await?;
    match hits {
        Some(n) => Ok(Ok(n)),
        None => Ok(Err(denied(db, key, limit, now).await?.unwrap_or(
            Denied::Exhausted {
                until: now + limit.window,
            },
        ))),
    }
}

/// Whether `key` would refuse a hit now (nothing is counted).
pub async fn denied(
    db: &Db,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Option<Denied>, sqlx::Error> {
    let row: Option<(i64, i64, i64)> =
        sqlx::query_as("SELECT window_start, hits, last_at FROM limit_counters WHERE key = $1")
            .bind(key)
            .fetch_optional(db.writer())
            .await?;
    let Some((start, hits, last)) = row else {
        return Ok(None);
    };
    Ok(if now - last < limit.min_gap {
        Some(Denied::TooSoon(limit.min_gap - (now - last)))
    } else if start > now - limit.window && hits >= limit.max {
        Some(Denied::Exhausted {
            until: start + limit.window,
        })
    } else {
        None
    })
}

/// The hits `key` holds in its current window.
pub async fn hits(db: &Db, key: &str, limit: Limit, now: i64) -> Result<i64, sqlx::Error> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT hits FROM limit_counters WHERE key = $1 AND window_start > $2")
            .bind(key)
            .bind(now - limit.window)
            .fetch_optional(db.writer())
            .await?;
    Ok(n.unwrap_or(0))
}

/// When `key` last took a hit.
pub async fn last_hit(db: &Db, key: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT last_at FROM limit_counters WHERE key = $1")
        .bind(key)
        .fetch_optional(db.writer())
        .await
}

/// Gives one hit back (a message that could not be delivered, a check that
/// could not run), and allows the next one at once.
pub async fn give_back(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE limit_counters SET hits = hits - 1, last_at = 0 WHERE key = $1 AND hits > 0",
    )
    .bind(key)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Forgets `key` (a successful login, an administrator's unlock).
pub async fn reset(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM limit_counters WHERE key = $1")
        .bind(key)
        .execute(db.writer())
        .await?;
    Ok(())
}
