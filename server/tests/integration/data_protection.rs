//! Issue 11: exactly-once decisions, the tamper-evident audit trail, page
//! headers (CSP, no-store) and one staff login namespace.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::server::seed::{seed_demo, DEMO_PASSWORD};
use axum::http::StatusCode;

async fn seeded() -> Vec<Backend> {
    let all = backends().await;
    for b in &all {
        seed_demo(&b.state.db, &b.state.hasher, app::server::now())
            .await
            .unwrap();
    }
    all
}

async fn count(b: &Backend, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn two_reviewers_at_once_make_exactly_one_decision() {
    for b in seeded().await {
        let code = fresh_code();
        let r = register_with(&b, &code, "Safe-Pass-2026", &[("manual_review", "1")]).await;
        assert_eq!(
            r.json()["submitted"]["status"],
            "pending_review",
            "{}",
            r.body
        );
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(&code)
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();
        let id = id.to_string();
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let sms_before = count(
            &b,
            "SELECT COUNT(*) FROM sms_messages WHERE purpose = 'review_result'",
        )
        .await;
        let approve = [
            ("user_id", id.as_str()),
            ("decision", "approve"),
            ("reason", ""),
        ];
        let reject = [
            ("user_id", id.as_str()),
            ("decision", "reject"),
            ("reason", "营业执照照片不清晰"),
        ];
        let (a, c) = tokio::join!(
            post_form(&b.router, "/api/review/decide", &approve, Some(&admin)),
            post_form(&b.router, "/api/review/decide", &reject, Some(&county)),
        );
        let ok: Vec<&Reply> = [&a, &c]
            .into_iter()
            .filter(|r| r.status == StatusCode::OK)
            .collect();
        assert_eq!(ok.len(), 1, "{}: {} / {}", b.name, a.body, c.body);
        let loser = if a.status == StatusCode::OK { &c } else { &a };
        assert_eq!(
            loser.status,
            StatusCode::CONFLICT,
            "{}: {}",
            b.name,
            loser.body
        );
        let msg = loser.json()["Conflict"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            msg.contains("该申请已由") && (msg.contains("系统管理员") || msg.contains("孙磊")),
            "{}: the loser learns who decided: {msg} ({})",
            b.name,
            loser.body
        );
        let sms_after = count(
            &b,
            "SELECT COUNT(*) FROM sms_messages WHERE purpose = 'review_result'",
        )
        .await;
        assert_eq!(sms_after - sms_before, 1, "{}: one SMS", b.name);
        let rows = count(
            &b,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('review.approve', 'review.reject')",
        )
        .await;
        assert_eq!(rows, 1, "{}: one audit row", b.name);
    }
}

/// Runs `server audit verify` the way an operator does.
fn verify_cli(database_url: &str) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_OUTPUT_NAME", "whp")
        .env("APP_ENV", "development")
        .env_remove("BIND_ADDR")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn the_audit_trail_is_a_chain_that_names_the_altered_row() {
    for b in seeded().await {
        // Some history: logins, a failed one, a logout.
        let cookie = login_cookie(&b, "enterprise", "91320102MA1XYR7K61", DEMO_PASSWORD).await;
        let _ = post_form(
            &b.router,
            "/api/auth/login",
            &[
                ("tab", "enterprise"),
                ("account", "91320102MA1XYR7K61"),
                ("password", "Wrong-Pass-1"),
            ],
            None,
        )
        .await;
        let _ = post_form(&b.router, "/api/auth/logout", &[], Some(&cookie)).await;
        for action in ["auth.login", "auth.login_failed", "auth.logout"] {
            assert!(
                !audit_rows(&b, action).await.is_empty(),
                "{}: no {action} row",
                b.name
            );
        }
        let head = app::server::audit::verify(&b.state.db).await.unwrap();
        let head = head.unwrap_or_else(|e| panic!("{}: fresh trail broken: {e:?}", b.name));
        assert!(head.rows >= 3, "{}: {head:?}", b.name);

        // The database refuses changes, also from someone with SQL access.
        for sql in [
            "UPDATE audit_log SET summary = 'x'",
            "DELETE FROM audit_log",
        ] {
            let e = sqlx::query(sql).execute(b.state.db.writer()).await;
            assert!(e.is_err(), "{}: {sql} was allowed", b.name);
        }
        if b.name == "postgres" {
            let e = sqlx::query("TRUNCATE audit_log")
                .execute(b.state.db.writer())
                .await;
            assert!(
                e.to_string_lossy().contains("append-only"),
                "{}: TRUNCATE allowed",
                b.name
            );
        }
        let middle: i64 =
            sqlx::query_scalar("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        if b.name == "sqlite" {
            // As someone editing the database file would: triggers off, a row changed.
            let url = b.state.config.database_url.clone();
            let (ok, out) = verify_cli(&url);
            assert!(ok && out.contains("intact"), "{out}");
            sqlx::query("DROP TRIGGER audit_log_no_update")
                .execute(b.state.db.writer())
                .await
                .unwrap();
            sqlx::query("UPDATE audit_log SET summary = '登录成功(已篡改)' WHERE id = $1")
                .bind(middle)
                .execute(b.state.db.writer())
                .await
                .unwrap();
            let (ok, out) = verify_cli(&url);
            assert!(!ok, "verify passed an altered trail: {out}");
            assert!(
                out.contains(&format!("row {middle}:")) && out.contains("altered"),
                "{out}"
            );
        } else {
            sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
                .execute(b.state.db.writer())
                .await
                .unwrap();
            sqlx::query("DELETE FROM audit_log WHERE id = $1")
                .bind(middle)
                .execute(b.state.db.writer())
                .await
                .unwrap();
            let broken = app::server::audit::verify(&b.state.db)
                .await
                .unwrap()
                .unwrap_err();
            let next: i64 = sqlx::query_scalar("SELECT MIN(id) FROM audit_log WHERE id > $1")
                .bind(middle)
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
            assert_eq!(broken.id, next, "{}: {broken:?}", b.name);
            assert!(broken.reason.contains("removed"), "{broken:?}");
        }
    }
}

trait Lossy {
    fn to_string_lossy(&self) -> String;
}

impl<T> Lossy for Result<T, sqlx::Error> {
    fn to_string_lossy(&self) -> String {
        match self {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }
}

#[tokio::test]
async fn pages_forbid_inline_script_and_are_never_cached() {
    for b in seeded().await {
        let r = send(&b.router, get("/login")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        let csp = r.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap_or_else(|| panic!("no nonce in {csp}"));
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        // Every inline script of the page carries this response's nonce.
        let scripts = r.body.matches("<script").count();
        let with_nonce = r.body.matches(&format!("nonce=\"{nonce}\"")).count();
        assert!(
            scripts > 0 && with_nonce >= scripts,
            "{scripts} scripts, {with_nonce} with the nonce"
        );
        assert_eq!(r.headers["cache-control"], "no-store", "{}", b.name);
        let again = send(&b.router, get("/login")).await;
        assert_ne!(
            again.headers["content-security-policy"],
            r.headers["content-security-policy"]
        );
        // Answers of server functions too.
        let cookie = login_cookie(&b, "enterprise", "91320102MA1XYR7K61", DEMO_PASSWORD).await;
        let info = post_form(&b.router, "/api/info/mine", &[], Some(&cookie)).await;
        assert_eq!(
            info.headers["cache-control"], "no-store",
            "{}: {}",
            b.name, info.body
        );
    }
}

#[tokio::test]
async fn no_regulator_can_take_an_administrators_login() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        for login in ["admin", "ADMIN", "Admin"] {
            let r = post_form(
                &b.router,
                "/api/admin/regulators/create",
                &[
                    ("login", login),
                    ("display_name", "冒名者"),
                    ("region_county", "320102"),
                ],
                Some(&admin),
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::CONFLICT,
                "{}: {login}: {}",
                b.name,
                r.body
            );
            assert!(r.body.contains("已被使用"), "{}", r.body);
        }
    }
}
