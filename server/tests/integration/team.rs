//! An enterprise is a team (issue 17), on both engines: invitations by SMS
//! link, logins by credit code and mobile or user name, what each role may
//! do, the last 管理员, a reset for a colleague who lost their phone, and
//! everyone's account settings (logins, mobile, name).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use crate::info::{complete_record, form, mine, save, save_and_submit, upload, A};
use app::api::team::{AccountView, TeamView};
use app::domain::enterprise_info::RecordStatus;
use app::domain::team::{Role, LAST_MANAGER, READ_ONLY};
use app::server::seed::{seed_demo, DEMO_PASSWORD};
use app::server::team::FIRST_IS_OWN;
use axum::http::StatusCode;

async fn team(b: &Backend, cookie: &str) -> TeamView {
    let r = form(b, "/api/team/members", &[], cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn set(b: &Backend, cookie: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
    form(b, path, fields, cookie).await
}

/// `cookie`'s holder sets `field` to `value` for the member `user_id` at
/// `path` (…/role, …/active, …/reset).
async fn set_member(
    b: &Backend,
    cookie: &str,
    path: &str,
    user_id: &str,
    (field, value): (&str, &str),
) -> Reply {
    set(b, cookie, path, &[("user_id", user_id), (field, value)]).await
}

/// A's first 管理员, logged in, after the demo data.
async fn manager(b: &Backend) -> String {
    seed_demo(&b.state.db, &b.state.hasher, app::server::now())
        .await
        .unwrap();
    login_cookie(b, "enterprise", A, DEMO_PASSWORD).await
}

#[tokio::test]
async fn roles_decide_who_submits_reads_and_manages() {
    for b in backends().await {
        let a = manager(&b).await;
        let (filler_id, filler) = add_member(&b, &a, A, "13711112211", "filler").await;
        let (_, viewer) = add_member(&b, &a, A, "13711112212", "viewer").await;

        // The team, as each sees it: a 管理员 sees whole mobiles.
        let t = team(&b, &a).await;
        assert!(t.can_manage);
        assert_eq!(t.members.len(), 3, "{}: {t:?}", b.name);
        assert!(t.members[0].first && t.members[0].role == Role::Manager);
        assert!(t.members.iter().any(|m| m.mobile == "13711112211"));
        let seen = team(&b, &viewer).await;
        assert!(!seen.can_manage);
        assert!(seen.members.iter().any(|m| m.mobile == "137****2211"));

        // A 填报员 fills in and submits; the trail names the person.
        let r = save_and_submit(
            &b,
            &filler,
            &complete_record("南京玄武示例化工贸易有限公司"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let trail = audit_rows(&b, "info.submit").await;
        assert!(
            trail.last().unwrap().0.contains("新同事"),
            "{}: {trail:?}",
            b.name
        );
        let r = upload(&b, Some(&filler), "a.pdf", b"%PDF-1.4 x".to_vec()).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);

        // A 查看员 reads everything and changes nothing.
        let v = mine(&b, &viewer).await;
        assert_eq!(v.status, RecordStatus::Submitted);
        let r = save(&b, &viewer, &complete_record("X"), v.version).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        assert!(r.body.contains(READ_ONLY), "{}", r.body);
        let r = upload(&b, Some(&viewer), "a.pdf", b"%PDF-1.4 x".to_vec()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = form(
            &b,
            "/api/case/start",
            &[("kind", "new"), ("licence", "")],
            &viewer,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        // Neither manages users.
        for cookie in [&filler, &viewer] {
            let r = invite(&b, cookie, "张三", "13711112219", "manager").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        }

        // Disabling a user ends their session at once.
        let off = ("active", "false");
        let r = set_member(&b, &a, "/api/team/active", &filler_id.to_string(), off).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = form(&b, "/api/info/mine", &[], &filler).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", b.name);
        let r = member_login(&b, A, "13711112211", DEMO_PASSWORD).await;
        assert!(r.body.contains("已停用"), "{}: {}", b.name, r.body);
        // A mobile not in the team is answered like a member's wrong
        // password, and counted alike: no oracle of who belongs to it.
        let login =
            |member: &'static str, password: &'static str| member_login(&b, A, member, password);
        let stranger = login("13711112299", DEMO_PASSWORD).await;
        let (_, _) = add_member(&b, &a, A, "13711112213", "filler").await;
        let wrong = login("13711112213", "Wrong-Pass-1").await;
        assert_eq!(stranger.status, wrong.status, "{}", b.name);
        assert_eq!(stranger.body, wrong.body, "{}", b.name);
        assert!(wrong.body.contains("还可再试4次"), "{}", wrong.body);
    }
}

#[tokio::test]
async fn at_least_one_active_manager_always_remains() {
    for b in backends().await {
        let a = manager(&b).await;
        let me = team(&b, &a).await.me.to_string();
        for (path, field, value) in [
            ("/api/team/role", "role", "filler"),
            ("/api/team/active", "active", "false"),
        ] {
            let r = set_member(&b, &a, path, &me, (field, value)).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{} {path}", b.name);
            assert!(r.body.contains(LAST_MANAGER), "{}", r.body);
        }
        // With a second 管理员, the first may step down; the second never
        // acts on the registered 经办人, the enterprise's legal contact.
        let (second_id, second) = add_member(&b, &a, A, "13711112221", "manager").await;
        for (path, fields) in [
            ("/api/team/role", vec![("role", "viewer")]),
            ("/api/team/active", vec![("active", "false")]),
            ("/api/team/reset", vec![("mobile", "13711112229")]),
        ] {
            let mut all = vec![("user_id", me.as_str())];
            all.extend(fields);
            let r = set(&b, &second, path, &all).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{} {path}", b.name);
            assert!(r.body.contains(FIRST_IS_OWN), "{}", r.body);
        }
        // The 经办人 steps down; another 管理员 may give the role back.
        let (third_id, third) = add_member(&b, &a, A, "13711112222", "manager").await;
        let r = set_member(&b, &a, "/api/team/role", &me, ("role", "viewer")).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(!team(&b, &a).await.can_manage);
        let r = set_member(&b, &second, "/api/team/role", &me, ("role", "manager")).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = set_member(&b, &a, "/api/team/role", &me, ("role", "viewer")).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);

        // The two remaining 管理员 disable each other at once: exactly one does.
        let (second_id, third_id) = (second_id.to_string(), third_id.to_string());
        let off_second = [("user_id", second_id.as_str()), ("active", "false")];
        let off_third = [("user_id", third_id.as_str()), ("active", "false")];
        let (x, y) = tokio::join!(
            set(&b, &third, "/api/team/active", &off_second),
            set(&b, &second, "/api/team/active", &off_third),
        );
        let ok = [&x, &y]
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        assert_eq!(ok, 1, "{}: {} / {}", b.name, x.body, y.body);
        let sql = "SELECT COUNT(*) FROM users u JOIN enterprises e ON e.id = u.enterprise_id \
             WHERE e.credit_code = $1 AND COALESCE(u.role, 'manager') = 'manager' AND u.status = 'active'";
        let active = scalar(&b, sql, &[A]).await;
        assert_eq!(active, 1, "{}: one 管理员 left", b.name);
    }
}

#[tokio::test]
async fn a_manager_resets_a_colleague_who_lost_their_phone() {
    for b in backends().await {
        let a = manager(&b).await;
        let (id, lost) = add_member(&b, &a, A, "13711112231", "filler").await;
        let id = id.to_string();
        // Nobody resets themselves here, and only to a real mobile.
        let me = team(&b, &a).await.me.to_string();
        let reset = "/api/team/reset";
        let r = set_member(&b, &a, reset, &me, ("mobile", "13711112239")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        let r = set_member(&b, &a, reset, &id, ("mobile", "137")).await;
        assert!(r.body.contains("\"mobile\""), "{}", r.body);

        let r = set_member(&b, &a, reset, &id, ("mobile", "13711112232")).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(!r.body.contains("t="), "the 管理员 never sees the link");
        // The old phone is told; the old session is over.
        let notice = last_sms(&b, "13711112231").await;
        assert!(notice.contains("137****2232"), "{notice}");
        let r = form(&b, "/api/info/mine", &[], &lost).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", b.name);
        // The old password stops at once, not when the link is used.
        let r = member_login(&b, A, "13711112232", DEMO_PASSWORD).await;
        assert!(r.cookie().is_none(), "{}: {}", b.name, r.body);

        // The link on the new phone sets a new password, once.
        let token = last_link(&b, "13711112232").await;
        let r = form(&b, "/api/team/link", &[("t", &token)], &a).await;
        let link: app::api::team::LinkView = serde_json::from_str(&r.body).unwrap();
        assert!(!link.invite && link.mobile == "137****2232", "{link:?}");
        let accept = |pw: &'static str| accept_link(&b, &token, pw, &[]);
        let r = accept("Fresh-Pass-2027").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = accept("Other-Pass-2027").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        member_cookie(&b, A, "13711112232", "Fresh-Pass-2027").await;
        let r = member_login(&b, A, "13711112232", DEMO_PASSWORD).await;
        assert!(r.cookie().is_none(), "{}: the old password is gone", b.name);
        // The user sees who did it among their security events.
        let events = audit_rows(&b, "team.reset").await;
        assert!(
            events.last().unwrap().1.contains("137****2232"),
            "{events:?}"
        );
    }
}

#[tokio::test]
async fn an_invitation_sets_a_user_name_and_the_account_page_ends_other_logins() {
    for b in backends().await {
        let a = manager(&b).await;
        let r = invite(&b, &a, "王芳", "13711112241", "filler").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        // The same mobile twice is refused at its field.
        let r = invite(&b, &a, "王芳", "13711112241", "viewer").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        // Not yet accepted: no login, and the reason says what to do.
        let r = member_login(&b, A, "13711112241", "!").await;
        assert!(r.cookie().is_none());
        let token = last_link(&b, "13711112241").await;
        let user_name = [("username", "Wang.Fang")];
        let r = accept_link(&b, &token, DEMO_PASSWORD, &user_name).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let first = member_cookie(&b, A, "wang.fang", DEMO_PASSWORD).await;
        let second = member_cookie(&b, A, "13711112241", DEMO_PASSWORD).await;

        let overview = |cookie: String| {
            let b = &b;
            async move {
                let r = form(b, "/api/account/overview", &[], &cookie).await;
                assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
                serde_json::from_str::<AccountView>(&r.body).unwrap()
            }
        };
        let view = overview(first.clone()).await;
        assert_eq!(view.role, "填报员");
        assert!(view.login.contains("wang.fang"), "{}", view.login);
        assert_eq!(view.sessions.len(), 2, "{:?}", view.sessions);
        assert_eq!(view.sessions.iter().filter(|s| s.current).count(), 1);
        let other = view
            .sessions
            .iter()
            .find(|s| !s.current)
            .unwrap()
            .id
            .clone();
        let r = form(&b, "/api/account/sessions/end", &[("id", &other)], &first).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = form(&b, "/api/info/mine", &[], &second).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", b.name);
        assert_eq!(overview(first.clone()).await.sessions.len(), 1);

        // A new mobile: its code, the current password; the old phone is told.
        let r = form(
            &b,
            "/api/account/mobile/code",
            &[("mobile", "13711112242")],
            &first,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let code = last_sms_code(&b, "13711112242").await;
        let change = |current: &'static str| {
            let (b, code, first) = (&b, code.clone(), first.clone());
            async move {
                form(
                    b,
                    "/api/account/mobile",
                    &[
                        ("mobile", "13711112242"),
                        ("code", &code),
                        ("current", current),
                    ],
                    &first,
                )
                .await
            }
        };
        let r = change("Wrong-Pass-1").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);
        let r = change(DEMO_PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(overview(first.clone()).await.mobile, "137****2242");
        let notice = last_sms(&b, "13711112241").await;
        assert!(notice.contains("已改为 137****2242"), "{notice}");
        member_cookie(&b, A, "13711112242", DEMO_PASSWORD).await;
        let r = form(&b, "/api/account/name", &[("name", "王芳芳")], &first).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(team(&b, &a)
            .await
            .members
            .iter()
            .any(|m| m.name == "王芳芳"));
    }
}

#[tokio::test]
async fn the_team_page_is_the_servers_and_its_buttons_are_plain_posts() {
    for b in backends().await {
        let a = manager(&b).await;
        let (filler_id, _) = add_member(&b, &a, A, "13711112231", "filler").await;
        let me = team(&b, &a).await.me.to_string();
        let filler_id = filler_id.to_string();
        let body = page(&b, "/team", &a).await;
        assert!(
            body.contains(r#"action="/api/team/role""#)
                && body.contains(r#"action="/api/team/active""#)
                && body.contains(
                    r#"action="/api/team/invite" method="post" novalidate class="form invite-form""#
                )
                && body.contains(r#"id="reset-mobile-"#),
            "{}: {body}",
            b.name
        );
        let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
            plain_post(&b, path, "/team", fields, &a)
        };
        // The last 管理员 cannot step down: said on the page it comes back to.
        let r = post(
            "/api/team/active",
            vec![("user_id", me.clone()), ("active", "false".into())],
        )
        .await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
        let body = page_back_refused(&b, &r, &a).await;
        assert!(body.contains(LAST_MANAGER), "{}: {body}", b.name);
        // A role changed: the page says so and shows it.
        let r = post(
            "/api/team/role",
            vec![("user_id", filler_id.clone()), ("role", "viewer".into())],
        )
        .await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        let body = page(&b, "/team", &format!("{a}; {}", flash_pair(&r))).await;
        assert!(
            body.contains(r#"class="notice success flash">已将角色改为查看员。"#),
            "{}: {body}",
            b.name
        );
        let role = team(&b, &a)
            .await
            .members
            .into_iter()
            .find(|m| m.id.to_string() == filler_id)
            .map(|m| m.role);
        assert_eq!(role, Some(Role::Viewer), "{}", b.name);
    }
}
