//! 手机号码无法接收短信?: a phone change that the real owner controls, on
//! SQLite and PostgreSQL. Public data and an attacker's own phone never move
//! an account: the phone on file is told at once and can cancel, nothing
//! changes before the waiting period, and without the registry a reviewer of
//! the enterprise's region checks uploaded documents first.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::phone::{PhoneChangeItem, PhoneChangeView};
use app::domain::help::Faq;
use app::domain::phone_change::PhoneChangeStatus;
use app::server::seed::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const FUZHOU: &str = "91350100M000100Y43";
const FUZHOU_NAME: &str = "福州示例危险品储运有限公司";
const FUZHOU_ID: &str = "440106200012310025";
const FUZHOU_MOBILE: &str = "13800138005";
const GUANGZHOU: &str = "92440106MA59QK2T0A";
const DAY: i64 = 86_400;

async fn seeded() -> Vec<Backend> {
    let all = crate::common::seeded().await;
    for b in &all {
        // The registry knows 福州 (confirms) but not 广州 (review fallback).
        exec(
            b,
            "INSERT INTO registry_entries (credit_code, name, legal_rep_name, id_number, imported_at) \
             VALUES ('91350100M000100Y43', '福州示例危险品储运有限公司', '林芳', '440106200012310025', 0)",
            &[],
        )
        .await;
    }
    all
}

/// Asks for a code on `mobile` and files the change with it.
async fn change(b: &Backend, account: &str, name: &str, id: &str, mobile: &str) -> Reply {
    let sent = post_form(
        &b.router,
        "/api/phone/code",
        &[
            ("account", account),
            ("new_mobile", mobile),
            ("enterprise_name", name),
            ("id_number", id),
        ],
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}: {}", b.name, sent.body);
    let code = last_sms_code(b, mobile).await;
    post_form(
        &b.router,
        "/api/phone/change",
        &[
            ("account", account),
            ("enterprise_name", name),
            ("id_number", id),
            ("new_mobile", mobile),
            ("sms_code", &code),
        ],
        None,
    )
    .await
}

/// The token after `key=` in the newest SMS to `mobile`.
async fn token_sent_to(b: &Backend, mobile: &str, key: &str) -> String {
    let body: String = sqlx::query_scalar(
        "SELECT body FROM sms_messages WHERE mobile = $1 AND body LIKE $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(mobile)
    .bind(format!("%{key}=%"))
    .fetch_one(b.state.db.reader())
    .await
    .unwrap_or_else(|e| panic!("{}: no SMS with {key}= to {mobile}: {e}", b.name));
    body.split(&format!("{key}="))
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn mobile_of(b: &Backend, login: &str) -> String {
    sqlx::query_scalar("SELECT mobile FROM users WHERE login = $1")
        .bind(login)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap()
}

async fn status(b: &Backend, r: &str) -> PhoneChangeView {
    post_form(&b.router, "/api/phone/status", &[("r", r)], None)
        .await
        .decode()
}

async fn sms_count(b: &Backend, mobile: &str, like: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM sms_messages WHERE mobile = $1 AND body LIKE $2";
    scalar(b, sql, &[mobile, like]).await
}

#[tokio::test]
async fn public_data_and_an_attackers_phone_do_not_take_over_and_the_owner_cancels() {
    for b in seeded().await {
        let owner = login_cookie(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        // Everything an outsider knows, and a phone of their own.
        let attacker = "13912349901";
        let r = change(&b, FUZHOU, FUZHOU_NAME, FUZHOU_ID, attacker).await;
        expect_done(&b, &r);
        // Nothing has changed yet, and the owner is still logged in.
        assert_eq!(mobile_of(&b, FUZHOU).await, FUZHOU_MOBILE, "{}", b.name);
        let user = me(&b, &owner).await;
        assert_eq!(user.map(|m| m.login).as_deref(), Some(FUZHOU), "{}", b.name);
        // A reset code still goes to the phone on file, not to the attacker.
        let before = sms_count(&b, attacker, "%验证码是%").await;
        ask_code(&b, "/api/recovery/send", FUZHOU).await;
        assert_eq!(
            sms_count(&b, attacker, "%验证码是%").await,
            before,
            "{}",
            b.name
        );
        assert_eq!(
            sms_count(&b, FUZHOU_MOBILE, "%验证码是%").await,
            1,
            "{}",
            b.name
        );
        // The requester sees where it stands.
        let r_token = token_sent_to(&b, attacker, "r").await;
        let s = status(&b, &r_token).await;
        assert_eq!(s.status, PhoneChangeStatus::Waiting, "{}: {s:?}", b.name);
        assert!(
            s.explanation.contains("已短信告知原手机号 138****8005"),
            "{s:?}"
        );
        // The phone on file was told, with the link that cancels it.
        let t_token = token_sent_to(&b, FUZHOU_MOBILE, "t").await;
        let info = post_form(
            &b.router,
            "/api/phone/cancel-info",
            &[("t", &t_token)],
            None,
        )
        .await
        .decode::<PhoneChangeView>();
        assert_eq!(info.new_mobile, "139****9901", "{}: {info:?}", b.name);
        let r = post_form(&b.router, "/api/phone/cancel", &[("t", &t_token)], None).await;
        assert!(r.text().contains("已取消"), "{}: {}", b.name, r.body);
        assert_eq!(
            status(&b, &r_token).await.status,
            PhoneChangeStatus::Cancelled,
            "{}",
            b.name
        );
        assert_eq!(
            sms_count(&b, attacker, "%已被原手机号取消%").await,
            1,
            "{}",
            b.name
        );
        // A second cancel says it is over; the waiting period passing changes nothing.
        let r = post_form(&b.router, "/api/phone/cancel", &[("t", &t_token)], None).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        let n =
            app::server::phone::apply_due(&b.state.db, &b.state.sms, app::server::now() + 2 * DAY)
                .await
                .unwrap();
        assert_eq!(n, 0, "{}", b.name);
        assert_eq!(mobile_of(&b, FUZHOU).await, FUZHOU_MOBILE, "{}", b.name);
        // Both steps are the owner's security events.
        let rows = audit_rows(&b, "account.phone_cancel").await;
        assert_eq!(rows.len(), 1, "{}", b.name);
        let sql = "SELECT COUNT(*) FROM audit_log WHERE subject_user_id = (SELECT id FROM users WHERE login = $1) AND action LIKE 'account.phone%'";
        let subject = scalar(&b, sql, &[FUZHOU]).await;
        assert_eq!(subject, 2, "{}", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_uncancelled_change_takes_effect_once_after_the_waiting_period() {
    for b in seeded().await {
        let owner = login_cookie(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        let new = "13912349902";
        change(&b, FUZHOU, FUZHOU_NAME, FUZHOU_ID, new).await;
        let now = app::server::now();
        let early = app::server::phone::apply_due(&b.state.db, &b.state.sms, now + DAY - 60)
            .await
            .unwrap();
        assert_eq!(early, 0, "{}: not before the waiting period", b.name);
        // Two instances at once: one takes effect.
        let (db1, sms1, db2, sms2) = (
            b.state.db.clone(),
            b.state.sms.clone(),
            b.state.db.clone(),
            b.state.sms.clone(),
        );
        let one = tokio::spawn(async move {
            app::server::phone::apply_due(&db1, &sms1, now + DAY + 1)
                .await
                .unwrap()
        });
        let two = tokio::spawn(async move {
            app::server::phone::apply_due(&db2, &sms2, now + DAY + 1)
                .await
                .unwrap()
        });
        assert_eq!(one.await.unwrap() + two.await.unwrap(), 1, "{}", b.name);
        assert_eq!(mobile_of(&b, FUZHOU).await, new, "{}", b.name);
        assert!(
            me(&b, &owner).await.is_none(),
            "{}: every session ends",
            b.name
        );
        // Both phones are told, once.
        assert_eq!(
            sms_count(&b, FUZHOU_MOBILE, "%已由%更换为%").await,
            1,
            "{}",
            b.name
        );
        assert_eq!(sms_count(&b, new, "%已由%更换为%").await, 1, "{}", b.name);
        assert_eq!(audit_count(&b, "account.phone").await, 1, "{}", b.name);
        // Now the reset code goes to the new phone (once its 60 seconds have passed).
        exec(&b, "UPDATE limit_counters SET last_at = 0", &[]).await;
        ask_code(&b, "/api/recovery/send", FUZHOU).await;
        assert_eq!(sms_count(&b, new, "%验证码是%").await, 2, "{}", b.name);
    }
}

#[tokio::test]
async fn typed_data_is_compared_only_after_the_code_and_only_five_times_a_day() {
    for b in seeded().await {
        // A wrong code: nothing is said about the name or the ID number.
        let r = post_form(
            &b.router,
            "/api/phone/change",
            &[
                ("account", FUZHOU),
                ("enterprise_name", "某某公司"),
                ("id_number", "110105194912310038"),
                ("new_mobile", "13912349910"),
                ("sms_code", "123456"),
            ],
            None,
        )
        .await;
        assert_eq!(r.conflict().0, "sms_code", "{}: {}", b.name, r.body);
        assert!(!r.body.contains("不一致"), "{}", r.body);
        // With the code, the comparison is per field; a typo does not use the code up;
        // five comparisons a day per requester's phone.
        let requester = "13912349920";
        let mut r = change(&b, FUZHOU, FUZHOU_NAME, "110105194912310038", requester).await;
        let code = last_sms_code(&b, requester).await;
        for i in 0..5 {
            let id = r.validation_error("id_number");
            assert!(
                id.contains("证件号码与注册时的信息不一致"),
                "{}: {i}: {}",
                b.name,
                r.body
            );
            assert!(id.contains("客服电话 400-9659818"), "{id}");
            assert_eq!(
                r.message_at("id_number").help,
                Some(Faq::PhoneNoSms),
                "{}",
                b.name
            );
            if i < 4 {
                r = post_form(
                    &b.router,
                    "/api/phone/change",
                    &[
                        ("account", FUZHOU),
                        ("enterprise_name", FUZHOU_NAME),
                        ("id_number", "110105194912310038"),
                        ("new_mobile", requester),
                        ("sms_code", &code),
                    ],
                    None,
                )
                .await;
            }
        }
        exec(
            &b,
            "UPDATE limit_counters SET last_at = 0 WHERE key LIKE 'sms:%'",
            &[],
        )
        .await;
        let r = change(&b, FUZHOU, FUZHOU_NAME, FUZHOU_ID, requester).await;
        expect_status(&r, StatusCode::TOO_MANY_REQUESTS, b.name);
        assert!(r.body.contains("核对次数已用完"), "{}", r.body);
        assert_eq!(mobile_of(&b, FUZHOU).await, FUZHOU_MOBILE, "{}", b.name);
        // Another requester's phone still gets its comparisons.
        let r = change(&b, FUZHOU, FUZHOU_NAME, FUZHOU_ID, "13912349928").await;
        expect_done(&b, &r);
    }
}

fn upload(r: &str, document: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    Request::post(format!(
        "/files/phone-evidence?r={r}&document={document}&name={name}"
    ))
    .header(header::HOST, "127.0.0.1:3000")
    .header(header::ORIGIN, ORIGIN)
    .body(Body::from(bytes.to_vec()))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_the_registry_a_reviewer_of_that_region_checks_documents_first() {
    for b in seeded().await {
        let new = "13912349903";
        change(
            &b,
            GUANGZHOU,
            "广州天河示例加油站",
            "510105198506150043",
            new,
        )
        .await;
        let r_token = token_sent_to(&b, new, "r").await;
        assert_eq!(
            status(&b, &r_token).await.status,
            PhoneChangeStatus::Evidence,
            "{}",
            b.name
        );
        // The phone on file is told at once here too.
        assert_eq!(
            sms_count(&b, "13800138006", "%需人工审核%").await,
            1,
            "{}",
            b.name
        );
        let png = b"\x89PNG\r\n\x1a\n....";
        let r = send(&b.router, upload(&r_token, "licence", "yyzz.png", png)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = send(&b.router, upload(&r_token, "licence", "x.exe", b"MZ....")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        let r = send(&b.router, upload(&"0".repeat(64), "licence", "a.png", png)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", b.name);
        // Submitting with documents missing names them.
        let r = post_form(&b.router, "/api/phone/submit", &[("r", &r_token)], None).await;
        assert!(
            conflict_message(&r).contains("法定代表人授权书"),
            "{}: {}",
            b.name,
            r.body
        );
        for d in ["authorization", "requester_id"] {
            let r = send(&b.router, upload(&r_token, d, "a.pdf", b"%PDF-1.4 x")).await;
            assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        }
        let r = post_form(&b.router, "/api/phone/submit", &[("r", &r_token)], None).await;
        assert!(r.status.is_success(), "{}: {}", b.name, r.body);
        assert_eq!(
            status(&b, &r_token).await.status,
            PhoneChangeStatus::Review,
            "{}",
            b.name
        );
        // No more documents once submitted.
        let r = send(&b.router, upload(&r_token, "licence", "b.png", png)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        let id: i64 = sqlx::query_scalar("SELECT id FROM phone_changes WHERE status = 'review'")
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();
        // Nanjing regulators do not see, read or decide a Guangzhou enterprise.
        let nj = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let queue: Vec<PhoneChangeItem> = post_form(&b.router, "/api/phone/queue", &[], Some(&nj))
            .await
            .decode();
        assert_eq!(queue.len(), 0, "{}", b.name);
        let r = decide(&b, &nj, id, "true").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let queue: Vec<PhoneChangeItem> =
            post_form(&b.router, "/api/phone/queue", &[], Some(&admin))
                .await
                .decode();
        assert_eq!(queue[0].new_mobile, "139****9903", "{}", b.name);
        let evidence = &queue[0].evidence;
        assert_eq!(evidence.len(), 3, "{}", b.name);
        let file = format!("/files/phone-evidence/{}", evidence[0].id);
        let mut req = get(&file);
        req.headers_mut()
            .insert(header::COOKIE, admin.parse().unwrap());
        assert_eq!(
            send(&b.router, req).await.status,
            StatusCode::OK,
            "{}",
            b.name
        );
        for who in [Some(nj.clone()), None] {
            let mut req = get(&file);
            if let Some(c) = who {
                req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
            }
            assert!(
                send(&b.router, req).await.status.is_client_error(),
                "{}",
                b.name
            );
        }
        // A rejection needs its reason.
        let r = decide(&b, &admin, id, "false").await;
        assert!(
            !r.validation_error("note").is_empty(),
            "{}: {}",
            b.name,
            r.body
        );
        // Two reviewers at once: exactly one decision.
        let province = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let tasks: Vec<_> = [admin.clone(), province]
            .into_iter()
            .map(|c| {
                let router = b.router.clone();
                let id = id.to_string();
                tokio::spawn(async move {
                    post_form(
                        &router,
                        "/api/phone/decide",
                        &[("request_id", &id), ("approve", "true")],
                        Some(&c),
                    )
                    .await
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            let r = t.await.unwrap();
            if r.status.is_success() {
                ok += 1;
            } else {
                assert!(
                    conflict_message(&r).contains("该申请已等待生效"),
                    "{}: {}",
                    b.name,
                    r.body
                );
            }
        }
        assert_eq!(ok, 1, "{}", b.name);
        assert_eq!(
            audit_count(&b, "account.phone_approve").await,
            1,
            "{}",
            b.name
        );
        // Approved means waiting, announced to the phone on file again; not changed yet.
        assert_eq!(
            status(&b, &r_token).await.status,
            PhoneChangeStatus::Waiting,
            "{}",
            b.name
        );
        assert_eq!(
            sms_count(&b, "13800138006", "%已审核通过%").await,
            1,
            "{}",
            b.name
        );
        assert_eq!(mobile_of(&b, GUANGZHOU).await, "13800138006", "{}", b.name);
    }
}

/// `cookie`'s holder decides the phone change `id` (`approve`: "true" or "false").
async fn decide(b: &Backend, cookie: &str, id: i64, approve: &str) -> Reply {
    let id = id.to_string();
    let fields = [("request_id", id.as_str()), ("approve", approve)];
    post_form(&b.router, "/api/phone/decide", &fields, Some(cookie)).await
}

fn conflict_message(r: &Reply) -> String {
    r.conflict().1
}

#[tokio::test]
async fn the_logged_in_owner_sees_and_stops_a_change_and_stale_or_abandoned_ones_close() {
    for b in seeded().await {
        change(&b, FUZHOU, FUZHOU_NAME, FUZHOU_ID, "13912349931").await;
        let owner = login_cookie(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        let other = login_cookie(&b, "enterprise", "91320102MA1XYR7K61", DEMO_PASSWORD).await;
        let mine: Option<PhoneChangeView> =
            post_form(&b.router, "/api/phone/mine", &[], Some(&owner))
                .await
                .decode();
        assert_eq!(
            mine.map(|m| m.new_mobile).as_deref(),
            Some("139****9931"),
            "{}",
            b.name
        );
        let theirs: Option<PhoneChangeView> =
            post_form(&b.router, "/api/phone/mine", &[], Some(&other))
                .await
                .decode();
        assert!(
            theirs.is_none(),
            "{}: another enterprise sees nothing: {theirs:?}",
            b.name
        );
        let r = post_form(&b.router, "/api/phone/cancel-mine", &[], Some(&other)).await;
        assert!(!r.status.is_success(), "{}", b.name);
        let r = post_form(&b.router, "/api/phone/cancel-mine", &[], Some(&owner)).await;
        assert!(r.status.is_success(), "{}: {}", b.name, r.body);
        assert!(post_form(&b.router, "/api/phone/mine", &[], Some(&owner))
            .await
            .decode::<Option<PhoneChangeView>>()
            .is_none());
        // A change whose phone on file moved meanwhile does not take effect.
        change(&b, FUZHOU, FUZHOU_NAME, FUZHOU_ID, "13912349932").await;
        sqlx::query("UPDATE users SET mobile = '13912349939' WHERE login = $1")
            .bind(FUZHOU)
            .execute(b.state.db.writer())
            .await
            .unwrap();
        let n =
            app::server::phone::apply_due(&b.state.db, &b.state.sms, app::server::now() + 2 * DAY)
                .await
                .unwrap();
        assert_eq!(n, 0, "{}", b.name);
        assert_eq!(mobile_of(&b, FUZHOU).await, "13912349939", "{}", b.name);
        // A request whose documents never come closes after a week.
        change(
            &b,
            GUANGZHOU,
            "广州天河示例加油站",
            "510105198506150043",
            "13912349933",
        )
        .await;
        app::server::phone::apply_due(&b.state.db, &b.state.sms, app::server::now() + 8 * DAY)
            .await
            .unwrap();
        let sql =
            "SELECT COUNT(*) FROM phone_changes WHERE status IN ('evidence', 'review', 'waiting')";
        let open = scalar(&b, sql, &[]).await;
        assert_eq!(open, 0, "{}", b.name);
    }
}

#[tokio::test]
async fn no_code_is_sent_while_the_form_has_a_mistake() {
    for b in seeded().await {
        let before = sms_count(&b, "13912340088", "%").await;
        let r = post_form(
            &b.router,
            "/api/phone/code",
            &[
                ("account", "91320102MA1XYR7K61"),
                ("new_mobile", "13912340088"),
                ("enterprise_name", "南京玄武示例化工贸易有限公司"),
                // One digit wrong: the check digit says so before any SMS.
                ("id_number", "110105194912310021"),
            ],
            None,
        )
        .await;
        expect_status(&r, StatusCode::UNPROCESSABLE_ENTITY, b.name);
        assert!(!r.validation_error("id_number").is_empty(), "{}", r.body);
        assert_eq!(
            sms_count(&b, "13912340088", "%").await,
            before,
            "{}",
            b.name
        );
    }
}
