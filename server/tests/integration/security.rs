//! Account security (issue 10), on SQLite and PostgreSQL: atomic limits under
//! parallel requests, the lock that asks for a second proof instead of
//! shutting the owner out, the origin check, forced and voluntary password
//! changes, and the client address behind a trusted proxy.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::account::{SecurityEventView, TotpEnrolment};
use app::api::code::CodeSent;
use app::domain::help::Faq;
use app::server::seed::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const FUZHOU: &str = "91350100M000100Y43";
const FUZHOU_MOBILE: &str = "13800138005";

fn conflict(r: &Reply) -> String {
    r.conflict().1
}

/// Fails unless `r` is a refusal whose message contains `words`.
#[track_caller]
fn assert_refused(b: &Backend, r: &Reply, words: &str) {
    assert!(conflict(r).contains(words), "{}: {}", b.name, r.body);
}

/// 福州's login with the right password and the unlock `code`.
async fn unlock_login(b: &Backend, code: &str) -> Reply {
    let unlock = [("unlock_code", code)];
    login_with(b, "enterprise", FUZHOU, DEMO_PASSWORD, &unlock).await
}

/// A regulator's login with `password` and the second-factor (or recovery) `code`.
async fn login_totp(b: &Backend, account: &str, password: &str, code: &str) -> Reply {
    login_with(b, "regulator", account, password, &[("totp", code)]).await
}

/// Locks the regulator `account` out; then its password alone: the answer.
async fn locked_regulator(b: &Backend, account: &str) -> Reply {
    lock_out(b, "regulator", account).await;
    login_with(b, "regulator", account, DEMO_PASSWORD, &[]).await
}

/// `cookie`'s holder changes their password from `current` to `new`.
async fn change_password(b: &Backend, cookie: &str, current: &str, new: &str) -> Reply {
    post_form(
        &b.router,
        "/api/account/password",
        &[
            ("current", current),
            ("password", new),
            ("password_confirm", new),
        ],
        Some(cookie),
    )
    .await
}

/// The administrator's `path` (…/unlock, …/reset-password) for the
/// regulator `user_id`, as `cookie`'s holder.
async fn on_regulator(b: &Backend, path: &str, user_id: &str, cookie: &str) -> Reply {
    post_form(&b.router, path, &[("user_id", user_id)], Some(cookie)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_wrong_passwords_get_at_most_five_checks() {
    for b in seeded().await {
        let answers = at_once(&b, 40, |router| async move {
            let fields = [
                ("tab", "enterprise"),
                ("account", FUZHOU),
                ("password", "Wrong-Pass-1"),
            ];
            post_form(&router, "/api/auth/login", &fields, None).await
        })
        .await;
        let mut checked = 0;
        let mut locked = 0;
        for r in answers {
            let m = conflict(&r);
            if m.starts_with("密码错误") {
                checked += 1;
            } else if m.contains("已锁定至") {
                locked += 1;
            } else {
                panic!("{}: unexpected answer {}", b.name, r.body);
            }
        }
        assert_eq!(checked, 5, "{}: {checked} passwords were checked", b.name);
        assert_eq!(locked, 35, "{}", b.name);
        // One lock event for the account holder, not 35.
        let locks =
            "SELECT COUNT(*) FROM audit_log WHERE action = 'account.lock' AND actor LIKE $1";
        assert_eq!(scalar(&b, locks, &["%"]).await, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn a_locked_enterprise_comes_in_with_a_code_to_its_phone_and_sees_what_happened() {
    for b in seeded().await {
        lock_out(&b, "enterprise", FUZHOU).await;
        // Locked: even the right password alone is refused, with the way in.
        let r = login(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        let locked = r.message_at("unlock_code");
        assert_eq!(locked.help, Some(Faq::AccountLocked), "{}", b.name);
        assert_refused(&b, &r, "获取解锁验证码");
        assert!(r.cookie().is_none());
        let sent = ask_code(&b, "/api/auth/unlock-code", FUZHOU).await;
        assert!(
            sent.decode::<CodeSent>().message.contains("138****8005"),
            "{}: {}",
            b.name,
            sent.body
        );
        let code = last_sms_code(&b, FUZHOU_MOBILE).await;
        // A wrong code does not open it.
        let r = unlock_login(&b, "000000").await;
        assert!(r.cookie().is_none(), "{}: {}", b.name, r.body);
        let r = unlock_login(&b, &code).await;
        let cookie = r
            .cookie()
            .unwrap_or_else(|| panic!("{}: {}", b.name, r.body));
        // The lock and the unlock are shown to the holder.
        let events: Vec<SecurityEventView> =
            post_form(&b.router, "/api/account/events", &[], Some(&cookie))
                .await
                .decode();
        let text = format!("{events:?}");
        assert!(text.contains("账号被锁定"), "{}: {text}", b.name);
        assert!(text.contains("解锁账号并登录"), "{}: {text}", b.name);
        // … without anybody's address.
        assert!(!text.contains("unknown"), "{}: {text}", b.name);
        // The lock is gone: the next wrong password has all tries again.
        let r = login(&b, "enterprise", FUZHOU, "Wrong-Pass-1").await;
        assert_refused(&b, &r, "还可再试4次");
    }
}

#[tokio::test]
async fn an_administrator_unlocks_a_regulator() {
    for b in seeded().await {
        // Without the second factor at hand, only the administrator helps.
        let r = locked_regulator(&b, "nj-city").await;
        assert_refused(&b, &r, "请系统管理员");
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let row = regulator_row(&b, &admin, "nj-city").await;
        assert!(row.locked, "{}", b.name);
        // Nobody else may unlock.
        let other = login_cookie(&b, "regulator", "js-province", DEMO_PASSWORD).await;
        let (unlock, id) = ("/api/admin/regulators/unlock", row.user_id.to_string());
        let r = on_regulator(&b, unlock, &id, &other).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = on_regulator(&b, unlock, &id, &admin).await;
        assert!(r.status.is_success(), "{}: {}", b.name, r.body);
        let r = login(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        assert!(r.cookie().is_some(), "{}: {}", b.name, r.body);
        let unlocks =
            "SELECT COUNT(*) FROM audit_log WHERE action = 'account.unlock' AND summary LIKE $1";
        assert_eq!(scalar(&b, unlocks, &["%nj-city%"]).await, 1, "{}", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifteen_parallel_code_requests_send_one_code() {
    for b in seeded().await {
        at_once(&b, 15, |router| async move {
            post_form(&router, "/api/recovery/send", &[("account", FUZHOU)], None).await
        })
        .await;
        let sent = sms_sent_to(&b, FUZHOU_MOBILE).await;
        assert_eq!(sent, 1, "{}: {sent} codes sent", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_of_a_code_get_five_comparisons() {
    use app::domain::Mobile;
    use app::server::sms_code;
    for b in seeded().await {
        let mobile = Mobile::parse("13912345001").unwrap();
        sms_code::issue(&b.state.db, &b.state.sms, "test", "s", &mobile, 1_000)
            .await
            .unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                let db = b.state.db.clone();
                tokio::spawn(async move {
                    sms_code::verify(&db, "test", "s", &format!("{:06}", 900_000 + i), 1_001)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut compared = 0;
        for t in tasks {
            if matches!(
                t.await.unwrap(),
                Err(sms_code::VerifyError::Wrong(_))
                    | Err(sms_code::VerifyError::TooManyTries)
                    | Ok(())
            ) {
                compared += 1;
            }
        }
        let attempts: i64 =
            sqlx::query_scalar("SELECT attempts FROM sms_codes WHERE subject = 's'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        assert_eq!(attempts, 5, "{}", b.name);
        assert!(compared >= 5, "{}", b.name);
    }
}

#[tokio::test]
async fn state_changes_from_another_origin_are_refused() {
    for b in seeded().await {
        let post = |origin: Option<&'static str>, referer: Option<&'static str>| {
            let mut req = Request::post("/api/auth/login")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json");
            if let Some(o) = origin {
                req = req.header(header::ORIGIN, o);
            }
            if let Some(r) = referer {
                req = req.header(header::REFERER, r);
            }
            req.body(Body::from(format!(
                "tab=enterprise&account={FUZHOU}&password={DEMO_PASSWORD}"
            )))
            .unwrap()
        };
        // Login CSRF: another site logging this browser in.
        let r = send(&b.router, post(Some("https://evil.example"), None)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        assert!(r.cookie().is_none());
        assert_refused(&b, &r, "不是从本系统的页面发出");
        let r = send(&b.router, post(Some("null"), None)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = send(&b.router, post(None, None)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = send(
            &b.router,
            post(None, Some("http://127.0.0.1:3000.evil.example/x")),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        // A page of this system, by Origin or by Referer.
        let r = send(&b.router, post(Some(ORIGIN), None)).await;
        assert!(r.cookie().is_some(), "{}: {}", b.name, r.body);
        let r = send(&b.router, post(None, Some("http://127.0.0.1:3000/login"))).await;
        assert!(r.cookie().is_some(), "{}: {}", b.name, r.body);
        // A logged-in browser tricked into a cross-site post (CSRF) of a file too.
        let cookie = login_cookie(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        let req = Request::post("/files/licence-scan?name=a.pdf")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::COOKIE, &cookie)
            .body(Body::from("%PDF-1.4 x"))
            .unwrap();
        assert_eq!(
            send(&b.router, req).await.status,
            StatusCode::FORBIDDEN,
            "{}",
            b.name
        );
        // Reading stays open.
        assert_eq!(send(&b.router, get("/login")).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_regulator_must_replace_the_administrators_password_first() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = create_regulator(&b, &admin, "nj-gulou", "钱进", "320106").await;
        let text = r.text();
        let initial = initial_password(&text);
        let r = login(&b, "regulator", "nj-gulou", &initial).await;
        let location = r.location();
        assert!(
            location.ends_with("/account/password?first=1"),
            "{}: {location} {} {:?} {} / {text}",
            b.name,
            r.status,
            r.headers,
            r.body
        );
        let cookie = r.cookie().unwrap();
        // Nothing else works before the change.
        let queue = post_form(&b.router, "/api/review/queue", &[], Some(&cookie)).await;
        expect_status(&queue, StatusCode::UNAUTHORIZED, b.name);
        let must_change = me(&b, &cookie).await;
        assert!(
            must_change.is_some_and(|m| m.must_change_password),
            "{}",
            b.name
        );
        // The administrator's password is not accepted as the new one; a wrong current one is refused.
        let r = change_password(&b, &cookie, &initial, &initial).await;
        assert!(
            !r.validation_error("password").is_empty(),
            "{}: {}",
            b.name,
            r.body
        );
        let r = change_password(&b, &cookie, "Wrong-Pass-1", "Qian-Jin-2026x").await;
        assert_refused(&b, &r, "当前密码不正确");
        let r = change_password(&b, &cookie, &initial, "Qian-Jin-2026x").await;
        expect_done(&b, &r);
        // Next, the second factor: still nothing else works.
        let location = r.location();
        assert!(
            location.ends_with("/account/totp?first=1"),
            "{}: {location}",
            b.name
        );
        let queue = post_form(&b.router, "/api/review/queue", &[], Some(&cookie)).await;
        assert_eq!(queue.status, StatusCode::UNAUTHORIZED, "{}", b.name);
        let secret = enrol_totp(&b, &cookie, "Qian-Jin-2026x").await;
        let queue = post_form(&b.router, "/api/review/queue", &[], Some(&cookie)).await;
        assert_eq!(queue.status, StatusCode::OK, "{}: {}", b.name, queue.body);
        // The administrator's password is gone for good.
        let code = app::server::totp::code_at(&secret, app::server::now() + 30).unwrap();
        let r = login_totp(&b, "nj-gulou", &initial, &code).await;
        assert!(r.cookie().is_none());
        let r = login_totp(&b, "nj-gulou", "Qian-Jin-2026x", &code).await;
        assert!(r.cookie().is_some());
        // A reset by the administrator makes the user choose again.
        let id = regulator_row(&b, &admin, "nj-gulou")
            .await
            .user_id
            .to_string();
        let reset = "/api/admin/regulators/reset-password";
        let r = on_regulator(&b, reset, &id, &admin).await;
        assert!(r.text().contains("临时密码"), "{}: {}", b.name, r.body);
        let after = me(&b, &cookie).await;
        assert!(
            after.is_none(),
            "{}: the reset ends every session: {after:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions() {
    for b in seeded().await {
        let here = login_cookie(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        let there = login_cookie(&b, "enterprise", FUZHOU, DEMO_PASSWORD).await;
        let r = change_password(&b, &here, DEMO_PASSWORD, "Fu-Zhou-2026x").await;
        expect_done(&b, &r);
        assert!(
            me(&b, &here).await.is_some(),
            "{}: this session stays",
            b.name
        );
        assert!(
            me(&b, &there).await.is_none(),
            "{}: the other one ends",
            b.name
        );
        let changes = "SELECT COUNT(*) FROM audit_log WHERE action = 'account.password_change' AND summary LIKE $1";
        assert_eq!(scalar(&b, changes, &["%"]).await, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn the_development_outbox_answers_this_machine_only() {
    use axum::extract::ConnectInfo;
    let b = seeded().await.into_iter().next().unwrap();
    let from = |ip: &str| {
        let mut req = Request::post("/api/dev/sms")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, ORIGIN)
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::empty())
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(std::net::SocketAddr::new(
                ip.parse().unwrap(),
                40000,
            )));
        req
    };
    assert_eq!(
        send(&b.router, from("127.0.0.1")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&b.router, from("192.0.2.7")).await.status,
        StatusCode::FORBIDDEN
    );
}

/// Enrols a second factor for the session's user through the API; returns the secret.
async fn enrol_totp(b: &Backend, cookie: &str, current: &str) -> String {
    let e: TotpEnrolment = post_form(&b.router, "/api/account/totp/begin", &[], Some(cookie))
        .await
        .decode();
    assert!(!e.enrolled, "{}: {e:?}", b.name);
    assert!(e.qr_svg.starts_with("<svg"), "{}", b.name);
    let secret = e.secret;
    let confirm = |current: &str, code: &str| {
        let (current, code) = (current.to_string(), code.to_string());
        let router = b.router.clone();
        let cookie = cookie.to_string();
        async move {
            post_form(
                &router,
                "/api/account/totp/confirm",
                &[("current", &current), ("code", &code)],
                Some(&cookie),
            )
            .await
        }
    };
    let r = confirm(current, "000000").await;
    assert_eq!(r.conflict().0, "code", "{}: {}", b.name, r.body);
    let code = app::server::totp::code_at(&secret, app::server::now()).unwrap();
    // Not without the current password.
    let r = confirm("Wrong-Pass-1", &code).await;
    assert_eq!(r.conflict().0, "current", "{}: {}", b.name, r.body);
    let codes: Vec<String> = confirm(current, &code).await.decode();
    assert_eq!(codes.len(), 10, "{}: {codes:?}", b.name);
    secret
}

#[tokio::test]
async fn regulators_need_their_second_factor_each_step_once_and_recovery_codes_once() {
    for b in seeded().await {
        let with = |code: &'static str| login_totp(&b, "nj-city", DEMO_PASSWORD, code);
        // The password alone is not enough; a wrong code neither.
        let r = with("").await;
        assert_eq!(r.conflict().0, "totp", "{}: {}", b.name, r.body);
        assert!(r.cookie().is_none());
        let r = with("000000").await;
        assert_refused(&b, &r, "动态码不正确");
        // The right one once; the same code again is refused.
        let code = demo_totp(&b, "nj-city").await;
        let r = login_totp(&b, "nj-city", DEMO_PASSWORD, &code).await;
        assert!(r.cookie().is_some(), "{}", b.name);
        let r = login_totp(&b, "nj-city", DEMO_PASSWORD, &code).await;
        assert_refused(&b, &r, "刚刚用过");
        // A recovery code, once (a new regulator enrols and gets them).
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let created = create_regulator(&b, &admin, "nj-pukou", "陆远", "320111").await;
        let initial = initial_password(&created.text());
        let r = login_totp(&b, "nj-pukou", &initial, "").await;
        let cookie = r
            .cookie()
            .unwrap_or_else(|| panic!("{}: {}", b.name, r.body));
        change_password(&b, &cookie, &initial, "Lu-Yuan-2026x").await;
        let e: TotpEnrolment = post_form(&b.router, "/api/account/totp/begin", &[], Some(&cookie))
            .await
            .decode();
        let secret = e.secret;
        let code = app::server::totp::code_at(&secret, app::server::now()).unwrap();
        let codes = post_form(
            &b.router,
            "/api/account/totp/confirm",
            &[("current", "Lu-Yuan-2026x"), ("code", &code)],
            Some(&cookie),
        )
        .await
        .decode::<Vec<String>>();
        let recovery = codes[0].to_lowercase();
        let r = login_totp(&b, "nj-pukou", "Lu-Yuan-2026x", &recovery).await;
        assert!(r.cookie().is_some(), "{}", b.name);
        let r = login_totp(&b, "nj-pukou", "Lu-Yuan-2026x", &recovery).await;
        assert!(r.cookie().is_none(), "{}: used once", b.name);
        assert_eq!(
            audit_count(&b, "account.recovery_code").await,
            1,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_locked_regulator_comes_in_with_the_second_factor() {
    for b in seeded().await {
        let plain = locked_regulator(&b, "nj-xuanwu").await;
        assert_refused(&b, &plain, "已锁定至");
        let r = login(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        assert!(r.cookie().is_some(), "{}: {}", b.name, r.body);
        assert_eq!(audit_count(&b, "account.unlock").await, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn unlock_codes_go_only_to_locked_accounts_and_registry_checks_are_counted() {
    for b in seeded().await {
        let r = ask_code(&b, "/api/auth/unlock-code", FUZHOU).await;
        assert_refused(&b, &r, "没有被锁定");
        assert_eq!(sms_sent_to(&b, FUZHOU_MOBILE).await, 0, "{}", b.name);
        // Registration: per-field registry answers, ten per credit code an hour.
        let code = fresh_code();
        let mut last = String::new();
        for _ in 0..11 {
            let org = org_fields(&code);
            let r = post_form(&b.router, "/api/register/org", &as_refs(&org), None).await;
            last = r.body;
        }
        assert!(last.contains("核验的次数过多"), "{}: {last}", b.name);
    }
}

/// A client that goes away mid-request drops the request's future, at any
/// moment of beginning its write. None of those moments may leave the
/// writer in a transaction nobody ends: on SQLite that would hold the write
/// lock, and every later write of every user would be refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_go_on_after_requests_are_dropped_while_their_write_begins() {
    use std::future::{poll_fn, Future};
    use std::task::Poll;
    for b in backends().await {
        let db = &b.state.db;
        let write = |round: u64| async move {
            let mut tx = db.write_tx().await.unwrap_or_else(|e| {
                panic!("{}: no write after {round} dropped requests: {e}", b.name)
            });
            sqlx::query("UPDATE users SET display_name = display_name WHERE id = 0")
                .execute(&mut *tx)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
            tx.commit()
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        };
        for i in 0..400u64 {
            let mut begun = Box::pin(db.write_tx());
            // Polled a different number of times, a different while apart,
            // each round, then dropped.
            for _ in 0..1 + i % 8 {
                let ready = poll_fn(|cx| Poll::Ready(begun.as_mut().poll(cx).is_ready())).await;
                if ready {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_micros(i * 7 % 300));
            }
            drop(begun);
            if i % 25 == 24 {
                write(i + 1).await;
            }
        }
    }
}
