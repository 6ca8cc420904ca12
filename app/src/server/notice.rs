//! 通知公告 storage: the public board (published notices, pinned first,
//! newest first) and the writers' changes. Every change is one transaction
//! that checks who writes (an issuing authority only its own notices, an
//! administrator all), the version the writer started from, and appends
//! to the audit trail.

use super::audit::{audit_ok, Actor};
use super::db::{Db, Tx};
use crate::domain::notice::{NoticeAction, NoticeStatus, NoticeText};

/// Who writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// An administrator: every notice; new ones are published as 系统管理员.
    Admin,
    /// A regulator of this issuing authority: its own notices.
    Authority(i64),
}

impl Writer {
    fn may_change(self, owner: Option<i64>) -> bool {
        match self {
            Writer::Admin => true,
            Writer::Authority(org) => owner == Some(org),
        }
    }
}

/// A notice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: i64,
    /// The publishing authority (None = the administrators).
    pub organization_id: Option<i64>,
    /// Its name ("" for the administrators).
    pub publisher: String,
    pub title: String,
    /// Markdown ("" in lists).
    pub body: String,
    pub pinned: bool,
    pub status: NoticeStatus,
    pub version: i64,
    pub published_at: i64,
    pub updated_at: i64,
    /// Who saved last (the writers' conflict message only).
    pub updated_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: i64,
    organization_id: Option<i64>,
    publisher: Option<String>,
    title: String,
    body: String,
    pinned: i64,
    status: String,
    version: i64,
    published_at: i64,
    updated_at: i64,
    updated_by: Option<String>,
}

impl From<NoticeRow> for Notice {
    fn from(r: NoticeRow) -> Notice {
        Notice {
            id: r.id,
            organization_id: r.organization_id,
            publisher: r.publisher.unwrap_or_default(),
            title: r.title,
            body: r.body,
            pinned: r.pinned != 0,
            // The table's CHECK allows only the two.
            status: NoticeStatus::from_code(&r.status).unwrap_or(NoticeStatus::Withdrawn),
            version: r.version,
            published_at: r.published_at,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

fn select(body: &str) -> String {
    format!(
        "SELECT n.id, n.organization_id, o.name AS publisher, n.title, {body} AS body, n.pinned, n.status, \
         n.version, n.published_at, n.updated_at, u.display_name AS updated_by \
         FROM notices n LEFT JOIN organizations o ON o.id = n.organization_id \
         LEFT JOIN users u ON u.id = n.updated_by"
    )
}

/// Which notices a viewer sees: the published ones, and also the withdrawn
/// ones they may change.
fn visible(viewer: Option<Writer>) -> (i64, i64) {
    match viewer {
        Some(Writer::Admin) => (1, -1),
        Some(Writer::Authority(org)) => (0, org),
        None => (0, -1),
    }
}

const VISIBLE: &str = "(n.status = 'published' OR $1 = 1 OR n.organization_id = $2)";

/// One page of the board for `viewer` (pinned first, newest first; no
/// bodies) and how many there are.
pub async fn list(
    db: &Db,
    viewer: Option<Writer>,
    per_page: i64,
    offset: i64,
) -> Result<(Vec<Notice>, i64), sqlx::Error> {
    let (all, org) = visible(viewer);
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM notices n WHERE {VISIBLE}"))
        .bind(all)
        .bind(org)
        .fetch_one(db.reader())
        .await?;
    let rows = sqlx::query_as::<_, NoticeRow>(&format!(
        "{} WHERE {VISIBLE} ORDER BY n.pinned DESC, n.published_at DESC, n.id DESC LIMIT $3 OFFSET $4",
        select("''")
    ))
    .bind(all)
    .bind(org)
    .bind(per_page)
    .bind(offset)
    .fetch_all(db.reader())
    .await?;
    Ok((rows.into_iter().map(Notice::from).collect(), total))
}

/// A notice the viewer may see (a withdrawn one only for its writers).
pub async fn get(db: &Db, id: i64, viewer: Option<Writer>) -> Result<Option<Notice>, sqlx::Error> {
    let (all, org) = visible(viewer);
    Ok(sqlx::query_as::<_, NoticeRow>(&format!(
        "{} WHERE n.id = $3 AND {VISIBLE}",
        select("n.body")
    ))
    .bind(all)
    .bind(org)
    .bind(id)
    .fetch_optional(db.reader())
    .await?
    .map(Notice::from))
}

/// Why a change was refused.
#[derive(Debug)]
pub enum NoticeError {
    NotFound,
    /// Another authority's notice.
    NotYours,
    /// Someone saved since the writer's version: the notice as it is now.
    Stale(Box<Notice>),
    /// Not possible in the notice's state (the message says why).
    Refused(String),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for NoticeError {
    fn from(e: sqlx::Error) -> Self {
        NoticeError::Db(e)
    }
}

/// Publishes a new notice; returns its id.
pub async fn create(
    db: &Db,
    writer: Writer,
    text: &NoticeText,
    actor: &Actor,
    now: i64,
) -> Result<i64, NoticeError> {
    let org = match writer {
        Writer::Admin => None,
        Writer::Authority(o) => Some(o),
    };
    let by = Some(actor.user_id).filter(|&u| u != 0);
    let mut tx = db.write_tx().await?;
    // Created empty at version 0, then written as every later version is.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO notices (organization_id, title, body, pinned, status, version, published_at, updated_at, created_by, updated_by) \
         VALUES ($1, '', '', 0, 'published', 0, $2, $2, $3, $3) RETURNING id",
    )
    .bind(org)
    .bind(now)
    .bind(by)
    .fetch_one(&mut *tx)
    .await?;
    if !write_text(&mut tx, id, 0, text, now, by).await? {
        // Not possible (the row was inserted in this transaction): an
        // internal error rather than an empty notice.
        return Err(NoticeError::Db(sqlx::Error::Protocol(format!(
            "notice {id} was inserted but its text could not be written"
        ))));
    }
    audit_ok(
        &mut tx,
        actor,
        None,
        "notice.create",
        &format!("发布通知公告“{}”(公告 {id})", text.title),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Opens the write transaction of a change to notice `id`: the writer must
/// own it, and nobody may have saved since `base`.
async fn begin(
    db: &Db,
    id: i64,
    base: i64,
    writer: Writer,
) -> Result<(super::db::Tx, Notice), NoticeError> {
    let mut tx = db.write_tx().await?;
    let row = sqlx::query_as::<_, NoticeRow>(&format!("{} WHERE n.id = $1", select("n.body")))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(Notice::from)
        .ok_or(NoticeError::NotFound)?;
    if !writer.may_change(row.organization_id) {
        return Err(NoticeError::NotYours);
    }
    if row.version != base {
        return Err(NoticeError::Stale(Box::new(row)));
    }
    Ok((tx, row))
}

/// Writes a notice's text over version `base`, as version `base + 1`;
/// false when it is no longer at `base` (another changed it meanwhile).
async fn write_text(
    tx: &mut Tx,
    id: i64,
    base: i64,
    text: &NoticeText,
    now: i64,
    by: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notices SET title = $3, body = $4, version = version + 1, updated_at = $5, updated_by = $6 \
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(base)
    .bind(&text.title)
    .bind(&text.body)
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Saves an edit made on version `base`; returns the new version. Two
/// writers at once: the update is guarded by the version, so exactly one
/// wins and the other is told who saved when.
pub async fn save(
    db: &Db,
    id: i64,
    base: i64,
    writer: Writer,
    text: &NoticeText,
    actor: &Actor,
    now: i64,
) -> Result<i64, NoticeError> {
    let (mut tx, before) = begin(db, id, base, writer).await?;
    let by = Some(actor.user_id).filter(|&u| u != 0);
    if !write_text(&mut tx, id, base, text, now, by).await? {
        drop(tx);
        return Err(stale(db, id).await);
    }
    let summary = if before.title == text.title {
        format!("修改通知公告“{}”(公告 {id},第{}版)", text.title, base + 1)
    } else {
        format!(
            "修改通知公告“{}”,原标题“{}”(公告 {id},第{}版)",
            text.title,
            before.title,
            base + 1
        )
    };
    audit_ok(&mut tx, actor, None, "notice.save", &summary, now).await?;
    tx.commit().await?;
    Ok(base + 1)
}

/// Why a save from an old version was refused: the version now stored,
/// to show the writer.
async fn stale(db: &Db, id: i64) -> NoticeError {
    match get(db, id, Some(Writer::Admin)).await {
        Ok(Some(now_stored)) => NoticeError::Stale(Box::new(now_stored)),
        Ok(None) => NoticeError::NotFound,
        Err(e) => e.into(),
    }
}

/// Pins, unpins, withdraws or republishes notice `id` (from version `base`);
/// returns the new version.
pub async fn act(
    db: &Db,
    id: i64,
    base: i64,
    writer: Writer,
    action: NoticeAction,
    actor: &Actor,
    now: i64,
) -> Result<i64, NoticeError> {
    let (mut tx, n) = begin(db, id, base, writer).await?;
    let withdrawn = n.status == NoticeStatus::Withdrawn;
    let (set, refused) = match action {
        NoticeAction::Pin => ("pinned = 1", n.pinned.then_some("这条公告已经置顶。")),
        NoticeAction::Unpin => ("pinned = 0", (!n.pinned).then_some("这条公告没有置顶。")),
        NoticeAction::Withdraw => (
            "status = 'withdrawn'",
            withdrawn.then_some("这条公告已经撤回。"),
        ),
        NoticeAction::Republish => (
            "status = 'published'",
            (!withdrawn).then_some("这条公告正在公开,无需重新发布。"),
        ),
    };
    if let Some(why) = refused {
        return Err(NoticeError::Refused(why.into()));
    }
    let by = Some(actor.user_id).filter(|&u| u != 0);
    let done = sqlx::query(&format!(
        "UPDATE notices SET {set}, version = version + 1, updated_at = $3, updated_by = $4 \
         WHERE id = $1 AND version = $2"
    ))
    .bind(id)
    .bind(base)
    .bind(now)
    .bind(by)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        drop(tx);
        return Err(stale(db, id).await);
    }
    audit_ok(
        &mut tx,
        actor,
        None,
        &format!("notice.{}", action.code()),
        &format!("通知公告“{}”(公告 {id}){}", n.title, action.done()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(base + 1)
}
