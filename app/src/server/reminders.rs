//! Licence expiry reminders, run hourly by the background job (and directly
//! by tests and `seed-demo`).
//!
//! - The holder of every licence (see [`HELD`]) is reminded 120, 90,
//!   60, 30 and 7 days before it expires: a message to the enterprise's
//!   users and an SMS to its 经办人 (the phone regulators' notices go to).
//!   Which stage is due is `domain::message::reminder_plan`: after downtime
//!   only the most recent due stage goes out, the ones it passed are
//!   recorded as skipped.
//! - Every regulator organisation gets a weekly digest of the licences in
//!   its jurisdiction (region-code prefix, as for everything it sees) that
//!   expire within 120 days or have expired, linking to its directory
//!   filtered that way. A week with nothing to report sends nothing.
//!
//! Exactly once, even with several server instances on one database: each
//! (licence, expiry, stage) and each (organisation, week) is claimed by
//! inserting its row (`ON CONFLICT DO NOTHING`, rows affected checked) in
//! the transaction that also stores the messages; only the instance whose
//! insert counted commits messages and then sends the SMS. A renewal
//! changes the licence's expiry, so the old series stops; a cancelled
//! licence leaves the record and is no longer a candidate.

use super::db::{Db, Tx};
use super::messages::{deliver, NewMessage, To};
use super::sms::Gateway;
use crate::domain::message::{
    reminder_plan, reminder_text, week_of, MessageKind, DIGEST_WINDOW_DAYS,
};
use crate::domain::Date;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunReport {
    /// Reminders sent (one per licence and stage).
    pub reminders: usize,
    /// Older stages recorded as skipped.
    pub skipped: usize,
    /// Weekly digests sent (one per organisation).
    pub digests: usize,
}

/// The licences an enterprise holds: those of its record in force (the
/// directory's index, which also holds licences issued elsewhere) and the
/// certificates issued here that are valid (a licence issued to an
/// enterprise whose record is not confirmed yet is only there). A renewal
/// changes the expiry in both; a cancellation removes it from both.
const HELD: &str = "SELECT enterprise_id, number, valid_until FROM licences \
     UNION SELECT enterprise_id, number, valid_until FROM certificates WHERE status = 'valid'";

/// Where a digest links to: the dashboard, whose expiring and expired
/// figures each open their list.
pub const DIGEST_LINK: &str = "/dashboard";

/// Sends what is due on `today` (China time). Stops at the first database
/// error (the next run carries on: nothing claimed is lost, nothing is sent twice).
pub async fn run(db: &Db, sms: &Gateway, today: Date, now: i64) -> Result<RunReport, sqlx::Error> {
    let mut report = RunReport::default();
    remind_holders(db, sms, today, now, &mut report).await?;
    send_digests(db, today, now, &mut report).await?;
    Ok(report)
}

async fn remind_holders(
    db: &Db,
    sms: &Gateway,
    today: Date,
    now: i64,
    report: &mut RunReport,
) -> Result<(), sqlx::Error> {
    let last = today.add_days(crate::domain::message::REMINDER_STAGES[0]);
    let candidates: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "SELECT enterprise_id, number, valid_until FROM ({HELD}) x \
         WHERE valid_until >= $1 AND valid_until <= $2 ORDER BY valid_until, enterprise_id, number"
    ))
    .bind(today.to_string())
    .bind(last.to_string())
    .fetch_all(db.reader())
    .await?;
    // The stages already sent or skipped, in one read.
    let mut done: std::collections::HashMap<(i64, String, String), Vec<i64>> =
        std::collections::HashMap::new();
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT enterprise_id, licence_number, valid_until, stage FROM licence_reminders \
         WHERE valid_until >= $1 AND valid_until <= $2",
    )
    .bind(today.to_string())
    .bind(last.to_string())
    .fetch_all(db.reader())
    .await?;
    for (e, n, u, stage) in rows {
        done.entry((e, n, u)).or_default().push(stage);
    }
    for (enterprise_id, number, until_text) in candidates {
        let Some(until) = Date::parse(&until_text) else {
            continue;
        };
        let left = until.days_since_epoch() - today.days_since_epoch();
        let stages = done
            .get(&(enterprise_id, number.clone(), until_text.clone()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let Some(plan) = reminder_plan(left, stages) else {
            continue;
        };
        let mut tx = db.write_tx().await?;
        // Still held with this expiry (not renewed or cancelled a moment ago)?
        let current: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT enterprise_id FROM ({HELD}) x WHERE enterprise_id = $1 AND number = $2 AND valid_until = $3 LIMIT 1"
        ))
        .bind(enterprise_id)
        .bind(&number)
        .bind(&until_text)
        .fetch_optional(&mut *tx)
        .await?;
        if current.is_none() {
            tx.rollback().await?;
            continue;
        }
        let claim = "INSERT INTO licence_reminders (enterprise_id, licence_number, valid_until, stage, outcome, at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
        let first = sqlx::query(claim)
            .bind(enterprise_id)
            .bind(&number)
            .bind(&until_text)
            .bind(plan.send)
            .bind("sent")
            .bind(now);
        // None: another instance sent it.
        let Some(mut tx) = claimed(tx, first).await? else {
            continue;
        };
        for stage in &plan.skip {
            report.skipped += sqlx::query(claim)
                .bind(enterprise_id)
                .bind(&number)
                .bind(&until_text)
                .bind(*stage)
                .bind("skipped")
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected() as usize;
        }
        let (title, body) = reminder_text(&number, until, today);
        deliver(
            &mut *tx,
            To::Enterprise(enterprise_id),
            &NewMessage {
                kind: MessageKind::ExpiryReminder,
                title: &title,
                body: &body,
                link: "/licences",
            },
            now,
        )
        .await?;
        tx.commit().await?;
        report.reminders += 1;
        match super::enterprise_info::enterprise_mobile(db, enterprise_id).await {
            Ok(Some(mobile)) => {
                let text = format!(
                    "【危化品经营安全监管系统】贵单位危险化学品经营许可证{number}将于{until}到期(还有{left}天)。延期换证须在到期前至少3个月申请,请登录系统在“许可证业务”中办理。"
                );
                // A failed SMS is recorded in sms_messages; the message stays.
                let _ = sms.send(db, &mobile, "licence_expiry", &text, now).await;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = ?e, enterprise_id, "no 经办人 phone for a reminder"),
        }
    }
    Ok(())
}

async fn send_digests(
    db: &Db,
    today: Date,
    now: i64,
    report: &mut RunReport,
) -> Result<(), sqlx::Error> {
    let week = week_of(today).to_string();
    let orgs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT o.id, o.region_code FROM organizations o \
         WHERE EXISTS (SELECT 1 FROM users u WHERE u.organization_id = o.id AND u.kind = 'regulator' AND u.status = 'active') \
         AND NOT EXISTS (SELECT 1 FROM reminder_digests d WHERE d.organization_id = o.id AND d.week = $1) \
         ORDER BY o.id",
    )
    .bind(&week)
    .fetch_all(db.reader())
    .await?;
    if orgs.is_empty() {
        return Ok(());
    }
    // One pass over the licences, by region; each organisation adds up the
    // regions of its jurisdiction.
    let by_region: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT COALESCE(e.region_code, ''), \
         COALESCE(SUM(CASE WHEN l.valid_until < $1 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN l.valid_until >= $1 THEN 1 ELSE 0 END), 0) \
         FROM ({HELD}) l JOIN enterprises e ON e.id = l.enterprise_id \
         WHERE l.valid_until <= $2 GROUP BY e.region_code"
    ))
    .bind(today.to_string())
    .bind(today.add_days(DIGEST_WINDOW_DAYS).to_string())
    .fetch_all(db.reader())
    .await?;
    for (org, jurisdiction) in orgs {
        let (expired, expiring) = by_region
            .iter()
            .filter(|(region, _, _)| super::regions::within(region, &jurisdiction))
            .fold((0, 0), |(x, y), (_, a, b)| (x + a, y + b));
        if expired + expiring == 0 {
            continue;
        }
        let first = sqlx::query(
            "INSERT INTO reminder_digests (organization_id, week, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(org)
        .bind(&week)
        .bind(now);
        let Some(mut tx) = claimed(db.write_tx().await?, first).await? else {
            continue;
        };
        let title = format!("本周许可证到期汇总:{expiring} 张将在120天内到期,{expired} 张已过期");
        let body = format!(
            "截至 {today},辖区内有 {expiring} 张危险化学品经营许可证将在120天内到期(企业应在到期前至少3个月申请延期换证),{expired} 张已过有效期(未延期的应依法办理注销)。请在“监管统计”中点击对应数字查看名单,并督促企业办理。"
        );
        deliver(
            &mut *tx,
            To::Organization(org),
            &NewMessage {
                kind: MessageKind::ExpiryDigest,
                title: &title,
                body: &body,
                link: DIGEST_LINK,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        report.digests += 1;
    }
    Ok(())
}

/// Runs `claim` (an INSERT … ON CONFLICT DO NOTHING) in `tx`: the
/// transaction to go on in when it inserted the row, None (rolled back)
/// when another instance had claimed the row first.
async fn claimed<'q>(
    mut tx: Tx,
    claim: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<Option<Tx>, sqlx::Error> {
    if claim.execute(&mut *tx).await?.rows_affected() == 1 {
        Ok(Some(tx))
    } else {
        tx.rollback().await?;
        Ok(None)
    }
}
