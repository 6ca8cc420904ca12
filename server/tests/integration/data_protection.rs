//! Issue 11: exactly-once decisions, the tamper-evident audit trail, page
//! headers (CSP, no-store) and one staff login namespace.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::components::upload::UploadAnswer;
use app::domain::AccountStatus;
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

#[tokio::test]
async fn two_reviewers_at_once_make_exactly_one_decision() {
    for b in seeded().await {
        let code = fresh_code();
        let id = pending_registration(&b, &code).await.to_string();
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let results = "SELECT COUNT(*) FROM sms_messages WHERE purpose = 'review_result'";
        let sms_before = scalar(&b, results, &[]).await;
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
        let msg = loser.conflict().1;
        assert!(
            msg.contains("该申请已由") && (msg.contains("系统管理员") || msg.contains("孙磊")),
            "{}: the loser learns who decided: {msg} ({})",
            b.name,
            loser.body
        );
        let sms_after = scalar(&b, results, &[]).await;
        assert_eq!(sms_after - sms_before, 1, "{}: one SMS", b.name);
        let decisions =
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('review.approve', 'review.reject')";
        let rows = scalar(&b, decisions, &[]).await;
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
        let _ = login(&b, "enterprise", "91320102MA1XYR7K61", "Wrong-Pass-1").await;
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
            exec(&b, "DROP TRIGGER audit_log_no_update", &[]).await;
            exec(
                &b,
                "UPDATE audit_log SET summary = '登录成功(已篡改)' WHERE id = $1",
                &[middle],
            )
            .await;
            let (ok, out) = verify_cli(&url);
            assert!(!ok, "verify passed an altered trail: {out}");
            assert!(
                out.contains(&format!("row {middle}:")) && out.contains("altered"),
                "{out}"
            );
        } else {
            exec(
                &b,
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                &[],
            )
            .await;
            exec(&b, "DELETE FROM audit_log WHERE id = $1", &[middle]).await;
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
        // The document carries it too, ahead of every script.
        let meta = r.body.find("http-equiv=\"Content-Security-Policy\"");
        let first_script = r.body.find("<script");
        assert!(
            meta.is_some() && meta < first_script,
            "{}: no <meta> policy before the scripts",
            b.name
        );
        assert!(r.body.contains(&format!("'nonce-{nonce}'")), "{}", b.name);
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
        // Every page gets the nonce policy (also a search, a 404 and an
        // article); what is not a page gets the strict default.
        for path in [
            "/",
            "/help/search?q=%E5%8A%A0%E6%B2%B9%E7%AB%99",
            "/help/faq-sms-code",
            "/no-such-page",
            "/register",
        ] {
            let page = send(&b.router, get(path)).await;
            let csp = page.headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("'nonce-"), "{}: {path}: {csp}", b.name);
        }
        let health = send(&b.router, get("/healthz")).await;
        assert!(
            health.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'"),
            "{}",
            b.name
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
            let r = create_regulator(&b, &admin, login, "冒名者", "320102").await;
            expect_status(&r, StatusCode::CONFLICT, &format!("{}: {login}", b.name));
            assert!(r.body.contains("已被使用"), "{}", r.body);
        }
    }
}

#[tokio::test]
async fn a_confirmed_move_hands_the_enterprise_to_the_new_county() {
    use crate::info::{complete_record, confirm_on, confirmed, mine, record_answer, regulated};
    use crate::info::{save_and_submit, set_status, version, A};
    for b in backends().await {
        let (a, xuanwu) = confirmed(&b).await;
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        add_regulator(&b, &admin, "nj-qinhuai", "320104").await;
        let qinhuai = login_cookie(&b, "regulator", "nj-qinhuai", DEMO_PASSWORD).await;
        let r = record_answer(&b, &qinhuai, A).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);

        // The enterprise moves to 秦淮区: 信息变更, save, submit.
        set_status(&b, &a, "change").await;
        let mut moved = complete_record("南京玄武示例化工贸易有限公司");
        moved.region_code = "320104".into();
        // A code outside the shipped table is refused by the server, at its field.
        let mut bogus = moved.clone();
        bogus.region_code = "999999".into();
        let r = save_and_submit(&b, &a, &bogus).await;
        assert!(
            r.validation_error("region_code").contains("行政区划"),
            "{}: {}",
            b.name,
            r.body
        );
        let r = save_and_submit(&b, &a, &moved).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);

        // Until it is confirmed, 玄武区 supervises it; after, 秦淮区 does.
        let r = record_answer(&b, &qinhuai, A).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let rec = regulated(&b, &xuanwu, A).await;
        let r = confirm_on(&b, &xuanwu, &version(&rec)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = record_answer(&b, &xuanwu, A).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let now_theirs = record_answer(&b, &qinhuai, A).await;
        expect_status(&now_theirs, StatusCode::OK, b.name);
        assert!(
            now_theirs.body.contains("监管移交") && now_theirs.body.contains("秦淮区应急管理局"),
            "{}: the handover is in the trail: {}",
            b.name,
            now_theirs.body
        );

        // Both bureaus see the move in 信息维护; the old one without a link.
        for (cookie, outgoing) in [(&xuanwu, true), (&qinhuai, false)] {
            let d = crate::info::directory(&b, cookie, &[]).await;
            let h = &d.handovers[0];
            assert_eq!(h.credit_code, A, "{}: {d:?}", b.name);
            assert_eq!(h.outgoing, outgoing, "{}: {d:?}", b.name);
        }

        // A proposal cannot move it to a region that does not exist.
        let rec = regulated(&b, &qinhuai, A).await;
        let r = post_json(
            &b.router,
            "/api/info/propose",
            &serde_json::json!({"credit_code": A, "base_version": rec.version, "values": [["region_code", "999999"]]}),
            Some(&qinhuai),
        )
        .await;
        expect_status(&r, StatusCode::UNPROCESSABLE_ENTITY, b.name);
        assert!(r.body.contains("region_code"), "{}", r.body);

        // The enterprise's own trail names bureaus and people, never addresses.
        let own = mine(&b, &a).await;
        let trail = &own.trail;
        assert!(trail.iter().any(|t| t.actor.contains("玄武区应急管理局")));
        assert!(
            trail.iter().all(|t| t.ip.is_empty()),
            "{}: {trail:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_registry_confirmed_registration_replaces_a_squatters_pending_one() {
    for b in crate::review::seeded().await {
        let code = fresh_code();
        // Someone with public data files a manual-review registration first.
        let squatter = pending_registration(&b, &code).await;
        // Another manual one is still refused: only the registry's word wins.
        let org = org_fields(&code);
        let mut fields = as_refs(&org);
        fields.push(("manual_review", "1"));
        let r = post_form(&b.router, "/api/register/org", &fields, None).await;
        // …and says the application is under review, since when, and whom to call.
        assert!(
            r.body.contains("正在人工审核中")
                && r.body.contains("提交注册")
                && r.body.contains("400-9659818"),
            "{}: {}",
            b.name,
            r.body
        );

        // The enterprise itself, confirmed by the registry (its handler's
        // phone may be the same: the resend pause is not what is tested).
        add_registry_entry(&b, &code, "").await;
        exec(&b, "DELETE FROM limit_counters", &[]).await;
        let r = register_with(&b, &code, "Real-Owner-2026", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(
            registered_as(&r),
            Some(AccountStatus::Active),
            "{}: {}",
            b.name,
            r.body
        );
        assert_eq!(accounts_named(&b, &code).await, 1, "{}", b.name);
        let told: String = sqlx::query_scalar(
            "SELECT body FROM sms_messages WHERE body LIKE '%注册申请已关闭%' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(b.state.db.reader())
        .await
        .unwrap();
        assert!(told.contains("登记机关核验一致"), "{told}");

        // A reviewer with the old queue open learns why it is gone; one of
        // another county learns nothing.
        let decide = |cookie: String| {
            let (router, user) = (b.router.clone(), squatter.to_string());
            async move {
                let fields = [
                    ("user_id", user.as_str()),
                    ("decision", "approve"),
                    ("reason", ""),
                ];
                post_form(&router, "/api/review/decide", &fields, Some(&cookie)).await
            }
        };
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = decide(admin).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(r.body.contains("由系统关闭"), "{}", r.body);
        let elsewhere = login_cookie(&b, "regulator", "nj-qinhuai", DEMO_PASSWORD).await;
        let r = decide(elsewhere).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", b.name, r.body);
        assert!(!r.body.contains("由系统关闭"), "{}", r.body);
        assert_eq!(audit_count(&b, "review.superseded").await, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn a_submitted_registration_keeps_no_personal_data_in_its_draft() {
    for b in seeded().await {
        let code = fresh_code();
        let org = org_fields(&code);
        let r = post_form(&b.router, "/api/register/org", &as_refs(&org), None).await;
        let cookie = r.cookie().unwrap();
        let _ = cookie;
        let r = register_with(&b, &code, "Safe-Pass-2026", &[("manual_review", "1")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        // What the browser reads back: the status, not the ID number.
        assert!(!r.body.contains(GOOD_ID), "{}: {}", b.name, r.body);
        let stored = scalar(
            &b,
            "SELECT COUNT(*) FROM registration_drafts WHERE id_doc_number = $1 AND user_id IS NOT NULL",
            &[GOOD_ID],
        )
        .await;
        assert_eq!(stored, 0, "{}", b.name);
        // Drafts left for a week are deleted by the purge, also unsubmitted ones.
        let unsubmitted_drafts = "SELECT COUNT(*) FROM registration_drafts WHERE user_id IS NULL";
        let unsubmitted = scalar(&b, unsubmitted_drafts, &[]).await;
        assert!(unsubmitted >= 1, "{}", b.name);
        let purged = app::server::registration::purge_drafts(
            &b.state.db,
            app::server::now() + app::server::registration::DRAFT_LIFETIME_SECS + 1,
        )
        .await
        .unwrap();
        assert!(purged >= 2, "{}: {purged}", b.name);
        let left = scalar(&b, "SELECT COUNT(*) FROM registration_drafts", &[]).await;
        assert_eq!(left, 0, "{}", b.name);
    }
}

#[tokio::test]
async fn uploads_have_a_quota_and_unused_ones_are_deleted() {
    use crate::info::{upload, A};
    for b in seeded().await {
        let a = login_cookie(&b, "enterprise", A, DEMO_PASSWORD).await;
        let r = upload(&b, Some(&a), "废弃.pdf", b"%PDF-1.4 unused".to_vec()).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let id = r.decode::<UploadAnswer>().id.unwrap();
        let file = b.state.config.upload_dir.join(&id);
        assert!(file.exists(), "{}: stored", b.name);
        // Not used by any record: kept for a day, then removed (row and file).
        let dir = &b.state.config.upload_dir;
        let now = app::server::now();
        assert_eq!(
            app::server::files::purge_orphans(&b.state.db, dir, now)
                .await
                .unwrap(),
            0
        );
        let removed = app::server::files::purge_orphans(&b.state.db, dir, now + 2 * 86_400)
            .await
            .unwrap();
        assert_eq!(removed, 1, "{}", b.name);
        let rows = scalar(
            &b,
            "SELECT COUNT(*) FROM uploads WHERE id = $1",
            &[id.as_str()],
        )
        .await;
        assert_eq!(rows, 0);
        assert!(!file.exists(), "{}: file deleted", b.name);

        // At the quota the next upload is refused with what to do.
        for i in 0..app::server::files::QUOTA_FILES {
            sqlx::query(
                "INSERT INTO uploads (id, enterprise_id, kind, size, sha256, name, created_at, created_by) \
                 SELECT $1, enterprise_id, 'pdf', 1, '', 'x.pdf', $2, id FROM users WHERE login = $3",
            )
            .bind(format!("{i:064x}"))
            .bind(now)
            .bind(A)
            .execute(b.state.db.writer())
            .await
            .unwrap();
        }
        let r = upload(&b, Some(&a), "多余.pdf", b"%PDF-1.4 more".to_vec()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(r.body.contains("已达上限"), "{}", r.body);
    }
}

#[tokio::test]
async fn a_regulator_never_sees_an_unsubmitted_draft_in_a_refusal() {
    use crate::info::{complete_record, confirm_on, confirmed, mine, regulated, save};
    use crate::info::{set_status, version, A};
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let rec = regulated(&b, &county, A).await;
        // The enterprise starts a change and types something not yet submitted.
        set_status(&b, &a, "change").await;
        let mut draft = complete_record("南京玄武示例化工贸易有限公司");
        draft.principal_name = "尚未提交的名字".into();
        let v = mine(&b, &a).await;
        let r = save(&b, &a, &draft, v.version).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        // The regulator acts on the version they opened before.
        let r = confirm_on(&b, &county, &version(&rec)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(!r.body.contains("尚未提交的名字"), "{}: {}", b.name, r.body);
        // The enterprise itself is shown what changed.
        let r = save(&b, &a, &draft, v.version).await;
        assert!(r.body.contains("尚未提交的名字"), "{}: {}", b.name, r.body);
    }
}
