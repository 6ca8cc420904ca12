//! The manual-review queue: who sees what, decisions, SMS, resubmission.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::review::ReviewItem;
use app::domain::help::Faq;
use app::error::AppError;
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

/// The demo, and a regulator of another county (秦淮区, `nj-qinhuai`).
pub async fn seeded() -> Vec<Backend> {
    let all = crate::common::seeded().await;
    for b in &all {
        // A regulator of another county (秦淮区), to prove the jurisdiction filter.
        exec(
            b,
            "INSERT INTO organizations (name, level, region_code, created_at) VALUES ('南京市秦淮区应急管理局', 'county', '320104', 0)",
            &[],
        )
        .await;
        let hash = b.state.hasher.hash(DEMO_PASSWORD.into()).await.unwrap();
        sqlx::query(
            "INSERT INTO users (kind, login, display_name, organization_id, password_hash, status, created_at, totp_secret) \
             VALUES ('regulator', 'nj-qinhuai', '秦淮', (SELECT id FROM organizations WHERE region_code = '320104'), $1, 'active', 0, $2)",
        )
        .bind(hash)
        .bind(app::server::seed::DEMO_TOTP_SECRET)
        .execute(b.state.db.writer())
        .await
        .unwrap();
    }
    all
}

async fn queue(b: &Backend, cookie: Option<&str>) -> Reply {
    post_form(&b.router, "/api/review/queue", &[], cookie).await
}

async fn decide(b: &Backend, cookie: &str, user_id: &str, decision: &str, reason: &str) -> Reply {
    post_form(
        &b.router,
        "/api/review/decide",
        &[
            ("user_id", user_id),
            ("decision", decision),
            ("reason", reason),
        ],
        Some(cookie),
    )
    .await
}

/// A manual-review registration in 南京市玄武区; returns its user id.
async fn pending(b: &Backend, code: &str) -> String {
    pending_registration(b, code).await.to_string()
}

/// A manual-review registration of a fresh credit code: (the code, its
/// user id).
async fn fresh_pending(b: &Backend) -> (String, String) {
    let code = fresh_code();
    let id = pending(b, &code).await;
    (code, id)
}

/// The newest SMS that tells a handler the review's result.
async fn last_result_sms(b: &Backend) -> String {
    sqlx::query_scalar(
        "SELECT body FROM sms_messages WHERE purpose = 'review_result' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(b.state.db.reader())
    .await
    .unwrap()
}

#[tokio::test]
async fn reviewers_see_their_jurisdiction_only_and_others_nothing() {
    for b in seeded().await {
        let (code, _) = fresh_pending(&b).await;
        for (login, sees) in [
            ("admin", true),
            ("js-province", true),
            ("nj-city", true),
            ("nj-xuanwu", true),
            ("nj-qinhuai", false),
        ] {
            let cookie = login_cookie(&b, "regulator", login, DEMO_PASSWORD).await;
            let items: Vec<ReviewItem> = queue(&b, Some(&cookie)).await.decode();
            let found = items.iter().any(|i| i.credit_code == code);
            assert_eq!(found, sees, "{}: {login}", b.name);
        }
        let cookie = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let items: Vec<ReviewItem> = queue(&b, Some(&cookie)).await.decode();
        let item = &items[0];
        assert_eq!(item.region, "江苏省 南京市 玄武区");
        assert_eq!(item.id_doc, "居民身份证 110105**********2X");
        assert_eq!(item.mobile_masked, "139****5678");
        assert!(!item.overdue);
        assert!(item.waited.starts_with("已等待"), "{}", item.waited);

        // An enterprise and an anonymous visitor get nothing.
        let ent = login_cookie(&b, "enterprise", "91350100M000100Y43", DEMO_PASSWORD).await;
        for (cookie, status) in [
            (Some(ent.as_str()), StatusCode::FORBIDDEN),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            assert_eq!(queue(&b, cookie).await.status, status, "{}", b.name);
        }
    }
}

#[tokio::test]
async fn a_regulator_outside_the_county_cannot_decide() {
    for b in seeded().await {
        let (_, id) = fresh_pending(&b).await;
        let other = login_cookie(&b, "regulator", "nj-qinhuai", DEMO_PASSWORD).await;
        let ent = login_cookie(&b, "enterprise", "91350100M000100Y43", DEMO_PASSWORD).await;
        for cookie in [&other, &ent] {
            let r = decide(&b, cookie, &id, "approve", "").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        }
        let status: String = sqlx::query_scalar("SELECT status FROM users WHERE id = $1")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();
        assert_eq!(status, "pending_review");
    }
}

#[tokio::test]
async fn approval_activates_the_account_and_tells_the_handler() {
    for b in seeded().await {
        let (code, id) = fresh_pending(&b).await;
        let cookie = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let r = decide(&b, &cookie, &id, "approve", "").await;
        assert!(
            r.decode::<String>().contains("已短信通知经办人"),
            "{}: {}",
            b.name,
            r.body
        );
        // The page that called shows the answer itself: nothing for the next page.
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
        let sms = last_result_sms(&b).await;
        assert!(sms.contains("已审核通过"), "{sms}");
        login_cookie(&b, "enterprise", &code, "Safe-Pass-2026").await;
        let rows = audit_rows(&b, "review.approve").await;
        assert!(
            rows.iter()
                .any(|(actor, _, _)| actor.starts_with("南京市玄武区应急管理局 · ")),
            "{}: {rows:?}",
            b.name
        );
        assert!(
            !audit_rows(&b, "account.register").await.is_empty(),
            "{}",
            b.name
        );
        // Decided once only.
        let again = decide(&b, &cookie, &id, "reject", "重复处理测试").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", b.name);
    }
}

#[tokio::test]
async fn a_decision_posted_without_javascript_is_confirmed_once_on_the_page_it_returns_to() {
    for b in seeded().await {
        let (_, id) = fresh_pending(&b).await;
        let cookie = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let fields = [
            ("user_id", id.as_str()),
            ("decision", "approve"),
            ("reason", ""),
        ];
        let post_plain = || {
            post_page_form(
                &b.router,
                "/api/review/decide",
                "/review",
                &fields,
                Some(&cookie),
            )
        };
        let r = post_plain().await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        // Back to the page (server_fn leaves an empty query behind).
        expect_back_to(&b, &r, "/review");
        let flash = r
            .set_cookie("whp_flash=")
            .unwrap_or_else(|| panic!("{}: no confirmation cookie: {:?}", b.name, r.headers));
        assert!(
            flash.contains("HttpOnly") && flash.contains("Max-Age=60"),
            "{flash}"
        );
        let pair = flash.split(';').next().unwrap_or_default();
        let page = send(&b.router, get_as("/review", &format!("{cookie}; {pair}"))).await;
        assert_eq!(page.status, StatusCode::OK, "{}", b.name);
        assert!(
            page.body
                .contains(r#"<p role="status" class="notice success flash">已通过"#)
                && page.body.contains("已短信通知经办人"),
            "{}: {}",
            b.name,
            page.body
        );
        // Shown once: the page deletes the cookie.
        assert!(
            page.set_cookie("whp_flash=;")
                .is_some_and(|c| c.contains("Max-Age=0")),
            "{}: {:?}",
            b.name,
            page.headers
        );
        let again = send(&b.router, get_as("/review", &cookie)).await;
        assert!(!again.body.contains("已短信通知经办人"), "{}", b.name);
        // A failed plain post carries its error in the address, no confirmation.
        let r = post_plain().await;
        assert!(
            r.location().contains("__err="),
            "{}: {}",
            b.name,
            r.location()
        );
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
    }
}

#[tokio::test]
async fn a_rejection_needs_a_reason_is_shown_at_login_and_can_be_resubmitted() {
    for b in seeded().await {
        let (code, id) = fresh_pending(&b).await;
        let cookie = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = decide(&b, &cookie, &id, "reject", "").await;
        assert!(r.validation_error("reason").contains("原因"), "{}", b.name);
        decide(
            &b,
            &cookie,
            &id,
            "reject",
            "企业名称与营业执照不一致,请修改后重新注册。",
        )
        .await;
        let sms = last_result_sms(&b).await;
        assert!(sms.contains("企业名称与营业执照不一致"), "{sms}");
        // The reviewer's own "重新注册" is not repeated.
        assert_eq!(sms.matches("重新注册").count(), 1, "{sms}");
        let rows = audit_rows(&b, "review.reject").await;
        assert!(
            rows.iter()
                .any(|(_, summary, _)| summary.contains("企业名称与营业执照不一致")),
            "{}: {rows:?}",
            b.name
        );
        let r = login(&b, "enterprise", &code, "Safe-Pass-2026").await;
        let AppError::Conflict { message: msg, .. } = r.decode::<AppError>() else {
            panic!("{}: {}", b.name, r.body);
        };
        assert!(
            msg.text
                .contains("未通过审核,原因:企业名称与营业执照不一致"),
            "{}: {msg}",
            b.name
        );
        assert!(msg.text.contains("重新注册"));
        // The login page links the article on manual review next to it.
        assert_eq!(msg.help, Some(Faq::ManualReview), "{}", b.name);

        // The same code can register again (a while later); the rejected record gives way.
        exec(&b, "UPDATE limit_counters SET last_at = last_at - 61", &[]).await;
        let id2 = pending(&b, &code).await;
        assert_ne!(id, id2);
        let sql = "SELECT COUNT(*) FROM enterprises WHERE credit_code = $1";
        assert_eq!(scalar(&b, sql, &[code.as_str()]).await, 1, "{}", b.name);
    }
}

#[test]
fn create_admin_makes_a_working_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("admin.db").display());
    let run = |password: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["create-admin", "root-admin", "首任管理员"])
            .env("DATABASE_URL", &db)
            .env("ADMIN_PASSWORD", password)
            .output()
            .unwrap()
    };
    let weak = run("Aa123456");
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("常见的弱密码"));
    let ok = run("Root-Admin-2026");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = run("Root-Admin-2026");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[tokio::test]
async fn a_refused_reason_sent_without_javascript_comes_back_in_its_field_for_its_writer_only() {
    use app::domain::kept_text::KEPT_TEXT_NOTE;
    for b in seeded().await {
        let (_, id) = fresh_pending(&b).await;
        let xuanwu = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let reject = |reason: &str| {
            let fields = vec![
                ("user_id", id.clone()),
                ("decision", "reject".to_string()),
                ("reason", reason.to_string()),
            ];
            plain_post(&b, "/api/review/decide", "/review", fields, &xuanwu)
        };
        // Too short for the server (an old browser did not check it).
        let r = reject("不符").await;
        let page = page_back_refused(&b, &r, &xuanwu).await;
        let field = format!(r#"id="reason-{id}""#);
        let input = page
            .split(&field)
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .unwrap_or_else(|| panic!("{}: no reason field: {page}", b.name));
        assert!(input.contains(r#"value="不符""#), "{}: {input}", b.name);
        assert!(
            input.contains(r#"aria-invalid="true""#),
            "{}: {input}",
            b.name
        );
        assert!(page.contains(KEPT_TEXT_NOTE), "{}", b.name);
        // The message stands under the field, not above the list.
        let message = field_message(&format!("reason-{id}"), "");
        assert!(page.contains(&message), "{}: {page}", b.name);
        assert!(
            !page.contains(r#"<p role="alert" class="alert">"#),
            "{}",
            b.name
        );
        // Nothing was decided; another reviewer of the same queue sees the
        // registration but not the text.
        let other = crate::common::page(&b, "/review", &city).await;
        assert!(other.contains(&field), "{}", b.name);
        assert!(!other.contains(r#"value="不符""#), "{}", b.name);
        assert!(!other.contains(KEPT_TEXT_NOTE), "{}", b.name);
        // Shown again on a later visit (the writer may come back to it) ...
        let later = crate::common::page(&b, "/review", &xuanwu).await;
        assert!(later.contains(r#"value="不符""#), "{}", b.name);
        // ... until the decision goes through.
        let r = reject("企业名称与营业执照不一致").await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        assert!(
            !r.location().contains("__err="),
            "{}: {}",
            b.name,
            r.location()
        );
        let kept = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM kept_text")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap()
        };
        assert_eq!(kept().await, 0, "{}", b.name);
        // Decided already: the refusal is said above the list, and a reason
        // with no field left is not kept.
        let r = reject("名称与执照不一致").await;
        let page = page_back_refused(&b, &r, &xuanwu).await;
        assert!(
            page.contains(r#"<p role="alert" class="alert">"#),
            "{}: {page}",
            b.name
        );
        assert_eq!(kept().await, 0, "{}", b.name);
    }
}
