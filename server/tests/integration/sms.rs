//! SMS: the HTTP gateway client against a local gateway, the code rules, and
//! password recovery through the router, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::time::Duration;

use crate::common::*;
use app::domain::help::Faq;
use app::domain::Mobile;
use app::server::seed::DEMO_PASSWORD;
use app::server::sms::{Gateway, SmsError};
use app::server::sms_code::{self, IssueError, VerifyError};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

/// A local gateway: mobiles ending 1 answer ok, 2 fail with 500, 3 reply
/// malformed JSON, 4 hang longer than the client's time-out.
async fn fake_gateway() -> String {
    async fn handle(Json(body): Json<serde_json::Value>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let mobile = body["mobile"].as_str().unwrap_or("").to_string();
        match mobile.chars().last() {
            Some('1') => Json(serde_json::json!({ "ok": true })).into_response(),
            Some('2') => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            Some('3') => "not json".into_response(),
            Some('4') => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Json(serde_json::json!({ "ok": true })).into_response()
            }
            _ => Json(serde_json::json!({ "ok": false, "error": "blacklisted" })).into_response(),
        }
    }
    serve_locally(Router::new().route("/send", post(handle)), "/send").await
}

#[tokio::test]
async fn http_gateway_handles_success_errors_malformed_replies_and_time_outs() {
    let b = backends().await.into_iter().next().unwrap();
    let gw = Gateway::http(
        fake_gateway().await,
        Some("t".into()),
        Duration::from_millis(400),
    )
    .unwrap();
    let m = |s: &str| Mobile::parse(s).unwrap();
    assert!(gw
        .send(&b.state.db, &m("13900000001"), "test", "hi", 1)
        .await
        .is_ok());
    assert!(
        matches!(gw.send(&b.state.db, &m("13900000002"), "test", "hi", 1).await, Err(SmsError::Refused(e)) if e.contains("500"))
    );
    assert!(
        matches!(gw.send(&b.state.db, &m("13900000003"), "test", "hi", 1).await, Err(SmsError::Refused(e)) if e.contains("malformed"))
    );
    assert!(matches!(
        gw.send(&b.state.db, &m("13900000004"), "test", "hi", 1)
            .await,
        Err(SmsError::Timeout)
    ));
    assert!(
        matches!(gw.send(&b.state.db, &m("13900000005"), "test", "hi", 1).await, Err(SmsError::Refused(e)) if e == "blacklisted")
    );
    let statuses: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT mobile, status, body FROM sms_messages ORDER BY id")
            .fetch_all(b.state.db.reader())
            .await
            .unwrap();
    let summary: Vec<(&str, &str)> = statuses
        .iter()
        .map(|(m, s, _)| (m.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("13900000001", "sent"),
            ("13900000002", "failed"),
            ("13900000003", "failed"),
            ("13900000004", "failed"),
            ("13900000005", "failed")
        ]
    );
    // A real gateway's messages (they carry codes) are not kept in clear.
    assert!(statuses.iter().all(|(_, _, body)| body.is_none()));
}

#[tokio::test]
async fn codes_expire_are_single_use_and_void_after_five_wrong_tries() {
    for b in backends().await {
        let db = &b.state.db;
        let gw = Gateway::builtin(Duration::from_millis(200));
        let mobile = Mobile::parse("13912340008").unwrap();
        sms_code::issue(db, &gw, "test", "u1", &mobile, 1_000)
            .await
            .unwrap();
        let body: String =
            sqlx::query_scalar("SELECT body FROM sms_messages ORDER BY id DESC LIMIT 1")
                .fetch_one(db.reader())
                .await
                .unwrap();
        let code: String = body.chars().filter(char::is_ascii_digit).take(6).collect();
        assert!(
            matches!(
                sms_code::issue(db, &gw, "test", "u1", &mobile, 1_030).await,
                Err(IssueError::TooSoon(30))
            ),
            "{}",
            b.name
        );
        assert_eq!(
            sms_code::verify(db, "test", "u1", "000000", 1_010)
                .await
                .unwrap(),
            Err(VerifyError::Wrong(4)),
            "{}",
            b.name
        );
        assert_eq!(
            sms_code::verify(db, "test", "u1", &code, 1_020)
                .await
                .unwrap(),
            Ok(()),
            "{}",
            b.name
        );
        assert_eq!(
            sms_code::verify(db, "test", "u1", &code, 1_021)
                .await
                .unwrap(),
            Err(VerifyError::NoCode),
            "single use"
        );

        sms_code::issue(db, &gw, "test", "u2", &mobile, 2_000)
            .await
            .unwrap();
        assert_eq!(
            sms_code::verify(db, "test", "u2", "123456", 2_000 + 301)
                .await
                .unwrap(),
            Err(VerifyError::Expired)
        );

        sms_code::issue(db, &gw, "test", "u3", &mobile, 3_000)
            .await
            .unwrap();
        for left in (1..5).rev() {
            assert_eq!(
                sms_code::verify(db, "test", "u3", "999999", 3_001)
                    .await
                    .unwrap(),
                Err(VerifyError::Wrong(left))
            );
        }
        assert_eq!(
            sms_code::verify(db, "test", "u3", "999999", 3_001)
                .await
                .unwrap(),
            Err(VerifyError::TooManyTries)
        );
    }
}

#[tokio::test]
async fn at_most_ten_codes_a_day_and_failed_sends_do_not_count() {
    let b = backends().await.into_iter().next().unwrap();
    let db = &b.state.db;
    let gw = Gateway::builtin(Duration::from_millis(200));
    let failing = Mobile::parse("13912340000").unwrap();
    assert!(matches!(
        sms_code::issue(db, &gw, "test", "x", &failing, 10).await,
        Err(IssueError::Send(SmsError::Refused(_)))
    ));
    let n = scalar(&b, "SELECT COUNT(*) FROM sms_codes", &[]).await;
    assert_eq!(n, 0, "an undelivered code must not linger");
    let timeout = Mobile::parse("13912340001").unwrap();
    assert!(matches!(
        sms_code::issue(db, &gw, "test", "x", &timeout, 10).await,
        Err(IssueError::Send(SmsError::Timeout))
    ));

    let mobile = Mobile::parse("13912340009").unwrap();
    for i in 0..10 {
        sms_code::issue(db, &gw, "test", "y", &mobile, 100 + i * 61)
            .await
            .unwrap();
    }
    assert!(matches!(
        sms_code::issue(db, &gw, "test", "y", &mobile, 100 + 10 * 61).await,
        Err(IssueError::DailyLimit)
    ));
    assert!(
        sms_code::issue(db, &gw, "test", "y", &mobile, 100 + 86_400 + 1)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn forgot_password_resets_by_sms_and_ends_every_session() {
    for b in seeded().await {
        let login = |pw: &'static str| login_with(&b, "enterprise", "91350100M000100Y43", pw, &[]);
        let old_session = login(DEMO_PASSWORD).await.cookie().unwrap();

        let r = ask_code(&b, "/api/recovery/send", "9135 0100 M000 100Y 43").await;
        expect_done(&b, &r);
        assert_eq!(
            r.location(),
            "http://127.0.0.1:3000/forgot-password?account=91350100M000100Y43&sent=1"
        );
        let code = last_sms_code(&b, "13800138005").await;

        let reset = |code: String, pw: &'static str| {
            let router = b.router.clone();
            async move {
                post_form(
                    &router,
                    "/api/recovery/reset",
                    &[
                        ("account", "91350100M000100Y43"),
                        ("code", &code),
                        ("password", pw),
                        ("password_confirm", pw),
                    ],
                    None,
                )
                .await
            }
        };
        let r = reset(code.clone(), "New*Pass-2026").await;
        assert!(
            r.validation_error("password").contains("# * /"),
            "{}",
            b.name
        );
        let r = reset("000000".into(), "New-Pass-2026").await;
        let m = r.message_at("code");
        assert!(m.text.contains("验证码不正确"), "{}", b.name);
        assert_eq!(m.help, Some(Faq::SmsCode), "{}", b.name);
        let r = reset(code.clone(), "New-Pass-2026").await;
        assert_eq!(
            r.location(),
            "http://127.0.0.1:3000/login?reset=1&account=91350100M000100Y43",
            "{}: {}",
            b.name,
            r.body
        );

        assert!(
            me(&b, &old_session).await.is_none(),
            "{}: the old session survived the reset",
            b.name
        );
        assert!(login(DEMO_PASSWORD).await.cookie().is_none());
        assert!(
            login("New-Pass-2026").await.cookie().is_some(),
            "{}",
            b.name
        );
        // The code is used up.
        let r = reset(code, "Other-Pass-2026").await;
        assert!(r.conflict().1.contains("获取验证码"), "{}", b.name);
    }
}
