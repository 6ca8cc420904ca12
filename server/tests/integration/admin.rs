//! 用户管理: administrators create and disable regulator users; nobody else can.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::admin::RegulatorRow;
use app::api::auth::UserView;
use app::error::AppError;
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

#[tokio::test]
async fn an_administrator_creates_a_regulator_who_can_log_in_and_be_disabled() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = post_form(
            &b.router,
            "/api/admin/regulators/create",
            &[
                ("login", "nj-qinhuai-01"),
                ("display_name", "钱七"),
                ("region_county", "320104"),
            ],
            Some(&admin),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let msg: String = r.decode();
        assert!(msg.contains("南京市秦淮区应急管理局"), "{msg}");
        let password = msg
            .split("初始密码:")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        assert!(
            app::domain::Password::parse(&password, None).is_ok(),
            "{password}"
        );

        let cookie = login_cookie(&b, "regulator", "nj-qinhuai-01", &password).await;
        let me: Option<UserView> = post_form(&b.router, "/api/auth/me", &[], Some(&cookie))
            .await
            .decode();
        let me = me.unwrap_or_else(|| panic!("{}: not logged in", b.name));
        assert_eq!(me.belongs_to, "南京市秦淮区应急管理局", "{}", b.name);

        // The same user name again is refused at its field.
        let r = post_form(
            &b.router,
            "/api/admin/regulators/create",
            &[
                ("login", "nj-qinhuai-01"),
                ("display_name", "钱八"),
                ("region_county", "320104"),
            ],
            Some(&admin),
        )
        .await;
        assert!(
            matches!(r.decode(), AppError::Conflict { field, .. } if field == "login"),
            "{}: {}",
            b.name,
            r.body
        );

        // Disabling ends the session at once and blocks login.
        let list: Vec<RegulatorRow> =
            post_form(&b.router, "/api/admin/regulators", &[], Some(&admin))
                .await
                .decode();
        let id = list
            .iter()
            .find(|u| u.login == "nj-qinhuai-01")
            .unwrap()
            .user_id;
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
        assert!(
            post_form(&b.router, "/api/auth/me", &[], Some(&cookie))
                .await
                .decode::<Option<UserView>>()
                .is_none(),
            "{}",
            b.name
        );
        let r = post_form(
            &b.router,
            "/api/auth/login",
            &[
                ("tab", "regulator"),
                ("account", "nj-qinhuai-01"),
                ("password", &password),
            ],
            None,
        )
        .await;
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
        for cookie in [Some(regulator.as_str()), Some(enterprise.as_str())] {
            let r = post_form(&b.router, "/api/admin/regulators", &[], cookie).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
            let r = post_form(
                &b.router,
                "/api/admin/regulators/create",
                &[
                    ("login", "sneaky"),
                    ("display_name", "某某"),
                    ("region_county", "320102"),
                ],
                cookie,
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        }
        assert_eq!(
            post_form(&b.router, "/api/admin/regulators", &[], None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE login = 'sneaky'")
            .fetch_one(b.state.db.reader())
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
