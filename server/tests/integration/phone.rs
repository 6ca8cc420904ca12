//! 手机号码无法接收短信?: proof per field, SMS to the new phone, the
//! registry, and the review fallback, on SQLite and PostgreSQL.

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
        // The registry knows 福州 (confirms) but not 广州 (review fallback).
        sqlx::query(
            "INSERT INTO registry_entries (credit_code, name, legal_rep_name, id_number, imported_at) \
             VALUES ('91350100M000100Y43', '福州示例危险品储运有限公司', '林芳', '440106200012310025', 0)",
        )
        .execute(b.state.db.writer())
        .await
        .unwrap();
    }
    all
}

async fn change(b: &Backend, account: &str, name: &str, id: &str, mobile: &str) -> Reply {
    let sent = post_form(
        &b.router,
        "/api/phone/code",
        &[("account", account), ("new_mobile", mobile)],
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

#[tokio::test]
async fn a_confirmed_proof_changes_the_phone_at_once_and_ends_sessions() {
    for b in seeded().await {
        let session = login_cookie(&b, "enterprise", "91350100M000100Y43", DEMO_PASSWORD).await;
        let r = change(
            &b,
            "91350100M000100Y43",
            "福州示例危险品储运有限公司",
            "440106200012310025",
            "13912349901",
        )
        .await;
        assert!(
            r.json().as_str().unwrap().contains("已更换为 139****9901"),
            "{}: {}",
            b.name,
            r.body
        );
        let mobile: String =
            sqlx::query_scalar("SELECT mobile FROM users WHERE login = '91350100M000100Y43'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        assert_eq!(mobile, "13912349901", "{}", b.name);
        let rows = audit_rows(&b, "account.phone").await;
        assert_eq!(rows.len(), 1, "{}", b.name);
        assert!(rows[0].2.contains("139****9901"), "{}: {rows:?}", b.name);
        assert!(
            post_form(&b.router, "/api/auth/me", &[], Some(&session))
                .await
                .json()
                .is_null(),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn mismatches_are_reported_per_field_with_the_service_line() {
    for b in seeded().await {
        let r = change(
            &b,
            "91350100M000100Y43",
            "福州另一家公司",
            "440106200012310025",
            "13912349902",
        )
        .await;
        let e = &r.json()["Validation"];
        assert!(
            e["enterprise_name"]
                .as_str()
                .unwrap()
                .contains("企业名称与注册时的信息不一致"),
            "{}: {}",
            b.name,
            r.body
        );
        assert!(e["enterprise_name"]
            .as_str()
            .unwrap()
            .contains("400-9659818"));
        assert!(e.get("id_number").is_none());
        let code = last_sms_code(&b, "13912349902").await;
        let r = post_form(
            &b.router,
            "/api/phone/change",
            &[
                ("account", "91350100M000100Y43"),
                ("enterprise_name", "福州示例危险品储运有限公司"),
                ("id_number", "11010519491231002X"),
                ("new_mobile", "13912349902"),
                ("sms_code", &code),
            ],
            None,
        )
        .await;
        assert!(
            r.json()["Validation"]["id_number"]
                .as_str()
                .unwrap()
                .contains("证件号码与注册时的信息不一致"),
            "{}",
            b.name
        );
        let mobile: String =
            sqlx::query_scalar("SELECT mobile FROM users WHERE login = '91350100M000100Y43'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        assert_eq!(mobile, "13800138005", "{}: nothing changed", b.name);
    }
}

#[tokio::test]
async fn without_the_registry_the_change_waits_for_a_reviewer_of_that_region() {
    for b in seeded().await {
        let r = change(
            &b,
            "92440106MA59QK2T0A",
            "广州天河示例加油站",
            "510105198506150043",
            "13912349903",
        )
        .await;
        assert!(
            r.json().as_str().unwrap().contains("已提交人工审核"),
            "{}: {}",
            b.name,
            r.body
        );
        let id: i64 =
            sqlx::query_scalar("SELECT id FROM phone_change_requests WHERE status = 'pending'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        // Nanjing regulators do not see or decide a Guangzhou enterprise.
        let nj = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        assert_eq!(
            post_form(&b.router, "/api/phone/queue", &[], Some(&nj))
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let r = post_form(
            &b.router,
            "/api/phone/decide",
            &[("request_id", &id.to_string()), ("approve", "true")],
            Some(&nj),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        // The administrator does.
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let queue = post_form(&b.router, "/api/phone/queue", &[], Some(&admin))
            .await
            .json();
        assert_eq!(queue[0]["new_mobile"], "139****9903", "{}", b.name);
        let r = post_form(
            &b.router,
            "/api/phone/decide",
            &[("request_id", &id.to_string()), ("approve", "true")],
            Some(&admin),
        )
        .await;
        assert!(r.status.is_success(), "{}: {}", b.name, r.body);
        let mobile: String =
            sqlx::query_scalar("SELECT mobile FROM users WHERE login = '92440106MA59QK2T0A'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        assert_eq!(mobile, "13912349903", "{}", b.name);
    }
}
