//! 用户管理: administrators create and disable regulator users; nobody else can.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::error::AppError;
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

#[tokio::test]
async fn an_administrator_creates_a_regulator_who_can_log_in_and_be_disabled() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = create_regulator(&b, &admin, "nj-qinhuai-01", "钱七", "320104").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let msg: String = r.decode();
        assert!(msg.contains("南京市秦淮区应急管理局"), "{msg}");
        let password = initial_password(&msg);
        assert!(
            app::domain::Password::parse(&password, None).is_ok(),
            "{password}"
        );

        let cookie = login_cookie(&b, "regulator", "nj-qinhuai-01", &password).await;
        let user = me(&b, &cookie)
            .await
            .unwrap_or_else(|| panic!("{}: not logged in", b.name));
        assert_eq!(user.belongs_to, "南京市秦淮区应急管理局", "{}", b.name);

        // The same user name again is refused at its field.
        let r = create_regulator(&b, &admin, "nj-qinhuai-01", "钱八", "320104").await;
        assert!(
            matches!(r.decode(), AppError::Conflict { field, .. } if field == "login"),
            "{}: {}",
            b.name,
            r.body
        );

        // Disabling ends the session at once and blocks login.
        let id = regulator_row(&b, &admin, "nj-qinhuai-01").await.user_id;
        let r = post_form(
            &b.router,
            "/api/admin/regulators/status",
            &[("user_id", &id.to_string()), ("active", "false")],
            Some(&admin),
        )
        .await;
        assert!(r.status.is_success(), "{}: {}", b.name, r.body);
        for (action, what) in [
            ("account.create", "创建监管用户 nj-qinhuai-01"),
            ("account.disable", "停用监管用户 nj-qinhuai-01"),
        ] {
            let rows = audit_rows(&b, action).await;
            assert!(
                rows.iter()
                    .any(|(actor, summary, _)| actor.ends_with("系统管理员")
                        && summary.starts_with(what)),
                "{}: {action}: {rows:?}",
                b.name
            );
        }
        assert!(me(&b, &cookie).await.is_none(), "{}", b.name);
        let r = login_with(&b, "regulator", "nj-qinhuai-01", &password, &[]).await;
        assert!(
            matches!(r.decode(), AppError::Conflict { message, .. } if message.text.contains("停用")),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn only_administrators_manage_users() {
    for b in seeded().await {
        let regulator = login_cookie(&b, "regulator", "js-province", DEMO_PASSWORD).await;
        let enterprise = login_cookie(&b, "enterprise", "91350100M000100Y43", DEMO_PASSWORD).await;
        for cookie in [regulator.as_str(), enterprise.as_str()] {
            let r = post_form(&b.router, "/api/admin/regulators", &[], Some(cookie)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
            let r = create_regulator(&b, cookie, "sneaky", "某某", "320102").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        }
        assert_eq!(
            post_form(&b.router, "/api/admin/regulators", &[], None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(accounts_named(&b, "sneaky").await, 0);
    }
}

#[tokio::test]
async fn the_users_page_is_the_servers_and_a_password_never_goes_through_a_plain_post() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let id = add_regulator(&b, &admin, "nj-gulou-01", "320106").await;
        let body = page(&b, "/admin/users", &admin).await;
        assert!(
            body.contains(r#"action="/api/admin/regulators/status" method="post""#)
                && body.contains(r#"aria-label="停用 nj-gulou-01""#)
                && body.contains(r#"aria-label="重置密码 nj-gulou-01""#)
                && body.contains("新增监管用户"),
            "{}: {body}",
            b.name
        );
        let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
            plain_post(&b, path, "/admin/users", fields, &admin)
        };
        let hash_of = || async {
            sqlx::query_scalar::<_, String>("SELECT password_hash FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(b.state.db.reader())
                .await
                .unwrap()
        };
        // 停用 as a plain post: the page it comes back to says so, and shows it.
        let r = post(
            "/api/admin/regulators/status",
            vec![("user_id", id.to_string()), ("active", "false".into())],
        )
        .await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        let body = page(&b, "/admin/users", &format!("{admin}; {}", flash_pair(&r))).await;
        assert!(
            body.contains("已停用 nj-gulou-01,其登录已全部结束。")
                && body.contains(r#"aria-label="启用 nj-gulou-01""#),
            "{}: {body}",
            b.name
        );
        // A password made by a plain post would be lost on the way back:
        // refused, said on the page, and nothing is changed or created.
        let before = hash_of().await;
        for (path, fields) in [
            (
                "/api/admin/regulators/reset-password",
                vec![("user_id", id.to_string())],
            ),
            (
                "/api/admin/regulators/create",
                vec![
                    ("login", "nj-gulou-02".to_string()),
                    ("display_name", "钱九".into()),
                    ("region_county", "320106".into()),
                ],
            ),
        ] {
            let r = post(path, fields).await;
            expect_status(&r, StatusCode::FOUND, &format!("{}: {path}", b.name));
            assert_eq!(r.set_cookie("whp_flash="), None, "{}: {path}", b.name);
            let body = page_back(&b, &r, &admin).await;
            assert!(
                body.contains("新密码只在本页显示一次") && !body.contains("临时密码:"),
                "{}: {path}: {body}",
                b.name
            );
        }
        assert_eq!(hash_of().await, before, "{}", b.name);
        assert_eq!(accounts_named(&b, "nj-gulou-02").await, 0, "{}", b.name);
    }
}
