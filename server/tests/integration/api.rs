//! The server through its real router, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::registration::RegistrationView;
use app::domain::help::Faq;
use app::domain::registration::Verification;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn health_check_reaches_the_database() {
    for b in backends().await {
        let r = send(&b.router, get("/healthz")).await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (StatusCode::OK, "ok"),
            "{}",
            b.name
        );
        assert_eq!(
            r.headers
                .get("x-content-type-options")
                .map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        b.state.db.close().await;
        let r = send(&b.router, get("/healthz")).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", b.name);
    }
}

#[tokio::test]
async fn registration_step_one_validates_and_stores_the_normalised_values() {
    for b in backends().await {
        let code = known_code(&b, "").await;
        let spaced = format!("{} {}", &code[..9], code[9..].to_lowercase());
        let mut fields = org_fields(&spaced);
        fields[3].1 = " 王五 ".into();
        let r = post_form(&b.router, "/api/register/org", &as_refs(&fields), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let cookie = guarded_cookie(&r, "whp_reg", "draft cookie");
        let view: RegistrationView = r.decode();
        assert_eq!(view.org.credit_code, code, "{}", b.name);
        assert_eq!(view.org.legal_rep_name, "王五");
        assert!(view.org_accepted);
        assert_eq!(view.verification, Some(Verification::Registry));

        // Shown back on a later visit with the same cookie.
        let again = post_form(&b.router, "/api/registration", &[], Some(&cookie)).await;
        assert_eq!(
            again.decode::<RegistrationView>().org.credit_code,
            code,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn the_register_page_shows_the_step_the_registration_is_at() {
    for b in backends().await {
        let step = |n: u8, label: &str| format!(r#"<span class="step-no">{n}</span>{label}"#);
        let current = |body: &str, n: u8, label: &str| {
            body.split("<li")
                .any(|li| li.contains("aria-current") && li.contains(&step(n, label)))
        };
        // A fresh browser: 机构信息.
        let body = send(&b.router, get("/register")).await.body;
        assert!(
            current(&body, 1, "机构信息") && body.contains(r#"action="/api/register/org""#),
            "{}: {body}",
            b.name
        );
        // A plain post with a wrong code comes back to the form, the
        // message at its field and what was typed kept.
        let code = known_code(&b, "").await;
        let mut fields = org_fields(&code);
        // A check character other than the right one (never the code itself).
        let wrong = if code.ends_with('X') { 'Y' } else { 'X' };
        fields[1].1 = format!("{}{wrong}", &code[..17]);
        let r = post_page_form(
            &b.router,
            "/api/register/org",
            "/register",
            &as_refs(&fields),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        let cookie = r.cookie().expect("draft cookie");
        let body = page_back(&b, &r, &cookie).await;
        assert!(
            current(&body, 1, "机构信息")
                && body.contains(r#"aria-invalid="true""#)
                && body.contains("f-credit_code-msg")
                && body.contains(r#"value="南京集成测试化工有限公司""#),
            "{}: {body}",
            b.name
        );
        // Accepted: 经办人与密码, with the way back to 机构信息.
        let r = post_form(
            &b.router,
            "/api/register/org",
            &as_refs(&org_fields(&code)),
            Some(&cookie),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let body = page(&b, "/register", &cookie).await;
        assert!(
            current(&body, 2, "经办人与密码")
                && body.contains(r#"href="/register?step=org""#)
                && body.contains(r#"action="/api/register/account""#)
                && body.contains(&format!("南京集成测试化工有限公司({code})")),
            "{}: {body}",
            b.name
        );
        let body = page(&b, "/register?step=org", &cookie).await;
        assert!(
            current(&body, 1, "机构信息")
                && body.contains(&format!(r#"value="{code}""#))
                && body.contains("返回“经办人与密码”"),
            "{}: {body}",
            b.name
        );
        // Sent again from there as a plain post: on to the next step, not
        // back to the form it came from.
        let r = post_page_form(
            &b.router,
            "/api/register/org",
            "/register?step=org",
            &as_refs(&org_fields(&code)),
            Some(&cookie),
        )
        .await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        assert_eq!(r.headers[header::LOCATION], "/register", "{}", b.name);
    }
}

#[tokio::test]
async fn invalid_input_is_refused_field_by_field_and_kept_as_typed() {
    for b in backends().await {
        let mut fields = org_fields("91350100M000100YO3");
        fields[2].1 = String::new();
        let r = post_form(&b.router, "/api/register/org", &as_refs(&fields), None).await;
        assert!(!r.status.is_success(), "{}", b.name);
        let expected = app::domain::CreditCode::parse("91350100M000100YO3")
            .unwrap_err()
            .to_string();
        assert_eq!(r.validation_error("credit_code"), expected, "{}", b.name);
        assert!(r
            .validation_error("enterprise_name")
            .contains("请输入企业名称"));
        assert_eq!(r.validation_error("legal_rep_name"), "");
        // The raw input is in the draft, not accepted; nothing else is written.
        let cookie = r.cookie().expect("draft cookie");
        let view: RegistrationView = post_form(&b.router, "/api/registration", &[], Some(&cookie))
            .await
            .decode();
        assert_eq!(view.org.credit_code, "91350100M000100YO3");
        assert!(!view.org_accepted);
        assert_eq!(view.verification, None);
        let n = scalar(&b, "SELECT COUNT(*) FROM enterprises", &[]).await;
        assert_eq!(n, 0, "{}", b.name);
    }
}

#[tokio::test]
async fn a_registry_confirmed_registration_is_active_with_an_argon2id_hash() {
    for b in backends().await {
        let code = known_code(&b, "").await;
        let r = register_with(&b, &code, "Hx7%&+?=中文ab", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let submitted = r.decode::<RegistrationView>().submitted;
        assert_eq!(
            submitted.map(|s| s.mobile_masked).as_deref(),
            Some("139****5678")
        );
        let (status, mobile, hash): (String, String, String) = sqlx::query_as(
            "SELECT u.status, u.mobile, u.password_hash FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE e.credit_code = $1",
        )
        .bind(&code)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap();
        assert_eq!(
            (status.as_str(), mobile.as_str()),
            ("active", "13912345678"),
            "{}",
            b.name
        );
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(b
            .state
            .hasher
            .verify("Hx7%&+?=中文ab".into(), hash)
            .await
            .unwrap());

        // The same code again: 已被注册 at the credit-code field, no second account.
        let r = post_form(
            &b.router,
            "/api/register/org",
            &as_refs(&org_fields(&code)),
            None,
        )
        .await;
        assert_eq!(r.conflict().0, "credit_code", "{}: {}", b.name, r.body);
        let message = r.message_at("credit_code");
        assert!(message.text.contains("已被注册"), "{}: {}", b.name, r.body);
        // The page offers 登录 and 忘记密码 for this article, not for the words.
        assert_eq!(message.help, Some(Faq::AlreadyRegistered), "{}", b.name);
    }
}

#[tokio::test]
async fn forbidden_password_characters_are_refused_by_the_server() {
    for b in backends().await {
        let code = known_code(&b, "").await;
        let (cookie, sms) = registration_sms(&b, &code, &[]).await;
        for pw in ["Hx7pass*word", "Hx7pass#word", "Hx7pass/word"] {
            let fields = [
                ("handler_name", "赵六"),
                ("handler_mobile", HANDLER_MOBILE),
                ("sms_code", sms.as_str()),
                ("password", pw),
                ("password_confirm", pw),
            ];
            let r = post_form(&b.router, "/api/register/account", &fields, Some(&cookie)).await;
            let msg = r.validation_error("password");
            assert!(msg.contains("不含以下符号:# * /"), "{}: {msg}", b.name);
        }
        assert_eq!(accounts_named(&b, &code).await, 0);
    }
}

#[tokio::test]
async fn two_simultaneous_registrations_of_one_code_create_one_account() {
    use app::domain::registration::{AccountInput, OrgInfoInput};
    use app::server::registration::{create_account, save_org_step, CreateError, Verification};
    for b in backends().await {
        let code = fresh_code();
        let org = OrgInfoInput {
            legal_type: "enterprise".into(),
            credit_code: code.clone(),
            enterprise_name: "南京并发测试有限公司".into(),
            legal_rep_name: "王五".into(),
            id_doc_type: "resident_id".into(),
            id_doc_number: GOOD_ID.into(),
            address: "南京市玄武区北京东路1号".into(),
            region_code: "320102".into(),
            established: String::new(),
            industry: String::new(),
        }
        .validate(app::server::today())
        .unwrap();
        let account = AccountInput {
            handler_name: "赵六".into(),
            handler_mobile: "13912345678".into(),
            sms_code: "123456".into(),
            password: "Safe-Pass-2026".into(),
            password_confirm: "Safe-Pass-2026".into(),
        }
        .validate(&code)
        .unwrap();
        let db = &b.state.db;
        let tokens: Vec<String> = (0..8).map(|_| app::server::random_token()).collect();
        for t in &tokens {
            save_org_step(
                db,
                t,
                &OrgInfoInput::default(),
                Some((&org, Verification::Registry)),
                1,
            )
            .await
            .unwrap();
        }
        let results = futures::future::join_all(tokens.iter().map(|t| {
            create_account(
                db,
                t,
                &org,
                &account,
                "$argon2id$x",
                Verification::Registry,
                "127.0.0.1",
                2,
            )
        }))
        .await;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let dup = results
            .iter()
            .filter(|r| matches!(r, Err(CreateError::AlreadyRegistered)))
            .count();
        assert_eq!((ok, dup), (1, 7), "{}: {results:?}", b.name);
        assert_eq!(accounts_named(&b, &code).await, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn read_then_write_transactions_do_not_lose_updates() {
    for b in backends().await {
        let db = b.state.db.clone();
        sqlx::query("CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
            .execute(db.writer())
            .await
            .unwrap();
        sqlx::query("INSERT INTO counter (id, n) VALUES (1, 0)")
            .execute(db.writer())
            .await
            .unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut tx = db.write_tx().await?;
                    let lock = if db.backend() == app::server::db::Backend::Postgres {
                        " FOR UPDATE"
                    } else {
                        ""
                    };
                    let n: i64 =
                        sqlx::query_scalar(&format!("SELECT n FROM counter WHERE id = 1{lock}"))
                            .fetch_one(&mut *tx)
                            .await?;
                    tokio::task::yield_now().await;
                    sqlx::query("UPDATE counter SET n = $1 WHERE id = 1")
                        .bind(n + 1)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await
                })
            })
            .collect();
        for t in tasks {
            t.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        }
        let n: i64 = sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
            .fetch_one(db.reader())
            .await
            .unwrap();
        assert_eq!(n, 20, "{}", b.name);
    }
}

#[tokio::test]
async fn sqlite_runs_in_wal_with_foreign_keys_and_a_read_only_reader() {
    let b = backends().await.into_iter().next().expect("sqlite");
    let db = &b.state.db;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(db.writer())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(db.writer())
        .await
        .unwrap();
    assert_eq!(sync, 1, "NORMAL");
    assert!(sqlx::query("INSERT INTO organizations (name, level, region_code, created_at) VALUES ('x', 'city', '320100', 0)")
        .execute(db.reader())
        .await
        .is_err());
    let orphan = sqlx::query("INSERT INTO users (kind, login, display_name, enterprise_id, password_hash, status, created_at) VALUES ('enterprise', 'x', 'x', 999, 'h', 'active', 0)")
        .execute(db.writer())
        .await;
    assert!(orphan.is_err(), "foreign key not enforced");
}

#[tokio::test]
async fn demo_data_is_seeded_once() {
    for b in backends().await {
        let seeded = app::server::seed::seed_demo(&b.state.db, &b.state.hasher, 0)
            .await
            .unwrap();
        assert!(seeded, "{}", b.name);
        assert!(
            !app::server::seed::seed_demo(&b.state.db, &b.state.hasher, 0)
                .await
                .unwrap()
        );
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT kind, login FROM users ORDER BY id")
                .fetch_all(b.state.db.reader())
                .await
                .unwrap();
        assert_eq!(rows.len(), app::server::seed::LOGINS.len(), "{}", b.name);
        let levels: Vec<String> = sqlx::query_scalar(
            "SELECT o.level FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.kind = 'regulator' ORDER BY u.id",
        )
        .fetch_all(b.state.db.reader())
        .await
        .unwrap();
        assert_eq!(levels, ["province", "city", "county"], "{}", b.name);
        // A demo enterprise cannot register again.
        let r = post_form(
            &b.router,
            "/api/register/org",
            &as_refs(&org_fields("91320102MA1XYR7K61")),
            None,
        )
        .await;
        assert_eq!(r.conflict().0, "credit_code", "{}", b.name);
    }
}

#[tokio::test]
async fn a_no_js_form_post_is_redirected_back_with_the_error() {
    let b = backends().await.into_iter().next().expect("sqlite");
    let body = "legal_type=enterprise&credit_code=123&enterprise_name=&legal_rep_name=&id_doc_type=resident_id&id_doc_number=";
    let req = Request::post("/api/register/org")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://127.0.0.1:3000/register")
        .body(Body::from(body))
        .unwrap();
    let r = send(&b.router, req).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.location();
    assert!(
        location.starts_with("http://127.0.0.1:3000/register?"),
        "{location}"
    );
    assert!(location.contains("__err="), "{location}");
}

#[tokio::test]
async fn other_hosts_are_redirected_to_the_canonical_origin() {
    let b = backends().await.into_iter().next().expect("sqlite");
    let req = Request::get("/register?x=1")
        .header(header::HOST, "whp.example.cn:2443")
        .body(Body::empty())
        .unwrap();
    let r = send(&b.router, req).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        "http://127.0.0.1:3000/register?x=1"
    );
}

#[test]
fn bad_configuration_stops_with_a_clear_message() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("migrate")
        .env("APP_ENV", "production")
        .env_remove("PUBLIC_BASE_URL")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("PUBLIC_BASE_URL is required in production"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_binary_serves_without_arguments_and_stops_gracefully() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("serve.db").display()),
        )
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG_LEVEL", "warn")
        .env("LEPTOS_OUTPUT_NAME", "whp")
        .spawn()
        .unwrap();
    let mut reply = String::new();
    for _ in 0..100 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            s.read_to_string(&mut reply).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "graceful shutdown exits 0");
}
