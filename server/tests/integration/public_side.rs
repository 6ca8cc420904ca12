//! The public side: 许可公示 (licences granted and cancelled in the last
//! days, per issuing authority, no personal data, throttled) and the
//! 通知公告 board (who writes what, the version check, sanitised Markdown).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use app::api::notice::{NoticeList, NoticeView};
use app::api::publicity::{Publicity, PUBLICITY_PER_TEN_MINUTES};
use app::server::seed::{seed_demo_public, DEMO_PASSWORD};
use axum::http::StatusCode;

async fn seeded() -> Vec<Backend> {
    let all = crate::common::seeded().await;
    for b in &all {
        seed_demo_public(&b.state.db, app::server::now())
            .await
            .unwrap();
    }
    all
}

async fn publicity(b: &Backend, fields: &[(&str, &str)]) -> Publicity {
    let r = post_form(&b.router, "/api/public/publicity", fields, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// The demo enterprise of `digits` (see `seed.rs`): its credit code.
async fn code_of(b: &Backend, name: &str) -> String {
    sqlx::query_scalar("SELECT credit_code FROM enterprises WHERE name = $1")
        .bind(name)
        .fetch_one(b.state.db.reader())
        .await
        .unwrap()
}

const GRANTED_RECENTLY: &str = "南京浦口示例气体经销有限公司";
const GRANTED_EARLIER: &str = "南京雨花台示例化学品销售有限公司";
const CANCELLED: &str = "南京六合示例油品贸易有限公司";

/// Puts the demo's issues and cancellation at fixed ages: the recent grant
/// 2 days ago, the earlier one 20 days ago, the cancellation 40 days ago
/// (and its first issue long before).
async fn fix_ages(b: &Backend) {
    let now = app::server::now();
    let day = 86_400;
    for (name, column, age) in [
        (GRANTED_RECENTLY, "created_at", 2),
        (GRANTED_EARLIER, "created_at", 20),
        (CANCELLED, "ended_at", 40),
    ] {
        let n = sqlx::query(&format!(
            "UPDATE certificates SET {column} = $1 WHERE enterprise_id = (SELECT id FROM enterprises WHERE name = $2)"
        ))
        .bind(now - age * day)
        .bind(name)
        .execute(b.state.db.writer())
        .await
        .unwrap()
        .rows_affected();
        assert_eq!(n, 1, "{}: {name}", b.name);
    }
}

#[tokio::test]
async fn publicity_lists_what_was_granted_and_cancelled_without_personal_data() {
    for b in seeded().await {
        // As seeded: two grants and one cancellation in the last 30 days.
        let p = publicity(&b, &[]).await;
        assert_eq!(p.days, 30);
        assert_eq!(
            (p.granted.total, p.cancelled.total),
            (2, 1),
            "{}: {p:?}",
            b.name
        );
        fix_ages(&b).await;

        let p = publicity(&b, &[("days", "30")]).await;
        let names: Vec<&str> = p
            .granted
            .rows
            .iter()
            .map(|r| r.enterprise.as_str())
            .collect();
        assert_eq!(
            names,
            [GRANTED_RECENTLY, GRANTED_EARLIER],
            "{}: newest first",
            b.name
        );
        let g = &p.granted.rows[0];
        assert_eq!(g.credit_code, code_of(&b, GRANTED_RECENTLY).await);
        assert_eq!(g.kind, "首次申请");
        assert_eq!(g.issuer, "南京市应急管理局");
        assert!(g.number.starts_with("苏(宁)危化经字〔"), "{}", g.number);
        assert_eq!(g.scope, "汽油、甲醇、乙醇等4种");
        assert!(
            g.mode.contains("储存"),
            "{}: a label, not a code: {}",
            b.name,
            g.mode
        );
        assert_eq!(g.date, app::server::today().add_days(-2).to_string());
        // The cancellation is 40 days old: not in the last 30 days.
        assert_eq!(p.cancelled.total, 0, "{}", b.name);

        let p = publicity(&b, &[("days", "7")]).await;
        assert_eq!((p.granted.total, p.cancelled.total), (1, 0), "{}", b.name);
        assert_eq!(p.granted.rows[0].enterprise, GRANTED_RECENTLY);

        let p = publicity(&b, &[("days", "90")]).await;
        assert_eq!((p.granted.total, p.cancelled.total), (2, 1), "{}", b.name);
        let c = &p.cancelled.rows[0];
        assert_eq!(c.enterprise, CANCELLED);
        assert!(c.reason.contains("停止"), "{}: {}", b.name, c.reason);
        assert_eq!(c.kind, "");
        // Another window is shown as the default one.
        assert_eq!(publicity(&b, &[("days", "365")]).await.days, 30);

        // Nothing personal crosses the wire: no people, phones, ID numbers,
        // addresses or QR tokens.
        let r = post_form(&b.router, "/api/public/publicity", &[("days", "90")], None).await;
        let tokens: Vec<String> = sqlx::query_scalar("SELECT token FROM certificates")
            .fetch_all(b.state.db.reader())
            .await
            .unwrap();
        for secret in [
            "赵一",
            "钱二",
            "孙三",
            "11010519491231002X",
            "13900000031",
            "江东中路",
            "刘洋",
        ]
        .into_iter()
        .map(String::from)
        .chain(tokens)
        {
            assert!(
                !r.body.contains(&secret),
                "{}: {secret} in {}",
                b.name,
                r.body
            );
        }

        // Per issuing authority: the city issued all; 玄武区 none; an
        // unknown authority shows all rather than nothing.
        let id_of = |name: &str| {
            p.issuers
                .iter()
                .find(|(_, n)| n == name)
                .map(|(id, _)| id.to_string())
                .unwrap_or_else(|| panic!("{}: {name} not among {:?}", b.name, p.issuers))
        };
        let city = id_of("南京市应急管理局");
        let county = id_of("南京市玄武区应急管理局");
        assert!(
            !p.issuers.iter().any(|(_, n)| n == "江苏省应急管理厅"),
            "{}: the province issues nothing",
            b.name
        );
        let p = publicity(&b, &[("days", "90"), ("issuer", &city)]).await;
        assert_eq!((p.granted.total, p.cancelled.total), (2, 1), "{}", b.name);
        assert_eq!(p.issuer.to_string(), city);
        let p = publicity(&b, &[("days", "90"), ("issuer", &county)]).await;
        assert_eq!((p.granted.total, p.cancelled.total), (0, 0), "{}", b.name);
        let p = publicity(&b, &[("days", "90"), ("issuer", "999999")]).await;
        assert_eq!((p.issuer, p.granted.total), (0, 2), "{}", b.name);
        // Paged: the second page of two rows is empty, the total stays.
        let p = publicity(&b, &[("days", "90"), ("gp", "2")]).await;
        assert_eq!((p.granted.page, p.granted.pages), (2, 1));
        assert!(p.granted.rows.is_empty() && p.granted.total == 2);

        // The page itself, as a browser without JavaScript gets it.
        let r = send(&b.router, get(&format!("/publicity?days=90&issuer={city}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        for text in [
            "准予许可公示",
            "注销公示",
            GRANTED_RECENTLY,
            CANCELLED,
            "近90天",
        ] {
            assert!(r.body.contains(text), "{}: no {text} on the page", b.name);
        }
        assert!(!r.body.contains("赵一"), "{}", b.name);

        // Throttled per client address.
        let mut last = StatusCode::OK;
        for _ in 0..PUBLICITY_PER_TEN_MINUTES {
            last = post_form(&b.router, "/api/public/publicity", &[], None)
                .await
                .status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{}", b.name);
    }
}

async fn save(
    b: &Backend,
    cookie: Option<&str>,
    id: &str,
    title: &str,
    body: &str,
    base: &str,
) -> Reply {
    post_form(
        &b.router,
        "/api/notices/save",
        &[
            ("id", id),
            ("title", title),
            ("body", body),
            ("base_version", base),
        ],
        cookie,
    )
    .await
}

/// A save by `cookie`'s holder that must go through.
async fn saved(b: &Backend, cookie: &str, id: &str, title: &str, body: &str, base: &str) -> Reply {
    let r = save(b, Some(cookie), id, title, body, base).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r
}

async fn act(b: &Backend, cookie: &str, id: &str, action: &str, base: &str) -> Reply {
    post_form(
        &b.router,
        "/api/notices/act",
        &[("id", id), ("action", action), ("base_version", base)],
        Some(cookie),
    )
    .await
}

/// Notice `id` as `cookie`'s holder sees it (none: not shown to them).
async fn notice_seen(b: &Backend, id: &str, cookie: Option<&str>) -> Option<NoticeView> {
    let r = post_form(&b.router, "/api/notices/get", &[("id", id)], cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

async fn notice(b: &Backend, id: &str, cookie: Option<&str>) -> NoticeView {
    notice_seen(b, id, cookie)
        .await
        .unwrap_or_else(|| panic!("{}: no notice {id}", b.name))
}

async fn board(b: &Backend, cookie: Option<&str>) -> NoticeList {
    let r = post_form(&b.router, "/api/notices/list", &[("page", "1")], cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

fn titles(list: &NoticeList) -> Vec<String> {
    list.items.iter().map(|n| n.title.clone()).collect()
}

#[tokio::test]
async fn issuing_authorities_and_administrators_write_notices_each_their_own() {
    for b in seeded().await {
        // The demo board: the administrators' pinned notice first.
        let list = board(&b, None).await;
        assert!(!list.can_write);
        let items = &list.items;
        assert_eq!(items.len(), 2, "{}: {list:?}", b.name);
        assert!(items[0].pinned);
        assert_eq!(items[0].publisher, "系统管理员");
        assert_eq!(items[1].publisher, "南京市应急管理局");
        let city_notice = items[1].id.to_string();
        let v = notice(&b, &city_notice, None).await;
        assert!(v.html.contains("<table>"), "{v:?}");
        assert!(!v.editable);
        assert_eq!(v.body, "", "{}: the source is the writers'", b.name);

        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let province = login_cookie(&b, "regulator", "js-province", DEMO_PASSWORD).await;
        let enterprise = login_cookie(&b, "enterprise", "91320102MA1XYR7K61", DEMO_PASSWORD).await;

        // Who may write at all.
        assert!(board(&b, Some(&city)).await.can_write);
        assert!(board(&b, Some(&admin)).await.can_write);
        assert!(!board(&b, Some(&province)).await.can_write);
        let r = save(&b, None, "0", "标题", "正文", "0").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", b.name);
        for c in [&province, &enterprise] {
            let r = save(&b, Some(c), "0", "标题", "正文", "0").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", b.name, r.body);
        }
        let r = save(&b, Some(&province), "0", "标题", "正文", "0").await;
        assert!(r.body.contains("不是发证机关"), "{}", r.body);

        // Limits, at their fields, from the server too.
        let r = save(&b, Some(&county), "0", &"长".repeat(61), "", "0").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        assert!(
            r.body.contains("标题最多60个字") && r.body.contains("请输入公告正文"),
            "{}",
            r.body
        );
        let r = save(&b, Some(&county), "0", "标题", &"字".repeat(20_001), "0").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);

        // A county bureau issues (55号令 第五条): it publishes its own.
        let r = saved(
            &b,
            &county,
            "0",
            "玄武区关于开展安全检查的通知",
            "正文",
            "0",
        )
        .await;
        let own = r.decode::<i64>().to_string();
        assert_eq!(
            notice(&b, &own, None).await.publisher,
            "南京市玄武区应急管理局"
        );
        assert!(notice(&b, &own, Some(&county)).await.editable);

        // Not another authority's notice: refused, unchanged.
        assert!(!notice(&b, &city_notice, Some(&county)).await.editable);
        let r = save(&b, Some(&county), &city_notice, "改标题", "改正文", "1").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", b.name, r.body);
        let r = act(&b, &county, &city_notice, "withdraw", "1").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", b.name, r.body);
        assert_eq!(
            notice(&b, &city_notice, None).await.title,
            "关于做好危险化学品经营许可证延期换证工作的通知"
        );
        // The enterprise and the province cannot act either.
        for c in [&enterprise, &province] {
            let r = act(&b, c, &city_notice, "pin", "1").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        }

        // Its own: the city edits; a second window on the old version is
        // refused with who and when, nothing overwritten.
        saved(
            &b,
            &city,
            &city_notice,
            "延期换证通知(修订)",
            "修订后的正文",
            "1",
        )
        .await;
        let r = save(&b, Some(&city), &city_notice, "另一窗口", "基于旧版本", "1").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(
            r.body.contains("没有丢失") && r.body.contains("刘洋"),
            "{}",
            r.body
        );
        let v = notice(&b, &city_notice, Some(&city)).await;
        assert_eq!((v.title.as_str(), v.version), ("延期换证通知(修订)", 2));
        assert_eq!(v.body, "修订后的正文");
        // The administrator changes any notice.
        saved(
            &b,
            &admin,
            &city_notice,
            "延期换证通知",
            "管理员校对后的正文",
            "2",
        )
        .await;

        // Pin, withdraw, republish, each with the version.
        let r = act(&b, &city, &city_notice, "pin", "3").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(r.text(), "公告已置顶。");
        let r = act(&b, &city, &city_notice, "pin", "4").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: already pinned", b.name);
        let r = act(&b, &city, &city_notice, "withdraw", "3").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: stale", b.name);
        let r = act(&b, &city, &city_notice, "withdraw", "4").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        // Withdrawn: gone for the public and for other authorities, kept for its writers.
        assert!(notice_seen(&b, &city_notice, None).await.is_none());
        assert!(notice_seen(&b, &city_notice, Some(&county)).await.is_none());
        assert!(!titles(&board(&b, None).await).contains(&"延期换证通知".to_string()));
        let v = notice(&b, &city_notice, Some(&city)).await;
        assert!(v.withdrawn);
        assert!(titles(&board(&b, Some(&admin)).await).contains(&"延期换证通知".to_string()));
        let r = act(&b, &admin, &city_notice, "republish", "5").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        // Pinned first (the city's, published after the administrators'),
        // newest first, then the rest.
        let list = titles(&board(&b, None).await);
        assert_eq!(list.len(), 3, "{}: {list:?}", b.name);
        assert_eq!(
            list[2], "玄武区关于开展安全检查的通知",
            "{}: {list:?}",
            b.name
        );
        let r = act(&b, &admin, &city_notice, "delete", "6").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", b.name);

        // Every write is in the audit trail, with who.
        for (action, n) in [
            ("notice.create", 3),
            ("notice.save", 2),
            ("notice.pin", 2),
            ("notice.withdraw", 1),
            ("notice.republish", 1),
        ] {
            let rows = audit_rows(&b, action).await;
            assert_eq!(rows.len(), n, "{}: {action} {rows:?}", b.name);
        }
        let saves = audit_rows(&b, "notice.save").await;
        assert!(saves[0].0.contains("南京市应急管理局"), "{saves:?}");
        assert!(saves[0].1.contains("原标题"), "{saves:?}");

        // A county whose region is routed to another organisation (a
        // 行政审批局) is no issuing authority any more.
        let city_org: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = '南京市应急管理局'")
                .fetch_one(b.state.db.reader())
                .await
                .unwrap();
        let r = post_form(
            &b.router,
            "/api/case/authorities/set",
            &[
                ("region_code", "320102"),
                ("organization_id", &city_org.to_string()),
            ],
            Some(&admin),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let r = save(&b, Some(&county), "0", "标题", "正文", "0").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {}", b.name, r.body);
        assert!(!board(&b, Some(&county)).await.can_write);
    }
}

#[tokio::test]
async fn a_notice_with_script_renders_inert_like_the_help_centre() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let body = "<script>alert(1)</script>\n\n正文 <img src=x onerror=alert(1)> [点我](javascript:alert(1)) ![图](javascript:alert(2))\n\n## 小节 {onclick=alert(3)}\n\n[帮助](/help)";
        let r = save(&b, Some(&admin), "0", "测试公告", body, "0").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let id = r.decode::<i64>().to_string();
        let html = notice(&b, &id, None).await.html;
        assert!(html.contains("&lt;script&gt;"), "{html}");
        for bad in [
            "<script",
            "<img src=x",
            "onerror=",
            "javascript:",
            "onclick",
        ] {
            let markup: String = {
                // The markup only: escaped text may mention the words.
                let mut out = String::new();
                let mut tag = false;
                for c in html.chars() {
                    if c == '<' {
                        tag = true;
                    }
                    if tag {
                        out.push(c);
                    }
                    if c == '>' {
                        tag = false;
                    }
                }
                out
            };
            assert!(!markup.contains(bad), "{}: {bad} in {html}", b.name);
        }
        assert!(html.contains("href=\"/help\""), "{html}");
        // The same as the help centre's renderer gives.
        assert_eq!(
            html,
            app::server::help::render_markdown(body),
            "{}: one renderer",
            b.name
        );
        // The page itself carries no live script from the notice.
        let r = send(&b.router, get(&format!("/notices/{id}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        assert!(r.body.contains("测试公告"), "{}", b.name);
        assert!(!r.body.contains("<script>alert"), "{}", b.name);
        assert!(!r.body.contains("javascript:alert"), "{}", b.name);
        // A notice that does not exist is a 404 page.
        let r = send(&b.router, get("/notices/999999")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", b.name);
    }
}

#[tokio::test]
async fn a_notice_page_is_rendered_by_the_server_and_its_buttons_are_plain_posts() {
    use axum::http::header;
    for b in seeded().await {
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        // Published by a plain post (no JavaScript): sent on to the new
        // notice's page (as the editor goes there), which says it was saved.
        let fields = [
            ("id", "0"),
            ("title", "玄武区检查通知"),
            ("body", "正文"),
            ("base_version", "0"),
        ];
        let r = post_page_form(
            &b.router,
            "/api/notices/save",
            "/notices/new",
            &fields,
            Some(&county),
        )
        .await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        let path = r.headers[header::LOCATION]
            .to_str()
            .unwrap_or_default()
            .to_string();
        let id = path.trim_start_matches("/notices/").to_string();
        assert!(id.parse::<i64>().is_ok(), "{}: {path}", b.name);
        let body = page(&b, &path, &format!("{county}; {}", flash_pair(&r))).await;
        assert!(
            body.contains(r#"class="notice success flash">公告已保存。"#)
                && body.contains(r#"action="/api/notices/act""#)
                && body.contains(r#"name="action" value="withdraw""#),
            "{}: {body}",
            b.name
        );
        // 撤回 as a plain post: back to the notice, which says what was done.
        let version = notice(&b, &id, Some(&county)).await.version.to_string();
        let fields = [
            ("id", id.as_str()),
            ("action", "withdraw"),
            ("base_version", version.as_str()),
        ];
        let post = || post_page_form(&b.router, "/api/notices/act", &path, &fields, Some(&county));
        let r = post().await;
        assert_eq!(r.status, StatusCode::FOUND, "{}: {}", b.name, r.body);
        expect_back_to(&b, &r, &path);
        let body = page(&b, &path, &format!("{county}; {}", flash_pair(&r))).await;
        assert!(
            body.contains("公告已撤回,公众不再能看到这条公告。")
                && body.contains("这条公告已撤回,公众看不到")
                && body.contains(r#"name="action" value="republish""#),
            "{}: {body}",
            b.name
        );
        assert_eq!(notice_seen(&b, &id, None).await, None, "{}", b.name);
        // The same post again is stale: its message on the page it comes
        // back to, nothing confirmed.
        let r = post().await;
        assert_eq!(r.set_cookie("whp_flash="), None, "{}", b.name);
        let body = page_back_refused(&b, &r, &county).await;
        assert!(
            body.contains(r#"<div role="alert" class="alert">"#)
                && !body.contains(r#"class="notice success flash""#),
            "{}: {body}",
            b.name
        );
    }
}
