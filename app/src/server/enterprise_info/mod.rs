//! 企业信息 storage: the enterprise's draft and the confirmed record in force,
//! every stored version, the licence index regulators search, regulators'
//! change proposals, and the audit trail. Every change is one transaction
//! that checks the version it was based on and writes its audit row.

use serde::Serialize;

use super::audit::{audit, audit_ok, Actor};
use super::db::{Db, Tx};
use super::sms::Gateway;
use crate::domain::enterprise_info::{
    diff, Answer, EnterpriseRecord, FieldChange, LicenceEntry, ProposalOutcome, RecordStatus,
    RecordStep, Scalar,
};
use crate::domain::help::Faq;
use crate::domain::record_field::RecordField;
use crate::domain::{Message, Mobile};

mod directory;
mod proposal;
pub use directory::*;
pub use proposal::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub enterprise_id: i64,
    pub status: RecordStatus,
    pub draft: EnterpriseRecord,
    pub confirmed: Option<EnterpriseRecord>,
    pub version: i64,
    pub return_reason: String,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub change_started_at: Option<i64>,
}

impl Info {
    /// What the draft changes against the confirmed version (nothing before the first confirmation).
    pub fn submitted_changes(&self) -> Vec<FieldChange> {
        self.confirmed
            .as_ref()
            .map(|c| diff(c, &self.draft))
            .unwrap_or_default()
    }

    /// What regulators see: the confirmed record, else the submitted one.
    pub fn in_force(&self) -> Option<&EnterpriseRecord> {
        self.confirmed
            .as_ref()
            .or((self.status == RecordStatus::Submitted).then_some(&self.draft))
    }

    /// A 信息变更 the enterprise has started and not submitted yet (what
    /// blocks 申请修改, may be reminded of, and lapses when left alone).
    pub fn change_open(&self) -> bool {
        self.status == RecordStatus::Draft && self.confirmed.is_some()
    }
}

/// Why an operation was refused; turned into a message by the API layer.
#[derive(Debug)]
pub enum InfoError {
    /// A regulator's proposal is pending: the enterprise may not edit.
    Locked(Box<Proposal>),
    /// The save was based on `base`; these fields changed since (by whom, when).
    Stale {
        changes: Vec<FieldChange>,
        by: String,
        at: i64,
        /// Whether a regulator was refused (told to look again, not to save again).
        regulator: bool,
    },
    /// Not allowed in the record's current status (message says why and what to do).
    WrongStatus(crate::domain::Message),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for InfoError {
    fn from(e: sqlx::Error) -> Self {
        InfoError::Db(e)
    }
}

impl From<serde_json::Error> for InfoError {
    fn from(e: serde_json::Error) -> Self {
        InfoError::Db(sqlx::Error::Decode(Box::new(e)))
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<String, InfoError> {
    Ok(serde_json::to_string(v)?)
}

/// The status `s` leads `info` to, or the message saying what to do instead.
/// The enterprise's own refusals link the FAQ on what cannot be edited when.
fn step(info: &Info, s: RecordStep) -> Result<RecordStatus, InfoError> {
    info.status.after(s).map_err(|why| {
        InfoError::WrongStatus(match s {
            RecordStep::Save
            | RecordStep::Submit
            | RecordStep::Withdraw
            | RecordStep::StartChange => Message::explained(why, Faq::CannotEdit),
            RecordStep::Confirm | RecordStep::Return | RecordStep::Lapse => why.into(),
        })
    })
}

/// `enterprise_info.status` as its type; an unknown code is a decoding error.
fn record_status(code: &str) -> Result<RecordStatus, InfoError> {
    RecordStatus::from_code(code).ok_or_else(|| {
        InfoError::Db(sqlx::Error::Decode(
            format!("unknown enterprise_info.status {code:?}").into(),
        ))
    })
}

fn record(json: &str) -> Result<EnterpriseRecord, InfoError> {
    Ok(serde_json::from_str(json)?)
}

/// The record a new enterprise starts from: what registration already knows.
async fn initial<'e, E>(ex: E, enterprise_id: i64) -> Result<EnterpriseRecord, InfoError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (name, legal_rep, registered_address, region_code) =
        sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT name, legal_rep_name, address, COALESCE(region_code, '') FROM enterprises WHERE id = $1",
        )
        .bind(enterprise_id)
        .fetch_one(ex)
        .await?;
    Ok(EnterpriseRecord {
        name,
        legal_rep,
        registered_address,
        region_code,
        ..EnterpriseRecord::default()
    })
}

const SELECT_INFO: &str =
    "SELECT i.enterprise_id, i.status, i.draft, i.confirmed, i.version, i.return_reason, \
     i.updated_at, u.display_name AS updated_by, i.change_started_at \
     FROM enterprise_info i LEFT JOIN users u ON u.id = i.updated_by WHERE i.enterprise_id = $1";

/// An `enterprise_info` row as stored (records as JSON, the status as its code).
#[derive(sqlx::FromRow)]
struct InfoRow {
    enterprise_id: i64,
    status: String,
    draft: String,
    confirmed: Option<String>,
    version: i64,
    return_reason: String,
    updated_at: i64,
    updated_by: Option<String>,
    change_started_at: Option<i64>,
}

impl TryFrom<InfoRow> for Info {
    type Error = InfoError;
    fn try_from(r: InfoRow) -> Result<Info, InfoError> {
        Ok(Info {
            status: record_status(&r.status)?,
            draft: record(&r.draft)?,
            confirmed: r.confirmed.as_deref().map(record).transpose()?,
            enterprise_id: r.enterprise_id,
            version: r.version,
            return_reason: r.return_reason,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
            change_started_at: r.change_started_at,
        })
    }
}

/// The enterprise's record, created (as a draft from the registration data) on first use.
pub async fn load(db: &Db, enterprise_id: i64, now: i64) -> Result<Info, InfoError> {
    if let Some(info) = stored(db, enterprise_id).await? {
        return Ok(info);
    }
    let mut tx = db.write_tx().await?;
    let draft = initial(&mut *tx, enterprise_id).await?;
    let json = to_json(&draft)?;
    // Two first requests at once (the page and its data, say): one creates
    // the row, the other waits for it and finds it (no check-then-insert,
    // which on PostgreSQL lets both insert and one fail).
    let created = sqlx::query(
        "INSERT INTO enterprise_info (enterprise_id, status, draft, version, updated_at) VALUES ($1, 'draft', $2, 1, $3) \
         ON CONFLICT (enterprise_id) DO NOTHING",
    )
    .bind(enterprise_id)
    .bind(&json)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if created {
        sqlx::query(
            "INSERT INTO enterprise_info_versions (enterprise_id, version, status, draft, at) VALUES ($1, 1, 'draft', $2, $3)",
        )
        .bind(enterprise_id)
        .bind(&json)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let info = sqlx::query_as::<_, InfoRow>(SELECT_INFO)
        .bind(enterprise_id)
        .fetch_one(&mut *tx)
        .await?
        .try_into()?;
    tx.commit().await?;
    Ok(info)
}

/// The record as it stands, for a regulator's look: never written. An
/// enterprise that has not opened its form yet reads as the draft it would
/// start from (version 0, nothing to confirm).
pub async fn peek(db: &Db, enterprise_id: i64) -> Result<Info, InfoError> {
    if let Some(info) = stored(db, enterprise_id).await? {
        return Ok(info);
    }
    Ok(Info {
        enterprise_id,
        status: RecordStatus::Draft,
        draft: initial(db.reader(), enterprise_id).await?,
        confirmed: None,
        version: 0,
        return_reason: String::new(),
        updated_at: 0,
        updated_by: None,
        change_started_at: None,
    })
}

/// The stored record, read on the reader pool or inside a transaction.
async fn fetch_info<'e, E>(ex: E, enterprise_id: i64) -> Result<Option<Info>, InfoError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, InfoRow>(SELECT_INFO)
        .bind(enterprise_id)
        .fetch_optional(ex)
        .await?
        .map(Info::try_from)
        .transpose()
}

async fn stored(db: &Db, enterprise_id: i64) -> Result<Option<Info>, InfoError> {
    fetch_info(db.reader(), enterprise_id).await
}

async fn load_tx(tx: &mut Tx, enterprise_id: i64) -> Result<Option<Info>, InfoError> {
    fetch_info(&mut **tx, enterprise_id).await
}

/// The state a change leaves a record in; `confirmed` is replaced when `Some`.
struct Next<'a> {
    status: RecordStatus,
    draft: &'a EnterpriseRecord,
    confirmed: Option<&'a EnterpriseRecord>,
    return_reason: &'a str,
    change_started_at: Option<i64>,
}

/// Stores the next version and its audit row, and commits: one transaction.
#[allow(clippy::too_many_arguments)] // the audit row's parts, named at each call
async fn commit(
    mut tx: Tx,
    info: &Info,
    next: Next<'_>,
    action: &str,
    summary: &str,
    changes: &[FieldChange],
    actor: &Actor,
    now: i64,
) -> Result<i64, InfoError> {
    let v = write(&mut tx, info, &next, actor, now).await?;
    audit(
        &mut tx,
        actor,
        Some(info.enterprise_id),
        action,
        summary,
        changes,
        "ok",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

/// Stores a new version of the row.
async fn write(
    tx: &mut Tx,
    info: &Info,
    n: &Next<'_>,
    actor: &Actor,
    now: i64,
) -> Result<i64, InfoError> {
    let Next {
        status,
        draft,
        confirmed,
        return_reason,
        change_started_at,
    } = *n;
    let next = info.version + 1;
    // The system (a lapsed change) is no user.
    let by_user = (actor.user_id != 0).then_some(actor.user_id);
    let draft_json = to_json(draft)?;
    let confirmed_json = match confirmed {
        Some(c) => Some(to_json(c)?),
        None => info.confirmed.as_ref().map(to_json).transpose()?,
    };
    let shown = confirmed
        .or(info.confirmed.as_ref())
        .or((status == RecordStatus::Submitted).then_some(draft));
    let updated = sqlx::query(
        "UPDATE enterprise_info SET status = $1, draft = $2, confirmed = $3, version = $4, return_reason = $5, \
         business_mode = $6, updated_at = $7, updated_by = $8, change_started_at = $9, \
         submitted_at = CASE WHEN $10 = 'submitted' THEN $11 ELSE submitted_at END, next_expiry = $14, \
         hazard_grade = $15 \
         WHERE enterprise_id = $12 AND version = $13",
    )
    .bind(status.code())
    .bind(&draft_json)
    .bind(&confirmed_json)
    .bind(next)
    .bind(return_reason)
    .bind(shown.map(|r| r.business_mode.clone()).unwrap_or_default())
    .bind(now)
    .bind(by_user)
    .bind(change_started_at)
    .bind(status.code())
    .bind(now)
    .bind(info.enterprise_id)
    .bind(info.version)
    .bind(shown.and_then(|r| {
        r.licences
            .iter()
            .filter_map(|l| crate::domain::Date::parse(&l.valid_until))
            .min()
            .map(|d| d.to_string())
    }))
    .bind(shown.and_then(|r| {
        r.hazard_identification()
            .0
            .map(|c| crate::domain::major_hazard::stored_code(c.major, c.grade))
    }))
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(InfoError::WrongStatus(
            "记录刚刚被修改,请刷新页面后再操作。".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO enterprise_info_versions (enterprise_id, version, status, draft, at, by_user) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(info.enterprise_id)
    .bind(next)
    .bind(status.code())
    .bind(&draft_json)
    .bind(now)
    .bind(by_user)
    .execute(&mut **tx)
    .await?;
    if let Some(shown) = shown {
        index_licences(tx, info.enterprise_id, shown).await?;
    }
    if let Some(c) = confirmed {
        hand_over(tx, info.enterprise_id, &c.region_code, actor, now).await?;
    }
    Ok(next)
}

/// The region of the record in force decides who supervises an
/// enterprise: when a confirmed record moves it, the enterprise passes to
/// the new region's bureau, recorded in its trail for both to read.
async fn hand_over(
    tx: &mut Tx,
    enterprise_id: i64,
    region: &str,
    actor: &Actor,
    now: i64,
) -> Result<(), InfoError> {
    use super::regions;
    if regions::problem(region).is_some() {
        return Ok(());
    }
    let old: String =
        sqlx::query_scalar("SELECT COALESCE(region_code, '') FROM enterprises WHERE id = $1")
            .bind(enterprise_id)
            .fetch_one(&mut **tx)
            .await?;
    if old == region {
        return Ok(());
    }
    sqlx::query("UPDATE enterprises SET region_code = $2 WHERE id = $1")
        .bind(enterprise_id)
        .bind(region)
        .execute(&mut **tx)
        .await?;
    let summary = format!(
        "所属地区变更,监管移交:{} → {}",
        regions::described(&old),
        regions::described(region)
    );
    let change = FieldChange {
        field: "region_code".into(),
        label: "监管地区".into(),
        before: old.clone(),
        after: region.to_string(),
    };
    audit(
        tx,
        actor,
        Some(enterprise_id),
        "info.handover",
        &summary,
        &[change],
        "ok",
        now,
    )
    .await?;
    Ok(())
}

/// Rebuilds the searchable licence rows of an enterprise.
async fn index_licences(
    tx: &mut Tx,
    enterprise_id: i64,
    rec: &EnterpriseRecord,
) -> Result<(), InfoError> {
    sqlx::query("DELETE FROM licences WHERE enterprise_id = $1")
        .bind(enterprise_id)
        .execute(&mut **tx)
        .await?;
    for l in &rec.licences {
        let number = crate::domain::LicenceNumber::parse(&l.number)
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|_| l.number.clone());
        sqlx::query("INSERT INTO licences (enterprise_id, number, valid_until, mode) VALUES ($1, $2, $3, $4)")
            .bind(enterprise_id)
            .bind(number)
            .bind(&l.valid_until)
            .bind(&l.mode)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Who acts on a record, for what a refusal may show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Enterprise,
    /// A regulator never sees the enterprise's unsubmitted draft, also not
    /// in the field list of a stale-version refusal.
    Regulator,
}

/// Locks the row for this transaction and checks the version it is based on.
async fn begin(
    db: &Db,
    enterprise_id: i64,
    base: i64,
    side: Side,
) -> Result<(Tx, Info), InfoError> {
    let mut tx = db.write_tx().await?;
    if db.backend() == super::db::Backend::Postgres {
        sqlx::query("SELECT 1 FROM enterprise_info WHERE enterprise_id = $1 FOR UPDATE")
            .bind(enterprise_id)
            .execute(&mut *tx)
            .await?;
    }
    let info = load_tx(&mut tx, enterprise_id)
        .await?
        .ok_or_else(|| InfoError::WrongStatus("请先打开“完善信息”页面。".into()))?;
    if info.version != base {
        let old: Option<String> = sqlx::query_scalar(
            "SELECT draft FROM enterprise_info_versions WHERE enterprise_id = $1 AND version = $2",
        )
        .bind(enterprise_id)
        .bind(base)
        .fetch_optional(&mut *tx)
        .await?;
        let old = old.as_deref().map(record).transpose()?.unwrap_or_default();
        return Err(InfoError::Stale {
            changes: match side {
                Side::Enterprise => diff(&old, &info.draft),
                Side::Regulator => Vec::new(),
            },
            by: info.updated_by.clone().unwrap_or_default(),
            at: info.updated_at,
            regulator: side == Side::Regulator,
        });
    }
    Ok((tx, info))
}

/// What the enterprise does to its own record: one row of its part of the
/// life-cycle table ([`RecordStep::after`] says from which status).
#[derive(Debug, Clone, Copy)]
pub enum EnterpriseStep<'a> {
    /// Saves the draft (any step; the checks are shown, not enforced).
    Save(&'a EnterpriseRecord),
    /// Submits the draft (the caller checked completeness).
    Submit,
    /// 撤回: a submitted record goes back to draft.
    Withdraw,
    /// 信息变更: a confirmed record gets an editable draft; the confirmed one
    /// stays in force.
    StartChange,
}

impl EnterpriseStep<'_> {
    pub fn step(self) -> RecordStep {
        match self {
            EnterpriseStep::Save(_) => RecordStep::Save,
            EnterpriseStep::Submit => RecordStep::Submit,
            EnterpriseStep::Withdraw => RecordStep::Withdraw,
            EnterpriseStep::StartChange => RecordStep::StartChange,
        }
    }

    /// The audit trail's summary.
    fn summary(self) -> &'static str {
        match self {
            EnterpriseStep::Save(_) => "保存企业信息草稿",
            EnterpriseStep::Submit => "提交企业信息",
            EnterpriseStep::Withdraw => "撤回已提交的企业信息",
            EnterpriseStep::StartChange => "开始信息变更(原信息继续有效)",
        }
    }

    /// Whether a regulator's open 修改申请 holds it back (withdrawing a
    /// submission never is: it only takes the record back to the enterprise).
    fn waits_for_proposal(self) -> bool {
        !matches!(self, EnterpriseStep::Withdraw)
    }
}

/// The enterprise takes `what` step on its record, based on version `base`;
/// returns the new version.
pub async fn enterprise_step(
    db: &Db,
    enterprise_id: i64,
    base: i64,
    what: EnterpriseStep<'_>,
    actor: &Actor,
    now: i64,
) -> Result<i64, InfoError> {
    let (mut tx, info) = begin(db, enterprise_id, base, Side::Enterprise).await?;
    if what.waits_for_proposal() {
        ensure_unlocked(&mut tx, enterprise_id).await?;
    }
    let status = step(&info, what.step())?;
    let in_force;
    let (draft, changes, return_reason, change_started_at) = match what {
        EnterpriseStep::Save(draft) => (
            draft,
            diff(&info.draft, draft),
            info.return_reason.as_str(),
            info.change_started_at,
        ),
        EnterpriseStep::Submit => (
            &info.draft,
            info.submitted_changes(),
            "",
            info.change_started_at,
        ),
        EnterpriseStep::Withdraw => (&info.draft, Vec::new(), "", info.change_started_at),
        EnterpriseStep::StartChange => {
            in_force = info.confirmed.clone().ok_or_else(|| {
                InfoError::Db(sqlx::Error::Decode(
                    "a confirmed record without its confirmed version".into(),
                ))
            })?;
            (&in_force, Vec::new(), "", Some(now))
        }
    };
    let next = Next {
        status,
        draft,
        confirmed: None,
        return_reason,
        change_started_at,
    };
    commit(
        tx,
        &info,
        next,
        what.step().action(),
        what.summary(),
        &changes,
        actor,
        now,
    )
    .await
}

/// A regulator confirms (or, with a reason, sends back) a submitted record.
pub async fn decide(
    db: &Db,
    enterprise_id: i64,
    base: i64,
    approve: bool,
    reason: &str,
    actor: &Actor,
    now: i64,
) -> Result<i64, InfoError> {
    let (tx, info) = begin(db, enterprise_id, base, Side::Regulator).await?;
    let decision = if approve {
        RecordStep::Confirm
    } else {
        RecordStep::Return
    };
    let Ok(status) = info.status.after(decision) else {
        // Who got there first, and when (a second reviewer, or the
        // enterprise withdrawing).
        return Err(InfoError::WrongStatus(
            format!(
                "该企业的信息已不在待确认状态:{}于 {} 已{}。请刷新。",
                info.updated_by.as_deref().unwrap_or("其他用户"),
                super::cst_datetime(info.updated_at),
                match info.status {
                    RecordStatus::Confirmed => "确认",
                    _ => "退回或撤回",
                }
            )
            .into(),
        ));
    };
    let changes = info.submitted_changes();
    if approve {
        let next = Next {
            status,
            draft: &info.draft,
            confirmed: Some(&info.draft),
            return_reason: "",
            change_started_at: None,
        };
        let summary = "确认企业提交的信息";
        commit(
            tx,
            &info,
            next,
            decision.action(),
            summary,
            &changes,
            actor,
            now,
        )
        .await
    } else {
        let next = Next {
            status,
            draft: &info.draft,
            confirmed: None,
            return_reason: reason,
            change_started_at: info.change_started_at,
        };
        let summary = format!("退回企业提交的信息:{reason}");
        commit(
            tx,
            &info,
            next,
            decision.action(),
            &summary,
            &[],
            actor,
            now,
        )
        .await
    }
}

/// A change (信息变更) whose draft nobody saved for this long lapses: the
/// confirmed record stays in force, the draft stays in the version history,
/// and the regulator may propose changes again.
pub const CHANGE_LAPSE_DAYS: i64 = 30;
pub const CHANGE_LAPSE_SECS: i64 = CHANGE_LAPSE_DAYS * 86_400;

/// The id and region code ("" when none) of the enterprise with the
/// (normalised) credit code.
pub async fn id_and_region(
    db: &Db,
    credit_code: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, COALESCE(region_code, '') FROM enterprises WHERE credit_code = $1")
        .bind(credit_code)
        .fetch_optional(db.reader())
        .await
}

/// The enterprise's phone on file (its account's handler), if any.
pub async fn enterprise_mobile(db: &Db, enterprise_id: i64) -> Result<Option<Mobile>, InfoError> {
    let m: Option<Option<String>> = sqlx::query_scalar(
        "SELECT u.mobile FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
         WHERE u.enterprise_id = $1 AND u.kind = 'enterprise' AND u.status = 'active' \
         ORDER BY CASE WHEN u.login = e.credit_code THEN 0 WHEN COALESCE(u.role, 'manager') = 'manager' THEN 1 ELSE 2 END, u.id LIMIT 1",
    )
    .bind(enterprise_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(m.flatten().and_then(|m| Mobile::parse(&m).ok()))
}

/// Ends every change nobody saved for [`CHANGE_LAPSE_SECS`] and tells the
/// enterprise by SMS; returns how many lapsed. Each is one transaction that
/// re-checks the draft under its lock (a save a moment ago keeps it).
pub async fn lapse_stale_changes(db: &Db, sms: &Gateway, now: i64) -> Result<usize, InfoError> {
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT enterprise_id, version FROM enterprise_info \
         WHERE status = 'draft' AND confirmed IS NOT NULL AND updated_at < $1",
    )
    .bind(now - CHANGE_LAPSE_SECS)
    .fetch_all(db.reader())
    .await?;
    let actor = Actor::system("系统");
    let mut lapsed = 0;
    for (id, version) in due {
        let (tx, info) = match begin(db, id, version, Side::Regulator).await {
            Ok(t) => t,
            // Saved or decided meanwhile: not due any more.
            Err(InfoError::Stale { .. }) => continue,
            Err(e) => return Err(e),
        };
        let Some(confirmed) = info.confirmed.clone() else {
            continue;
        };
        let started = info
            .change_started_at
            .map(super::cst_datetime)
            .unwrap_or_default();
        let Ok(status) = info.status.after(RecordStep::Lapse) else {
            continue;
        };
        let next = Next {
            status,
            draft: &confirmed,
            confirmed: None,
            return_reason: "",
            change_started_at: None,
        };
        commit(
            tx,
            &info,
            next,
            RecordStep::Lapse.action(),
            &format!("信息变更超过{CHANGE_LAPSE_DAYS}天未保存,已自动作废;原已确认的信息继续有效"),
            &[],
            &actor,
            now,
        )
        .await?;
        lapsed += 1;
        if let Some(m) = enterprise_mobile(db, id).await? {
            let text = format!(
                "【危化品经营安全监管系统】贵单位{started}开始的企业信息变更超过{CHANGE_LAPSE_DAYS}天未保存,已自动作废,原已确认的信息继续有效。如仍需变更,请登录后在“完善信息”中重新点击“信息变更”。"
            );
            let _ = sms.send(db, &m, "info_change_lapsed", &text, now).await;
        }
        // Texted above.
        super::messages::tell(
            db,
            None,
            super::messages::To::Enterprise(id),
            super::messages::NewMessage {
                kind: crate::domain::message::MessageKind::InfoReminder,
                title: "信息变更已自动作废",
                body: &format!("贵单位{started}开始的企业信息变更超过{CHANGE_LAPSE_DAYS}天未保存,已自动作废,原已确认的信息继续有效。如仍需变更,请在“完善信息”中重新点击“信息变更”。"),
                link: "/info",
            },
            now,
        )
        .await;
    }
    Ok(lapsed)
}

/// A regulator reminds the enterprise by SMS to finish its open change; at
/// most once a day per enterprise. Returns the masked phone it went to.
pub async fn remind(
    db: &Db,
    sms: &Gateway,
    enterprise_id: i64,
    organization_id: i64,
    actor: &Actor,
    now: i64,
) -> Result<String, InfoError> {
    let organization: String = sqlx::query_scalar("SELECT name FROM organizations WHERE id = $1")
        .bind(organization_id)
        .fetch_one(db.reader())
        .await?;
    let info = peek(db, enterprise_id).await?;
    if !info.change_open() {
        return Err(InfoError::WrongStatus(
            "企业目前没有未提交的信息变更,无需提醒。".into(),
        ));
    }
    let mobile = enterprise_mobile(db, enterprise_id).await?.ok_or_else(|| {
        InfoError::WrongStatus(Message::explained(
            "该企业账号没有可用的经办人手机号,无法发送短信提醒。",
            Faq::PhoneNoSms,
        ))
    })?;
    let key = format!("info:remind:{enterprise_id}");
    if let Err(d) = super::limits::hit(db, &key, super::limits::Limit::per(1, 86_400), now).await? {
        let until = match d {
            super::limits::Denied::Exhausted { until } => until,
            super::limits::Denied::TooSoon(s) => now + s,
        };
        return Err(InfoError::WrongStatus(
            format!(
                "今天已提醒过该企业,{}后可再次提醒。",
                super::cst_datetime(until)
            )
            .into(),
        ));
    }
    let lapses = info.updated_at + CHANGE_LAPSE_SECS;
    let text = format!(
        "【危化品经营安全监管系统】{organization}提醒:贵单位的企业信息变更尚未提交,请登录系统完成并提交。变更如至{}仍未保存,将自动作废。",
        super::cst_datetime(lapses)
    );
    if sms
        .send(db, &mobile, "info_remind", &text, now)
        .await
        .is_err()
    {
        // Not sent: the day's reminder is still available.
        super::limits::reset(db, &key).await?;
        return Err(InfoError::WrongStatus(
            "短信平台暂时无法发送,提醒没有发出,请稍后重试。".into(),
        ));
    }
    let mut tx = db.write_tx().await?;
    audit_ok(
        &mut tx,
        actor,
        Some(enterprise_id),
        "info.remind",
        &format!("短信提醒企业提交信息变更(发送至 {})", mobile.masked()),
        now,
    )
    .await?;
    tx.commit().await?;
    // Texted above.
    super::messages::tell(
        db,
        None,
        super::messages::To::Enterprise(enterprise_id),
        super::messages::NewMessage {
            kind: crate::domain::message::MessageKind::InfoReminder,
            title: &format!("{organization}提醒您提交信息变更"),
            body: &format!(
                "贵单位的企业信息变更尚未提交,请在“完善信息”中完成并提交。变更如至{}仍未保存,将自动作废。",
                super::cst_datetime(lapses)
            ),
            link: "/info",
        },
        now,
    )
    .await;
    Ok(mobile.masked())
}

/// Writes the outcome of a licence case into the record (inside the case's
/// transaction): the licence numbered `replaces` leaves the record, and
/// `entry`, when given, joins it. Both the draft and the version in force
/// change, so neither an edit under way nor the directory loses it.
pub(crate) async fn apply_licence(
    tx: &mut Tx,
    backend: super::db::Backend,
    enterprise_id: i64,
    replaces: &str,
    entry: Option<LicenceEntry>,
    actor: &Actor,
    now: i64,
) -> Result<(), InfoError> {
    if backend == super::db::Backend::Postgres {
        sqlx::query("SELECT 1 FROM enterprise_info WHERE enterprise_id = $1 FOR UPDATE")
            .bind(enterprise_id)
            .execute(&mut **tx)
            .await?;
    }
    let info = match load_tx(tx, enterprise_id).await? {
        Some(info) => info,
        None => {
            let draft = initial(&mut **tx, enterprise_id).await?;
            sqlx::query(
                "INSERT INTO enterprise_info (enterprise_id, status, draft, version, updated_at) VALUES ($1, 'draft', $2, 0, $3)",
            )
            .bind(enterprise_id)
            .bind(to_json(&draft)?)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            load_tx(tx, enterprise_id)
                .await?
                .ok_or_else(|| InfoError::WrongStatus("企业信息不存在。".into()))?
        }
    };
    let update = |rec: &EnterpriseRecord| {
        let mut rec = rec.clone();
        let same = |n: &str| {
            crate::domain::LicenceNumber::parse(n)
                .map(|x| x.as_str().to_string())
                .unwrap_or_else(|_| n.to_string())
                == replaces
        };
        if !replaces.is_empty() {
            rec.licences.retain(|l| !same(&l.number));
        }
        if let Some(e) = &entry {
            rec.licences.push(e.clone());
        }
        rec.multi_licence = match rec.licences.len() {
            0 => rec.multi_licence.clone(),
            1 => Answer::No.code().into(),
            _ => Answer::Yes.code().into(),
        };
        rec
    };
    let draft = update(&info.draft);
    let confirmed = info.confirmed.as_ref().map(update);
    let before = info
        .in_force()
        .cloned()
        .unwrap_or_else(|| info.draft.clone());
    let after = confirmed.clone().unwrap_or_else(|| draft.clone());
    let next = Next {
        status: info.status,
        draft: &draft,
        confirmed: confirmed.as_ref(),
        return_reason: &info.return_reason,
        change_started_at: info.change_started_at,
    };
    write(tx, &info, &next, actor, now).await?;
    audit(
        tx,
        actor,
        Some(enterprise_id),
        "info.licence",
        "许可证业务办结:许可证信息写入企业信息",
        &diff(&before, &after),
        "ok",
        now,
    )
    .await?;
    Ok(())
}
