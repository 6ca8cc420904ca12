//! 站内消息 storage: deliver to one user, to an enterprise's active users or
//! to an organisation's regulators; list, count unread, mark read.
//!
//! Events tell people right after their own transaction commits
//! (`tell_*`), in the message centre and by SMS to those with a phone on
//! file: a message that cannot be written or sent is logged and never fails
//! the business action. Reads and marks always name the recipient in the
//! SQL, so nobody reads or marks another user's message.

use sqlx::{Any, Executor};

use super::db::Db;
use super::sms::Gateway;
use crate::domain::message::{is_local_link, MessageKind};
use crate::domain::Mobile;

/// A message to deliver.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    pub kind: MessageKind,
    pub title: &'a str,
    pub body: &'a str,
    /// A path of this site, or "".
    pub link: &'a str,
}

impl NewMessage<'_> {
    fn link(&self) -> &str {
        if is_local_link(self.link) {
            self.link
        } else {
            ""
        }
    }
}

/// A stored message as its recipient reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub kind: Option<MessageKind>,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

const COLUMNS: &str = "id, kind, title, body, link, created_at, read_at";

/// A row of [`COLUMNS`] as stored.
#[derive(sqlx::FromRow)]
struct Line {
    id: i64,
    kind: String,
    title: String,
    body: String,
    link: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl From<Line> for Message {
    /// A kind this build does not know is shown without its label.
    fn from(l: Line) -> Message {
        Message {
            id: l.id,
            kind: MessageKind::from_code(&l.kind),
            title: l.title,
            body: l.body,
            link: l.link,
            created_at: l.created_at,
            read_at: l.read_at,
        }
    }
}

/// Who receives a message: one user (whatever their status: a rejected
/// registrant keeps the reason), an enterprise's active users whatever their
/// role, an organisation's active regulators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    User(i64),
    Enterprise(i64),
    Organization(i64),
}

impl To {
    /// The recipients as `FROM users WHERE …` on `$1`, and `$1`.
    fn selection(self) -> (&'static str, i64) {
        match self {
            To::User(id) => ("FROM users WHERE id = $1", id),
            To::Enterprise(id) => (
                "FROM users WHERE enterprise_id = $1 AND kind = 'enterprise' AND status = 'active'",
                id,
            ),
            To::Organization(id) => (
                "FROM users WHERE organization_id = $1 AND kind = 'regulator' AND status = 'active'",
                id,
            ),
        }
    }
}

/// Inserts `m` for every recipient; returns how many received it.
pub async fn deliver<'c, E>(
    exec: E,
    to: To,
    m: &NewMessage<'_>,
    now: i64,
) -> Result<u64, sqlx::Error>
where
    E: Executor<'c, Database = Any>,
{
    let (selection, key) = to.selection();
    let sql = format!(
        "INSERT INTO messages (user_id, kind, title, body, link, created_at) \
         SELECT id, $2, $3, $4, $5, $6 {selection}"
    );
    Ok(sqlx::query(&sql)
        .bind(key)
        .bind(m.kind.code())
        .bind(m.title)
        .bind(m.body)
        .bind(m.link())
        .bind(now)
        .execute(exec)
        .await?
        .rows_affected())
}

fn logged(what: &str, r: Result<u64, sqlx::Error>) {
    if let Err(e) = r {
        tracing::error!(error = %e, what, "a message could not be stored");
    }
}

/// Tells the recipients, after the event committed: stores `m` for them
/// and, given a gateway, sends its title by SMS to each of them with a
/// phone on file (callers that already texted the person about the event
/// pass none). The texts go out in the background: a slow gateway never
/// delays the action that caused them, and a failure is only logged (the
/// message centre has it anyway).
pub async fn tell(db: &Db, sms: Option<&Gateway>, to: To, m: NewMessage<'_>, now: i64) {
    logged(m.kind.code(), deliver(db.writer(), to, &m, now).await);
    let (selection, key) = to.selection();
    let Some(sms) = sms else {
        return;
    };
    let mobiles: Vec<Option<String>> =
        match sqlx::query_scalar(&format!("SELECT mobile {selection}"))
            .bind(key)
            .fetch_all(db.reader())
            .await
        {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "the recipients' phones could not be read");
                return;
            }
        };
    let mut mobiles: Vec<Mobile> = mobiles
        .into_iter()
        .flatten()
        .filter_map(|m| Mobile::parse(&m).ok())
        .collect();
    mobiles.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    mobiles.dedup_by(|a, b| a.as_str() == b.as_str());
    if mobiles.is_empty() {
        return;
    }
    let text = sms_text(&m);
    let purpose = m.kind.code();
    let (db, sms) = (db.clone(), sms.clone());
    tokio::spawn(async move {
        for mobile in mobiles {
            if let Err(e) = sms.send(&db, &mobile, purpose, &text, now).await {
                tracing::warn!(error = %e, purpose, "a message's SMS was not sent");
            }
        }
    });
}

/// The SMS of a message: its title and where to read the rest.
fn sms_text(m: &NewMessage<'_>) -> String {
    format!(
        "【危化品经营安全监管系统】{}。详情请登录系统,在“站内消息”中查看。",
        m.title.trim_end_matches('。')
    )
}

/// The organisation nearest to a region that has active regulators: the
/// county's bureau, else the city's, else the province's. The one whose
/// jurisdiction covers the enterprise most closely is the one that handles it
/// day to day (every bureau above may confirm too, and sees it in its lists).
pub async fn nearest_organization(db: &Db, region: &str) -> Result<Option<i64>, sqlx::Error> {
    if region.len() != 6 {
        return Ok(None);
    }
    let city = format!("{}00", &region[..4]);
    let province = format!("{}0000", &region[..2]);
    sqlx::query_scalar(
        "SELECT o.id FROM organizations o \
         WHERE o.region_code IN ($1, $2, $3) \
         AND EXISTS (SELECT 1 FROM users u WHERE u.organization_id = o.id AND u.kind = 'regulator' AND u.status = 'active') \
         ORDER BY CASE o.region_code WHEN $1 THEN 0 WHEN $2 THEN 1 ELSE 2 END, o.id LIMIT 1",
    )
    .bind(region)
    .bind(city)
    .bind(province)
    .fetch_optional(db.reader())
    .await
}

/// Tells the regulators nearest to an enterprise (see [`nearest_organization`]),
/// after the event committed; a failure is only logged.
pub async fn tell_regulators_of(
    db: &Db,
    sms: Option<&Gateway>,
    enterprise_id: i64,
    m: NewMessage<'_>,
    now: i64,
) {
    let org = async {
        let region: Option<String> =
            sqlx::query_scalar("SELECT region_code FROM enterprises WHERE id = $1")
                .bind(enterprise_id)
                .fetch_optional(db.reader())
                .await?
                .flatten();
        match region {
            Some(r) => nearest_organization(db, &r).await,
            None => Ok(None),
        }
    }
    .await;
    match org {
        Ok(Some(org)) => tell(db, sms, To::Organization(org), m, now).await,
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "the regulators of an enterprise could not be found"),
    }
}

/// One page of a user's messages, newest first, and how many there are.
pub async fn list(
    db: &Db,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Message>, i64), sqlx::Error> {
    let rows: Vec<Line> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM messages WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(user_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.reader())
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db.reader())
        .await?;
    Ok((rows.into_iter().map(Message::from).collect(), total))
}

/// How many of a user's messages are unread.
pub async fn unread(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(db.reader())
        .await
}

/// Opens one of the user's own messages, marking it read; `None` for a
/// message that does not exist or is someone else's.
pub async fn open(
    db: &Db,
    user_id: i64,
    id: i64,
    now: i64,
) -> Result<Option<Message>, sqlx::Error> {
    mark_read(db, user_id, id, now).await?;
    let row: Option<Line> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM messages WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(Message::from))
}

/// Marks one of the user's own messages read; whether it was unread.
pub async fn mark_read(db: &Db, user_id: i64, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE messages SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .execute(db.writer())
    .await?
    .rows_affected()
        == 1)
}

/// Marks all of the user's messages read; how many were unread.
pub async fn mark_all_read(db: &Db, user_id: i64, now: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE messages SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(db.writer())
            .await?
            .rows_affected(),
    )
}

/// Tells the regulators nearest to an enterprise that its submitted record
/// waits for their confirmation (after the submission committed). In the
/// message centre only: an enterprise may withdraw and submit again at will,
/// and an SMS each time would let it flood its regulators' phones.
pub async fn tell_submitted(db: &Db, enterprise_id: i64, now: i64) {
    let found: Result<Option<(String, String)>, sqlx::Error> =
        sqlx::query_as("SELECT credit_code, name FROM enterprises WHERE id = $1")
            .bind(enterprise_id)
            .fetch_optional(db.reader())
            .await;
    match found {
        Ok(Some((code, name))) => {
            tell_regulators_of(
                db,
                None,
                enterprise_id,
                NewMessage {
                    kind: MessageKind::InfoSubmitted,
                    title: &format!("{name}提交了企业信息,待确认"),
                    body: &format!(
                        "{name}(统一社会信用代码 {code})提交了企业信息,请在“信息维护”中核对后确认或退回。"
                    ),
                    link: &format!("/maintenance/{code}"),
                },
                now,
            )
            .await
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "a submission's enterprise could not be read"),
    }
}
