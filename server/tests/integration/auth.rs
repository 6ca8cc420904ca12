//! Login, sessions, the lock and throttling, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::domain::help::Faq;
use app::domain::AccountStatus;
use app::error::AppError;
use app::server::seed::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn enterprise_logs_in_with_a_normalised_credit_code() {
    for b in seeded().await {
        let r = login(
            &b,
            "enterprise",
            " ９１３２０１０２ma1xyr7k61 ",
            DEMO_PASSWORD,
        )
        .await;
        assert!(
            r.status.is_success() || r.status.is_redirection(),
            "{}: {} {}",
            b.name,
            r.status,
            r.body
        );
        let cookie = guarded_cookie(&r, "whp_session", "session cookie");
        assert_eq!(
            r.location(),
            "http://127.0.0.1:3000/workspace",
            "{}",
            b.name
        );
        let user = me(&b, &cookie).await.expect("logged in");
        assert_eq!(user.login, "91320102MA1XYR7K61", "{}", b.name);
        assert_eq!(user.belongs_to, "南京玄武示例化工贸易有限公司");
        // The token is stored only as a hash.
        let token = cookie.trim_start_matches("whp_session=");
        let sql = "SELECT COUNT(*) FROM sessions WHERE token_hash = $1";
        let n = scalar(&b, sql, &[token]).await;
        assert_eq!(n, 0, "{}: raw token stored", b.name);
    }
}

#[tokio::test]
async fn each_login_gets_a_new_session_and_logout_ends_them_all() {
    for b in seeded().await {
        let a = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let c = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        assert_ne!(a, c, "{}", b.name);
        assert_eq!(
            me(&b, &a).await.map(|u| u.belongs_to).as_deref(),
            Some("南京市应急管理局")
        );
        let r = post_form(&b.router, "/api/auth/logout", &[], Some(&a)).await;
        assert!(
            r.status.is_redirection() || r.status.is_success(),
            "{}",
            b.name
        );
        assert!(me(&b, &a).await.is_none(), "{}", b.name);
        assert!(
            me(&b, &c).await.is_none(),
            "{}: other session survived logout",
            b.name
        );
    }
}

#[tokio::test]
async fn unknown_accounts_and_wrong_tabs_say_此账号不存在() {
    for b in seeded().await {
        let code = fresh_code();
        let r = login(&b, "enterprise", &code, DEMO_PASSWORD).await;
        let (field, message) = r.conflict();
        assert_eq!(field, "account", "{}", b.name);
        assert!(message.starts_with("此账号不存在"), "{message}");
        let help = r.message_at("account").help;
        assert_eq!(help, Some(Faq::AccountNotFound), "{}", b.name);
        // An enterprise account on the regulator tab does not exist there.
        let r = login(&b, "regulator", "91320102MA1XYR7K61", DEMO_PASSWORD).await;
        assert!(r.conflict().1.contains("法人用户登录"), "{}", r.body);
        // A malformed code is explained by the shared rule, not looked up.
        let r = login(&b, "enterprise", "9132010MA1XYR7K61", DEMO_PASSWORD).await;
        assert!(
            r.validation_error("account").contains("您输入了17位"),
            "{}",
            r.body
        );
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    for b in seeded().await {
        for left in (0..5).rev() {
            let r = login(&b, "enterprise", "91350100M000100Y43", "Wrong-Pass-1").await;
            let (_, msg) = r.conflict();
            if left > 0 {
                assert!(
                    msg.contains(&format!("还可再试{left}次")),
                    "{}: {msg}",
                    b.name
                );
                let help = r.message_at("password").help;
                assert_eq!(help, Some(Faq::ForgotPassword), "{}", b.name);
            } else {
                assert!(msg.contains("锁定至"), "{}: {msg}", b.name);
            }
        }
        // Even the right password is refused while locked, and nothing is created.
        let r = login(&b, "enterprise", "91350100M000100Y43", DEMO_PASSWORD).await;
        assert!(r.conflict().1.contains("锁定至"), "{}", b.name);
        assert!(r.cookie().is_none());
        // Fifteen minutes later (moved in the database) it works again.
        exec(
            &b,
            "UPDATE limit_counters SET window_start = window_start - 901, last_at = last_at - 901",
            &[],
        )
        .await;
        let r = login(&b, "enterprise", "91350100M000100Y43", DEMO_PASSWORD).await;
        assert!(r.cookie().is_some(), "{}: {}", b.name, r.body);
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_limit() {
    for b in seeded().await {
        let cookie = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        assert!(me(&b, &cookie).await.is_some());
        exec(&b, "UPDATE sessions SET last_seen = last_seen - 1801", &[]).await;
        assert!(
            me(&b, &cookie).await.is_none(),
            "{}: idle session still alive",
            b.name
        );

        let cookie = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        exec(
            &b,
            "UPDATE sessions SET expires_at = $1 WHERE last_seen > $2",
            &[app::server::now() - 1, app::server::now() - 100],
        )
        .await;
        assert!(
            me(&b, &cookie).await.is_none(),
            "{}: expired session still alive",
            b.name
        );
    }
}

#[tokio::test]
async fn pending_registrations_are_told_their_status() {
    for b in seeded().await {
        let code = fresh_code();
        // Manual review: no registry entry needed, the account waits for an administrator.
        let r = register_with(&b, &code, "Safe-Pass-2026", &[("manual_review", "1")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(registered_as(&r), Some(AccountStatus::PendingReview));
        let r = login(&b, "enterprise", &code, "Safe-Pass-2026").await;
        assert!(r.conflict().1.contains("正在人工审核中"), "{}", b.name);
        assert!(r.cookie().is_none());
    }
}

#[tokio::test]
async fn login_attempts_per_address_are_throttled() {
    let b = seeded().await.into_iter().next().unwrap();
    let now = app::server::now();
    for i in 0..30 {
        assert!(
            app::server::session::throttle(&b.state.db, "login:203.0.113.9", 30, 300, now)
                .await
                .unwrap(),
            "{i}"
        );
    }
    assert!(
        !app::server::session::throttle(&b.state.db, "login:203.0.113.9", 30, 300, now)
            .await
            .unwrap()
    );
    assert!(
        app::server::session::throttle(&b.state.db, "login:203.0.113.9", 30, 300, now + 301)
            .await
            .unwrap()
    );
    // Through the endpoint: in-process requests have no address and share the bucket "unknown".
    use app::server::session::{LOGIN_RATE_LIMIT, LOGIN_RATE_WINDOW};
    for _ in 0..LOGIN_RATE_LIMIT {
        app::server::session::throttle(
            &b.state.db,
            "ip:login:unknown",
            LOGIN_RATE_LIMIT,
            LOGIN_RATE_WINDOW,
            now,
        )
        .await
        .unwrap();
    }
    let r = login(&b, "regulator", "admin", DEMO_PASSWORD).await;
    assert!(
        matches!(r.decode(), AppError::RateLimited(m) if m.text.contains("过于频繁")),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn passwords_are_refused_in_a_query_string() {
    let b = seeded().await.into_iter().next().unwrap();
    let req = Request::get("/api/auth/login?tab=regulator&account=admin&password=Demo-Pass-2026")
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::empty())
        .unwrap();
    let r = send(&b.router, req).await;
    assert!(r.cookie().is_none(), "a GET login must not start a session");
    assert!(!r.status.is_success(), "{}", r.status);
}

#[tokio::test]
async fn a_credit_code_on_the_regulator_tab_is_sent_to_the_enterprise_tab() {
    for b in backends().await {
        let r = login_with(&b, "regulator", "91320102MA1XYR7K61", "Whatever-1", &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(r.body.contains("法人用户登录"), "{}: {}", b.name, r.body);
        assert!(r.body.contains("请切换"), "{}: {}", b.name, r.body);
    }
}

#[tokio::test]
async fn without_javascript_a_failed_login_or_reset_keeps_the_account() {
    for b in seeded().await {
        let account = "91320102MA1XYR7K61";
        for (path, page, fields, message) in [
            (
                "/api/auth/login",
                "/login",
                vec![
                    ("tab", "enterprise"),
                    ("account", account),
                    ("password", "Wrong-pass-1"),
                ],
                "密码错误",
            ),
            (
                "/api/recovery/send",
                "/forgot-password?account=stale",
                vec![("account", "91350211M0000XUF46")],
                "忘记密码只适用于已注册的企业账号",
            ),
        ] {
            let typed = fields.iter().find(|(k, _)| *k == "account").unwrap().1;
            let r = post_page_form(&b.router, path, page, &fields, None).await;
            expect_status(&r, StatusCode::FOUND, &format!("{}: {path}", b.name));
            let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
            let page_path = page.split('?').next().unwrap();
            assert!(
                location.starts_with(&format!("{ORIGIN}{page_path}?account={typed}&__path=")),
                "{}: {location}",
                b.name
            );
            // The page it lands on shows the account typed and the error.
            let back = send(&b.router, get(location.strip_prefix(ORIGIN).unwrap())).await;
            assert!(
                back.body.contains(&format!("value=\"{typed}\"")),
                "{}: {path}",
                b.name
            );
            assert!(back.body.contains(message), "{}: {path}", b.name);
        }
    }
}
