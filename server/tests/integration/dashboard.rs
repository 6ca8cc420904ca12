//! 监管统计: every figure equals the list it links to, sub-regions add up to
//! their parent, and a regulator drills down only inside their jurisdiction.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use app::api::review::ReviewItem;
use app::domain::dashboard::{Chart, Dashboard};
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

use crate::common::*;

async fn seeded() -> Vec<Backend> {
    let all = crate::common::seeded().await;
    for b in &all {
        let now = app::server::now();
        app::server::seed::seed_demo_cases(&b.state.db, now)
            .await
            .unwrap();
        app::server::seed::jurisdiction::seed(&b.state.db, now)
            .await
            .unwrap();
    }
    all
}

/// The counties of 南京市 (320100).
const NANJING_COUNTIES: [&str; 11] = [
    "320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115", "320116",
    "320117", "320118",
];

async fn dashboard(b: &Backend, cookie: &str, region: &str) -> Dashboard {
    let r = post_form(
        &b.router,
        "/api/dashboard",
        &[("region", region)],
        Some(cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn chart<'a>(d: &'a Dashboard, id: &str) -> &'a Chart {
    d.charts
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no chart {id}"))
}

fn todo(d: &Dashboard, label: &str) -> (i64, String) {
    let t = d
        .todo
        .iter()
        .find(|t| t.label == label)
        .unwrap_or_else(|| panic!("no figure {label}"));
    (t.value, t.link.clone())
}

/// The directory's total for the query string of a dashboard link.
async fn directory_total(b: &Backend, cookie: &str, link: &str) -> i64 {
    let query = link.split_once('?').map(|(_, q)| q).unwrap_or("");
    let filters: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (if k == "expiring" { "expiring_days" } else { k }, v)
        })
        .collect();
    crate::info::directory(b, cookie, &filters).await.total
}

#[tokio::test]
async fn every_figure_counts_what_its_list_shows() {
    for b in seeded().await {
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let d = dashboard(&b, &city, "").await;
        assert_eq!(d.name, "江苏省 南京市", "{}", b.name);
        for label in [
            "待确认的企业信息",
            "30 天内到期的许可证",
            "90 天内到期的许可证",
            "120 天内到期的许可证",
            "已过期的许可证(可办理注销)",
        ] {
            let (value, link) = todo(&d, label);
            assert!(value > 0, "{}: the demo makes {label} non-zero", b.name);
            assert_eq!(
                directory_total(&b, &city, &link).await,
                value,
                "{}: {label} ({link})",
                b.name
            );
        }
        // Registrations: the review queue the figure links to.
        let (waiting, _) = todo(&d, "待审核的注册");
        let queue = post_form(&b.router, "/api/review/queue", &[], Some(&city)).await;
        assert_eq!(
            queue.decode::<Vec<ReviewItem>>().len() as i64,
            waiting,
            "{}",
            b.name
        );
        // Drilled down to each county: the figure and its link's queue agree,
        // and the counties add up to the city.
        let mut by_county = 0;
        for county in NANJING_COUNTIES {
            let d = dashboard(&b, &city, county).await;
            let (n, link) = todo(&d, "待审核的注册");
            assert_eq!(link, format!("/review?region={county}"), "{}", b.name);
            let queue = post_form(
                &b.router,
                "/api/review/queue",
                &[("region", county)],
                Some(&city),
            )
            .await;
            let listed: Vec<ReviewItem> = queue.decode();
            assert_eq!(listed.len() as i64, n, "{}: {county}", b.name);
            by_county += n;
        }
        assert_eq!(by_county, waiting, "{}", b.name);
        // A region outside the jurisdiction narrows nothing and shows nothing of it.
        let beyond = post_form(
            &b.router,
            "/api/review/queue",
            &[("region", "110101")],
            Some(&city),
        )
        .await;
        assert_eq!(
            beyond.decode::<Vec<ReviewItem>>().len() as i64,
            waiting,
            "{}",
            b.name
        );
        let late = d.todo.iter().find(|t| t.label == "待审核的注册").unwrap();
        assert!(
            late.urgent && late.note.contains("已超过一个工作日"),
            "{}: {late:?}",
            b.name
        );
        // Every mode bar that links somewhere matches the directory.
        for bar in chart(&d, "by-mode")
            .bars
            .iter()
            .filter(|b| !b.link.is_empty())
        {
            assert_eq!(
                directory_total(&b, &city, &bar.link).await,
                bar.value,
                "{}: {}",
                b.name,
                bar.label
            );
        }
        // Counties add up to the city, and each drills down to its own figures.
        let by_region = chart(&d, "by-region");
        let all = directory_total(&b, &city, "/maintenance").await;
        assert_eq!(by_region.total(), all, "{}", b.name);
        let jiangning = by_region.bars.iter().find(|b| b.label == "江宁区").unwrap();
        assert!(jiangning.value > 0);
        assert_eq!(jiangning.link, "/dashboard?region=320115");
        let county = dashboard(&b, &city, "320115").await;
        assert_eq!(county.name, "江苏省 南京市 江宁区");
        assert_eq!(
            chart(&county, "by-mode").total(),
            jiangning.value,
            "{}",
            b.name
        );
        assert!(
            county.charts.iter().all(|c| c.id != "by-region"),
            "a county has no sub-regions"
        );
        assert_eq!(
            county.trail,
            vec![
                ("320100".to_string(), "南京市".to_string()),
                ("320115".to_string(), "江宁区".to_string())
            ]
        );
        // Decided cases appear month by month, with step times.
        assert!(chart(&d, "decided-by-month").total() > 10, "{}", b.name);
        assert!(
            d.steps.iter().any(|s| s.step == "审查中" && s.cases > 10),
            "{}: {:?}",
            b.name,
            d.steps
        );
        // The province sees 南京 as one of its cities, with the city's total.
        let province = login_cookie(&b, "regulator", "js-province", DEMO_PASSWORD).await;
        let p = dashboard(&b, &province, "").await;
        let nanjing = chart(&p, "by-region")
            .bars
            .iter()
            .find(|b| b.label == "南京市")
            .unwrap()
            .clone();
        assert_eq!(nanjing.value, all, "{}", b.name);
        // Drilled down to 南京: the city's own figures, its lists narrowed to it.
        let drilled = dashboard(&b, &province, "320100").await;
        let values = |d: &Dashboard| d.todo.iter().map(|t| t.value).collect::<Vec<_>>();
        assert_eq!(values(&drilled), values(&d), "{}", b.name);
        let (expired, link) = todo(&drilled, "已过期的许可证(可办理注销)");
        assert!(link.ends_with("&region=320100"), "{link}");
        assert_eq!(
            directory_total(&b, &province, &link).await,
            expired,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_regulator_drills_down_only_inside_their_jurisdiction() {
    for b in seeded().await {
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let own = dashboard(&b, &county, "").await;
        assert_eq!(own.name, "江苏省 南京市 玄武区");
        for region in ["320100", "320115", "320000", "110101", "bogus"] {
            let r = post_form(
                &b.router,
                "/api/dashboard",
                &[("region", region)],
                Some(&county),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {region}", b.name);
            assert!(r.body.contains("不在您的辖区内"), "{}", r.body);
        }
        let enterprise = login_cookie(&b, "enterprise", "91320102MA1XYR7K61", DEMO_PASSWORD).await;
        let r = post_form(&b.router, "/api/dashboard", &[], Some(&enterprise)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = post_form(&b.router, "/api/dashboard", &[], None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", b.name);
        // The administrator starts from the whole country.
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let all = dashboard(&b, &admin, "").await;
        assert_eq!(all.name, "全国");
        let jiangsu = chart(&all, "by-region")
            .bars
            .iter()
            .find(|b| b.label == "江苏省")
            .unwrap()
            .value;
        assert!(jiangsu > 300, "{}: {jiangsu}", b.name);
    }
}
