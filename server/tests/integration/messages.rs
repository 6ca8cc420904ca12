//! 站内消息 and expiry reminders on both engines: events reach the people
//! they concern (and nobody reads or marks another's message), the header's
//! unread count, reminders exactly once with two server instances on one
//! database, the catch-up after downtime, and silence after a renewal or
//! cancellation.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use crate::info::{confirmed, licence_until, A, B};
use app::api::messages::MessageList;
use app::domain::Date;
use app::server::db::Db;
use app::server::reminders::{self, RunReport};
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

async fn list(b: &Backend, cookie: &str) -> MessageList {
    let r = post_form(
        &b.router,
        "/api/messages/list",
        &[("page", "1")],
        Some(cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

fn titles(l: &MessageList) -> Vec<&str> {
    l.items.iter().map(|m| m.title.as_str()).collect()
}

async fn count(b: &Backend, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap()
}

/// The SMS sent for messages of `purpose` (mobile, text), waiting up to two
/// seconds for the background sends.
async fn texted(b: &Backend, purpose: &str) -> Vec<(String, String)> {
    for _ in 0..40 {
        let sent: Vec<(String, String)> = sqlx::query_as(
            "SELECT mobile, COALESCE(body, '') FROM sms_messages WHERE purpose = $1 AND status = 'sent' ORDER BY id",
        )
        .bind(purpose)
        .fetch_all(b.state.db.reader())
        .await
        .unwrap();
        if !sent.is_empty() {
            return sent;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    vec![]
}

#[tokio::test]
async fn events_reach_the_people_they_concern_and_nobody_reads_anothers() {
    for b in backends().await {
        // A submits (its county is told), the county confirms (A is told).
        let (a, county) = confirmed(&b).await;
        let mine = list(&b, &a).await;
        assert!(
            titles(&mine)
                .iter()
                .any(|t| t.contains("已确认您单位提交的企业信息")),
            "{}: {mine:?}",
            b.name
        );
        assert_eq!(mine.unread, 1, "{}: {mine:?}", b.name);
        let theirs = list(&b, &county).await;
        let submitted = theirs
            .items
            .iter()
            .find(|m| m.title.contains("提交了企业信息,待确认"))
            .unwrap_or_else(|| panic!("{}: {theirs:?}", b.name));
        assert_eq!(submitted.link, format!("/maintenance/{A}"));
        // The nearest bureau only: the city and province are not told.
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        assert_eq!(list(&b, &city).await.total, 0, "{}", b.name);

        // The header's count comes with the current user.
        let user = me(&b, &a)
            .await
            .unwrap_or_else(|| panic!("{}: not logged in", b.name));
        assert_eq!(user.unread_messages, 1, "{}: {user:?}", b.name);
        let html = page(&b, "/workspace", &a).await;
        assert!(
            html.contains("消息 (1)"),
            "{}: no count in the header",
            b.name
        );

        // Another user can neither open nor mark A's message.
        let id = mine.items[0].id.to_string();
        let other = login_cookie(&b, "enterprise", B, DEMO_PASSWORD).await;
        for who in [&other, &county] {
            let r = post_form(&b.router, "/api/messages/open", &[("id", &id)], Some(who)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", b.name, r.body);
        }
        let r = post_form(&b.router, "/api/messages/read-all", &[], Some(&other)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(list(&b, &a).await.unread, 1, "{}", b.name);
        let r = post_form(&b.router, "/api/messages/open", &[("id", &id)], None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}: {}", b.name, r.body);

        // Another user's request for its page marks nothing.
        let r = send(&b.router, get_as(&format!("/messages/{id}"), &other)).await;
        assert!(!r.body.contains("前往办理"), "{}: {}", b.name, r.body);
        assert_eq!(list(&b, &a).await.unread, 1, "{}", b.name);

        // The list page marks it unread; opening it marks it read, before
        // the page renders: its own header no longer counts it.
        let html = page(&b, "/messages", &a).await;
        assert!(html.contains("[未读]") && html.contains(&format!("/messages/{id}")));
        let html = page(&b, &format!("/messages/{id}"), &a).await;
        assert!(html.contains("前往办理") && html.contains("href=\"/info\""));
        assert!(
            !html.contains("消息 (1)"),
            "{}: the header still counts the message being read",
            b.name
        );
        let after = list(&b, &a).await;
        assert_eq!(after.unread, 0, "{}: {after:?}", b.name);
        assert!(after.items[0].read);

        // A proposal is told to A, unread again; 全部标为已读 clears it.
        let rec = crate::info::regulated(&b, &county, A).await;
        let r = post_json(
            &b.router,
            "/api/info/propose",
            &serde_json::json!({"credit_code": A, "base_version": rec.version, "values": [["principal_name", "赵六"]]}),
            Some(&county),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let l = list(&b, &a).await;
        assert!(
            titles(&l)[0].contains("申请修改您单位的企业信息"),
            "{}: {l:?}",
            b.name
        );
        assert_eq!(l.unread, 1);
        // ... and by SMS to A's phone on file (sent in the background).
        let mobile: Option<String> =
            sqlx::query_scalar("SELECT mobile FROM users WHERE login = $1")
                .bind(A)
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        let texts = texted(&b, "proposal").await;
        assert_eq!(texts.len(), 1, "{}: {texts:?}", b.name);
        assert_eq!(Some(texts[0].0.clone()), mobile, "{}", b.name);
        assert!(
            texts[0].1.contains("申请修改您单位的企业信息") && texts[0].1.contains("站内消息"),
            "{}: {texts:?}",
            b.name
        );
        let r = post_form(&b.router, "/api/messages/read-all", &[], Some(&a)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(list(&b, &a).await.unread, 0, "{}", b.name);
        // Nothing of anyone else's was marked.
        assert_eq!(list(&b, &county).await.unread, 1, "{}", b.name);
    }
}

/// A second "server instance": its own pools on the same database.
async fn second_instance(b: &Backend) -> Db {
    Db::connect(&b.state.config.database_url).await.unwrap()
}

fn total(reports: &[RunReport]) -> RunReport {
    reports.iter().fold(RunReport::default(), |t, r| RunReport {
        reminders: t.reminders + r.reminders,
        skipped: t.skipped + r.skipped,
        digests: t.digests + r.digests,
    })
}

/// Runs the reminders on `today` on both instances at once.
async fn run_twice(b: &Backend, other: &Db, today: Date) -> RunReport {
    let now = app::server::now();
    let (x, y) = tokio::join!(
        reminders::run(&b.state.db, &b.state.sms, today, now),
        reminders::run(other, &b.state.sms, today, now),
    );
    total(&[x.unwrap(), y.unwrap()])
}

async fn reminder_sms(b: &Backend) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM sms_messages WHERE purpose = 'licence_expiry' ORDER BY id")
        .fetch_all(b.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_reminder_goes_exactly_once_with_two_instances_and_catches_up_after_downtime() {
    for b in backends().await {
        let (a, _) = confirmed(&b).await;
        let other = second_instance(&b).await;
        let until = licence_until();

        // 130 days before: nothing due, nothing for the digest.
        let r = run_twice(&b, &other, until.add_days(-130)).await;
        assert_eq!(r, RunReport::default(), "{}", b.name);

        // 100 days before: the 120-day stage, once; each bureau's digest
        // (county, city, province) lists it, once.
        let r = run_twice(&b, &other, until.add_days(-100)).await;
        assert_eq!((r.reminders, r.skipped, r.digests), (1, 0, 3), "{}", b.name);
        let digests = count(
            &b,
            "SELECT COUNT(*) FROM messages WHERE kind = 'expiry_digest'",
        )
        .await;
        assert_eq!(digests, 3, "{}", b.name);
        let link: String =
            sqlx::query_scalar("SELECT link FROM messages WHERE kind = 'expiry_digest' LIMIT 1")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        // The dashboard, where both figures link to their lists.
        assert_eq!(link, "/dashboard");

        // The next day (the same week): nothing again.
        let r = run_twice(&b, &other, until.add_days(-99)).await;
        assert_eq!(r, RunReport::default(), "{}", b.name);
        let sms = reminder_sms(&b).await;
        assert_eq!(sms.len(), 1, "{}: {sms:?}", b.name);
        assert!(
            sms[0].contains("还有100天") && sms[0].contains(&until.to_string()),
            "{}",
            sms[0]
        );
        let to: String =
            sqlx::query_scalar("SELECT mobile FROM sms_messages WHERE purpose = 'licence_expiry'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        let handler: String = sqlx::query_scalar("SELECT mobile FROM users WHERE login = $1")
            .bind(A)
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();
        assert_eq!(to, handler, "{}: the SMS goes to the 经办人", b.name);
        let l = list(&b, &a).await;
        let reminder = &l.items[0];
        assert_eq!(reminder.link, "/licences", "{}: {l:?}", b.name);
        assert!(reminder.body.contains("至少3个月"), "{}: {l:?}", b.name);

        // Down from 99 to 25 days before: only the 30-day stage goes, the
        // 90- and 60-day ones are recorded as skipped and never go.
        let r = run_twice(&b, &other, until.add_days(-25)).await;
        assert_eq!((r.reminders, r.skipped), (1, 2), "{}", b.name);
        let skipped: Vec<i64> = sqlx::query_scalar(
            "SELECT stage FROM licence_reminders WHERE outcome = 'skipped' ORDER BY stage",
        )
        .fetch_all(b.state.db.reader())
        .await
        .unwrap();
        assert_eq!(skipped, vec![60, 90], "{}", b.name);
        let r = run_twice(&b, &other, until.add_days(-20)).await;
        assert_eq!(r.reminders, 0, "{}", b.name);
        let sms = reminder_sms(&b).await;
        assert_eq!(sms.len(), 2, "{}: {sms:?}", b.name);
        assert!(sms[1].contains("还有25天"), "{}", sms[1]);
        let l = list(&b, &a).await;
        assert!(
            l.items[0].body.contains("已过延期换证的申请期限"),
            "{}: {l:?}",
            b.name
        );

        // The last stage, then nothing after expiry.
        let r = run_twice(&b, &other, until.add_days(-3)).await;
        assert_eq!(r.reminders, 1, "{}", b.name);
        let r = run_twice(&b, &other, until.add_days(1)).await;
        assert_eq!(r.reminders, 0, "{}", b.name);
        assert_eq!(reminder_sms(&b).await.len(), 3, "{}", b.name);
        let messages = count(
            &b,
            "SELECT COUNT(*) FROM messages WHERE kind = 'expiry_reminder'",
        )
        .await;
        assert_eq!(messages, 3, "{}: one user of A, three reminders", b.name);
        other.close().await;
    }
}

#[tokio::test]
async fn a_renewed_or_cancelled_licence_gets_no_more_reminders() {
    for b in backends().await {
        confirmed(&b).await;
        let other = second_instance(&b).await;
        let until = licence_until();
        let r = run_twice(&b, &other, until.add_days(-100)).await;
        assert_eq!(r.reminders, 1, "{}", b.name);

        // Renewed: the record's licence now runs three more years (what
        // issuing a 延期 writes into the record's licence index).
        let renewed = until.add_years(3).to_string();
        sqlx::query("UPDATE licences SET valid_until = $1 WHERE valid_until = $2")
            .bind(&renewed)
            .bind(until.to_string())
            .execute(b.state.db.writer())
            .await
            .unwrap();
        let r = run_twice(&b, &other, until.add_days(-80)).await;
        assert_eq!(r.reminders, 0, "{}", b.name);
        let r = run_twice(&b, &other, until.add_days(-3)).await;
        assert_eq!(r.reminders, 0, "{}", b.name);

        // The renewed licence has its own series of reminders.
        let renewed_until = Date::parse(&renewed).unwrap();
        let r = run_twice(&b, &other, renewed_until.add_days(-100)).await;
        assert_eq!(r.reminders, 1, "{}", b.name);

        // Cancelled (注销 removes it from the record): nothing more.
        exec(&b, "DELETE FROM licences", &[]).await;
        let r = run_twice(&b, &other, renewed_until.add_days(-25)).await;
        assert_eq!(r.reminders, 0, "{}", b.name);
        let sms = reminder_sms(&b).await;
        assert_eq!(sms.len(), 2, "{}: {sms:?}", b.name);
        assert!(sms[1].contains(&renewed), "{}", sms[1]);
        other.close().await;
    }
}

#[tokio::test]
async fn the_demo_data_has_a_reminder_for_the_licensed_enterprise_and_digests_for_its_bureaus() {
    for b in backends().await {
        let now = app::server::now();
        app::server::seed::seed_demo(&b.state.db, &b.state.hasher, now)
            .await
            .unwrap();
        app::server::seed::seed_demo_cases(&b.state.db, now)
            .await
            .unwrap();
        app::server::seed::seed_demo_records(&b.state.db, now)
            .await
            .unwrap();
        // What `server seed-demo` runs last.
        let r = reminders::run(&b.state.db, &b.state.sms, app::server::today(), now)
            .await
            .unwrap();
        assert_eq!(r.reminders, 1, "{}: {r:?}", b.name);
        let code = app::server::seed::licensed_code();
        let sql = "SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_id \
             WHERE u.enterprise_id = (SELECT id FROM enterprises WHERE credit_code = $1) AND m.kind = 'expiry_reminder'";
        let team = scalar(&b, sql, &[code.as_str()]).await;
        assert_eq!(team, 3, "{}: each of the three users of the team", b.name);
        let sms = reminder_sms(&b).await;
        assert_eq!(sms.len(), 1, "{}: one SMS, to the 经办人", b.name);
        for login in ["nj-city", "js-province"] {
            let cookie = login_cookie(&b, "regulator", login, DEMO_PASSWORD).await;
            let l = list(&b, &cookie).await;
            assert!(
                titles(&l).iter().any(|t| t.contains("本周许可证到期汇总")),
                "{}: {login}: {l:?}",
                b.name
            );
        }
    }
}
