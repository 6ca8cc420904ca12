//! Registration against the enterprise-credit registry: mismatches at their
//! fields, time-outs and outages offering manual review with nothing lost,
//! the HTTP client against a local registry, and the CSV import.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::time::Duration;

use crate::common::*;
use app::api::registration::RegistrationView;
use app::domain::help::Faq;
use app::server::registry::{Claim, Mismatch, Registry, RegistryError, Verdict};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

async fn step_one(b: &Backend, fields: &[(&'static str, &str)]) -> Reply {
    post_form(&b.router, "/api/register/org", fields, None).await
}

#[tokio::test]
async fn each_mismatch_is_reported_at_its_field_in_the_national_wording() {
    for b in backends().await {
        let code = known_code(&b, "").await;
        let mut f = org_fields(&code);
        f[2].1 = "南京集成测试化工有限责任公司".into();
        f[3].1 = "王六".into();
        f[5].1 = "440524188001010014".into();
        let r = step_one(&b, &as_refs(&f)).await;
        expect_status(&r, StatusCode::UNPROCESSABLE_ENTITY, b.name);
        let expected = [
            ("enterprise_name", "验证失败,输入的企业名称与库中匹配失败"),
            ("legal_rep_name", "机构信息认证失败,请输入准确的机构信息"),
            ("id_doc_number", "验证失败,法人证件号码与库中匹配失败"),
            ("verification", "填写的机构信息与登记机关的数据不一致"),
        ];
        for (field, words) in expected {
            let m = r.message_at(field);
            assert!(m.text.starts_with(words), "{}: {field}: {}", b.name, m.text);
            // Each links the article on registry mismatches.
            assert_eq!(m.help, Some(Faq::RegistryMismatch), "{}: {field}", b.name);
        }
        assert!(r.validation_error("verification").contains("转人工审核"));
        assert_eq!(r.validation_error("credit_code"), "");

        let other = fresh_code();
        let r = step_one(&b, &as_refs(&org_fields(&other))).await;
        let m = r.message_at("credit_code");
        assert!(
            m.text
                .starts_with("验证失败,根据统一社会信用代码未查询到信息"),
            "{}",
            b.name
        );
        assert_eq!(m.help, Some(Faq::RegistryMismatch), "{}", b.name);
    }
}

#[tokio::test]
async fn a_registry_time_out_offers_manual_review_with_everything_kept() {
    for b in backends().await {
        let code = known_code(&b, "timeout").await;
        let started = std::time::Instant::now();
        let r = step_one(&b, &as_refs(&org_fields(&code))).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the time-out must be bounded"
        );
        assert_eq!(r.conflict().0, "verification", "{}: {}", b.name, r.body);
        let m = r.message_at("verification");
        assert!(
            m.text.starts_with("调用第三方服务超时"),
            "{}: {}",
            b.name,
            r.body
        );
        assert_eq!(m.help, Some(Faq::RegistryTimeout), "{}", b.name);
        let cookie = r.cookie().unwrap();
        let view: RegistrationView = post_form(&b.router, "/api/registration", &[], Some(&cookie))
            .await
            .decode();
        assert_eq!(view.org.credit_code, code, "typed values kept");
        assert_eq!(view.org.legal_type, "enterprise");

        // The same data, sent for manual review, keeps the chosen 法人类型.
        pending_registration(&b, &code).await;
        let legal_type: String =
            sqlx::query_scalar("SELECT legal_type FROM enterprises WHERE credit_code = $1")
                .bind(&code)
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        assert_eq!(legal_type, "enterprise");
    }
}

#[tokio::test]
async fn an_outage_is_reported_too() {
    let b = backends().await.into_iter().next().unwrap();
    let code = known_code(&b, "unavailable").await;
    let r = step_one(&b, &as_refs(&org_fields(&code))).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.conflict().0, "verification", "{}", r.body);
    let m = r.message_at("verification");
    assert!(m.text.contains("暂时无法使用"), "{}", r.body);
    assert_eq!(m.help, Some(Faq::RegistryTimeout));
}

#[tokio::test]
async fn the_sms_code_must_match_the_phone_it_was_sent_to() {
    let b = backends().await.into_iter().next().unwrap();
    let code = known_code(&b, "").await;
    let (cookie, sms) = registration_sms(&b, &code, &[]).await;
    let fields = [
        ("handler_name", "赵六"),
        ("handler_mobile", "13987654321"),
        ("sms_code", sms.as_str()),
        ("password", "Safe-Pass-2026"),
        ("password_confirm", "Safe-Pass-2026"),
    ];
    let r = post_form(&b.router, "/api/register/account", &fields, Some(&cookie)).await;
    assert_eq!(r.conflict().0, "sms_code", "{}", r.body);
    assert_eq!(accounts_named(&b, &code).await, 0);
}

/// A local registry: codes ending in 1 match, 2 are not found, 3 mismatch the
/// name, 4 fail with 500, 5 reply malformed JSON, 6 hang.
async fn fake_registry() -> String {
    async fn handle(Json(claim): Json<serde_json::Value>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let code = claim["credit_code"].as_str().unwrap_or("").to_string();
        match code.chars().last() {
            Some('1') => Json(serde_json::json!({ "result": "match" })).into_response(),
            Some('2') => Json(serde_json::json!({ "result": "not_found" })).into_response(),
            Some('3') => Json(serde_json::json!({ "result": "mismatch", "mismatches": ["name"] }))
                .into_response(),
            Some('4') => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            Some('5') => "{ not json".into_response(),
            _ => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Json(serde_json::json!({ "result": "match" })).into_response()
            }
        }
    }
    serve_locally(Router::new().route("/verify", post(handle)), "/verify").await
}

#[tokio::test]
async fn http_registry_client_handles_every_kind_of_answer() {
    let b = backends().await.into_iter().next().unwrap();
    let registry = Registry::http(
        fake_registry().await,
        Some("t".into()),
        Duration::from_millis(400),
    )
    .unwrap();
    let claim = |last: char| Claim {
        credit_code: format!("9132010200000000{last}"),
        name: "x".into(),
        legal_rep_name: "y".into(),
        id_number: "z".into(),
    };
    assert_eq!(
        registry.verify(&b.state.db, &claim('1')).await.unwrap(),
        Verdict::Match
    );
    assert_eq!(
        registry.verify(&b.state.db, &claim('2')).await.unwrap(),
        Verdict::NotFound
    );
    assert_eq!(
        registry.verify(&b.state.db, &claim('3')).await.unwrap(),
        Verdict::Mismatch(vec![Mismatch::Name])
    );
    assert!(
        matches!(registry.verify(&b.state.db, &claim('4')).await, Err(RegistryError::Unavailable(e)) if e.contains("500"))
    );
    assert!(
        matches!(registry.verify(&b.state.db, &claim('5')).await, Err(RegistryError::Unavailable(e)) if e.contains("malformed"))
    );
    assert!(matches!(
        registry.verify(&b.state.db, &claim('6')).await,
        Err(RegistryError::Timeout)
    ));
}

#[tokio::test]
async fn csv_import_checks_every_row_and_is_all_or_nothing() {
    for b in backends().await {
        let db = &b.state.db;
        let good = "credit_code,name,legal_rep_name,id_number,simulate\n\
                    9132 0102 ma1x yr7k 61,\"南京玄武示例化工贸易有限公司\",张明,320102199001011232,\n\
                    91350100M000100Y43,福州示例危险品储运有限公司,林芳,440106200012310025,timeout\n";
        assert_eq!(
            app::server::registry::import_csv(db, good, 1).await,
            Ok(2),
            "{}",
            b.name
        );
        let stored: String = sqlx::query_scalar(
            "SELECT name FROM registry_entries WHERE credit_code = '91320102MA1XYR7K61'",
        )
        .fetch_one(db.reader())
        .await
        .unwrap();
        assert_eq!(stored, "南京玄武示例化工贸易有限公司");

        let bad = "credit_code,name,legal_rep_name,id_number\n\
                   92440106MA59QK2T0A,广州天河示例加油站,陈刚,510105198506150043\n\
                   9132010MA1XYR7K61,短码公司,某人,320102199001011232\n\
                   91320102MA1XYR7K61,,张明,320102199001011232\n";
        let problems = app::server::registry::import_csv(db, bad, 2)
            .await
            .unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("line 3: credit code"),
            "{problems:?}"
        );
        assert!(problems[1].starts_with("line 4:"), "{problems:?}");
        let n = scalar(&b, "SELECT COUNT(*) FROM registry_entries", &[]).await;
        assert_eq!(n, 2, "{}: a bad file must not be half imported", b.name);
    }
}

#[test]
fn the_cli_imports_a_csv_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("registry.csv");
    std::fs::write(&csv, "credit_code,name,legal_rep_name,id_number\n93510105MA62W7L15B,成都锦江示例农资专业合作社,周强,11010519491231002X\n").unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let import = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["registry", "import"])
            .arg(&csv)
            .env("DATABASE_URL", &db)
            .output()
            .unwrap()
    };
    let out = import();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("imported 1 registry entries"), "{stdout}");

    std::fs::write(
        &csv,
        "credit_code,name,legal_rep_name,id_number\nnot-a-code,x,y,z\n",
    )
    .unwrap();
    let out = import();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: credit code"));
}
