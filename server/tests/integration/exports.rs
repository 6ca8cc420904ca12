//! Exports (CSV and Excel) of the regulators' lists and the annual report:
//! every row the page counts, nothing outside the caller's jurisdiction,
//! and a report whose city is the sum of its counties.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use crate::common::*;
use crate::info::{confirmed, form, A};
use app::api::report::AnnualReport;
use app::domain::annual_report::{Figures, Metric};
use app::domain::licence_case::{Action, Application, CaseKind, OnSiteCheck};
use app::server::seed::DEMO_PASSWORD;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

/// A GET with the session cookie.
async fn get_as(b: &Backend, path: &str, cookie: Option<&str>) -> Reply {
    let req = match cookie {
        Some(c) => crate::common::get_as(path, c),
        None => get(path),
    };
    send(&b.router, req).await
}

/// The raw bytes of a GET (a Reply's body is text).
async fn bytes_as(
    b: &Backend,
    path: &str,
    cookie: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = Request::get(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .body(Body::empty())
        .unwrap();
    let res = b.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

/// A CSV's data rows (the header and the BOM off).
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let body = body.strip_prefix('\u{feff}').expect("a BOM first");
    let mut r = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// `n` enterprises with accounts in use in `region`, named `prefix` + n.
async fn many_enterprises(b: &Backend, region: &str, prefix: &str, n: i64) {
    sqlx::query(
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $1) \
         INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) \
         SELECT $2 || CAST(n AS TEXT), $3 || CAST(n AS TEXT), 'enterprise', '张三', 'resident_id', '11010519491231002X', $4, 0 FROM s",
    )
    .bind(n)
    .bind(format!("X{region}-"))
    .bind(prefix)
    .bind(region)
    .execute(b.state.db.writer())
    .await
    .unwrap();
    open_accounts(b, &format!("X{region}-%"), "张三").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_exports_every_row_the_page_counts_as_csv_and_excel() {
    for b in backends().await {
        let (_, _) = confirmed(&b).await;
        // An enterprise name is user input: one that a spreadsheet would run.
        sqlx::query("UPDATE enterprises SET name = $1 WHERE credit_code = $2")
            .bind("=HYPERLINK(\"http://x\")南京示例")
            .bind(A)
            .execute(b.state.db.writer())
            .await
            .unwrap();
        many_enterprises(&b, "320104", "秦淮导出测试企业", 1200).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;

        // The page's count for a region, and the export with the same parameters.
        let total = crate::info::directory(&b, &city, &[("region", "320104")])
            .await
            .total;
        assert!(total >= 1200, "{}: {total}", b.name);
        let r = get_as(&b, "/export/directory.csv?region=320104", Some(&city)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"directory-")
                && disposition.contains("filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-"),
            "{disposition}"
        );
        let rows = csv_rows(&r.body);
        assert_eq!(rows.len() as i64, total, "{}", b.name);
        // Through the compression layer, as browsers ask for it: the stream
        // ends once (a stream polled after its end used to abort the
        // download midway).
        let (status, headers, gz) =
            bytes_as(&b, "/export/directory.csv?region=320104", &city).await;
        assert_eq!(status, StatusCode::OK, "{}", b.name);
        assert!(
            headers.contains_key(header::CONTENT_ENCODING),
            "{headers:?}"
        );
        assert!(gz.len() > 1000, "{}", b.name);
        let first = rows.iter().find(|r| r[0] == "秦淮导出测试企业1").unwrap();
        assert_eq!(first[2], "江苏省 南京市 秦淮区");
        assert!(rows.iter().all(|row| row.len() == 8));

        // The page offers the export with its filters and the count.
        let r = get_as(&b, "/maintenance?region=320104", Some(&city)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        assert!(r.body.contains(&format!("共 {total} 行")), "{}", b.name);
        assert!(
            r.body.contains("/export/directory.csv?region=320104"),
            "{}",
            b.name
        );

        // The name filter as on the page; the formula is neutralised.
        let r = get_as(
            &b,
            "/export/directory.csv?q=%E5%8D%97%E4%BA%AC%E7%A4%BA%E4%BE%8B",
            Some(&city),
        )
        .await;
        let rows = csv_rows(&r.body);
        assert_eq!(rows.len(), 1, "{}: {:?}", b.name, rows);
        assert_eq!(rows[0][0], "'=HYPERLINK(\"http://x\")南京示例");
        assert_eq!(rows[0][1], A);

        // Excel: a zip with its length announced (not compressed again).
        let (status, headers, bytes) =
            bytes_as(&b, "/export/directory.xlsx?region=320104", &city).await;
        assert_eq!(status, StatusCode::OK, "{}", b.name);
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(
            headers[header::CONTENT_LENGTH].to_str().unwrap(),
            bytes.len().to_string()
        );
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert!(bytes.len() > 20_000, "{}: {}", b.name, bytes.len());

        // Expiring licences, the cases inbox: regulators of the page only.
        let r = get_as(&b, "/export/expiring.csv?expiring=3650", Some(&city)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert!(r.body.starts_with("\u{feff}许可证编号,企业名称"));
        let r = get_as(&b, "/export/cases.csv", Some(&city)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let r = get_as(&b, "/export/cases.csv", Some(&admin)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
        let r = get_as(&b, "/export/nothing.csv", Some(&city)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", b.name);

        // Each export is in the audit trail.
        let rows = audit_rows(&b, "export.download").await;
        assert!(rows.len() >= 4, "{}: {rows:?}", b.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_stay_inside_the_jurisdiction() {
    for b in backends().await {
        let (a, county) = confirmed(&b).await;
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        add_regulator(&b, &admin, "nj-qinhuai", "320104").await;
        let other = login_cookie(&b, "regulator", "nj-qinhuai", DEMO_PASSWORD).await;

        // A's trail: its county, with every row (the page shows 100).
        let path = format!("/export/audit.csv?credit_code={A}");
        let r = get_as(&b, &path, Some(&county)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let rows = csv_rows(&r.body);
        assert!(
            rows.iter().any(|r| r[3].contains("确认")),
            "{}: {rows:?}",
            b.name
        );
        for (who, cookie, status) in [
            (
                "another county",
                Some(other.as_str()),
                StatusCode::FORBIDDEN,
            ),
            ("the enterprise", Some(a.as_str()), StatusCode::FORBIDDEN),
            ("nobody", None, StatusCode::UNAUTHORIZED),
        ] {
            let r = get_as(&b, &path, cookie).await;
            assert_eq!(r.status, status, "{}: {who}: {}", b.name, r.body);
            assert!(!r.body.contains(A), "{}: {who}", b.name);
        }
        // The other county's directory does not hold A, whatever it asks for.
        let r = get_as(&b, "/export/directory.csv?region=320102", Some(&other)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        assert!(!r.body.contains(A), "{}", b.name);
        let r = get_as(&b, "/export/directory.xlsx", Some(&a)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
    }
}

/// An enterprise of `region` (no account) with a first application driven
/// by `actions` through the repository.
async fn case_in(b: &Backend, region: &str, n: usize, actions: &[Action]) {
    use app::server::licence_case as repo;
    let code = fresh_code();
    let enterprise: i64 = sqlx::query_scalar(
        "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) \
         VALUES ($1, $2, 'enterprise', '张三', 'id_card', $3, $4, 0) RETURNING id",
    )
    .bind(&code)
    .bind(format!("年报测试企业{region}-{n}"))
    .bind(GOOD_ID)
    .bind(region)
    .fetch_one(b.state.db.writer())
    .await
    .unwrap();
    let actor = app::server::audit::Actor::system("test");
    let application = Application {
        name: format!("年报测试企业{region}-{n}"),
        mode: "storage".into(),
        scope: app::domain::licence_case::parse_scope("硫酸,7664-93-9"),
        ..Application::default()
    };
    let id = repo::start(
        &b.state.db,
        enterprise,
        CaseKind::New,
        &application,
        &actor,
        app::server::now(),
    )
    .await
    .unwrap();
    let today = app::server::today();
    let mut version = 1;
    for action in actions {
        let input = repo::MoveInput {
            text: if *action == Action::NotAccept {
                "材料不齐全,不予受理。".into()
            } else {
                String::new()
            },
            onsite: (*action == Action::RecordOnSite).then(|| OnSiteCheck {
                from: today.to_string(),
                to: today.to_string(),
                inspectors: "甲、乙".into(),
                findings: "符合要求".into(),
                passed: true,
            }),
        };
        version = repo::make_move(
            &b.state.db,
            id,
            version,
            *action,
            &input,
            &actor,
            today,
            app::server::calendar(),
            app::server::now(),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {action:?}: {e:?}", b.name))
        .version;
    }
}

async fn report(b: &Backend, cookie: &str, year: i32, region: &str) -> Reply {
    form(
        b,
        "/api/report/annual",
        &[("year", &year.to_string()), ("region", region)],
        cookie,
    )
    .await
}

async fn report_ok(b: &Backend, cookie: &str, year: i32, region: &str) -> AnnualReport {
    let r = report(b, cookie, year, region).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn row<'a>(r: &'a AnnualReport, code: &str) -> &'a Figures {
    &r.rows
        .iter()
        .find(|x| x.region_code == code)
        .unwrap_or_else(|| panic!("no row {code} in {:?}", r.rows))
        .figures
}

fn sum(r: &AnnualReport) -> Figures {
    let mut s = r.other.unwrap_or_default();
    for x in &r.rows {
        s.add_all(&x.figures);
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_annual_report_rolls_the_counties_up_into_the_city_and_the_province() {
    use Action::*;
    for b in seeded().await {
        let issued = [Submit, Accept, RecordOnSite, Approve, Issue];
        // 玄武区: two licences issued. 秦淮区: one issued, one not accepted.
        case_in(&b, "320102", 1, &issued).await;
        case_in(&b, "320102", 2, &issued).await;
        case_in(&b, "320104", 3, &issued).await;
        case_in(&b, "320104", 4, &[Submit, NotAccept]).await;
        let year = app::server::today().year();
        let xuanwu = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let province = login_cookie(&b, "regulator", "js-province", DEMO_PASSWORD).await;
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        add_regulator(&b, &admin, "nj-qinhuai", "320104").await;
        let qinhuai = login_cookie(&b, "regulator", "nj-qinhuai", DEMO_PASSWORD).await;

        // The counties' own reports (their jurisdiction by default).
        let x = report_ok(&b, &xuanwu, year, "").await;
        assert_eq!(x.region_code, "320102");
        assert_eq!(x.rows.len(), 1);
        let xf = x.total;
        assert_eq!(
            xf.get(Metric::Received(CaseKind::New)),
            2,
            "{}: {xf:?}",
            b.name
        );
        assert_eq!(xf.get(Metric::Accepted), 2);
        assert_eq!(xf.get(Metric::Approved), 2);
        assert_eq!(xf.get(Metric::Issued), 2);
        assert_eq!(xf.get(Metric::InForce), 2);
        assert_eq!(xf.get(Metric::NotAccepted), 0);
        let q = report_ok(&b, &qinhuai, year, "").await;
        let qf = q.total;
        assert_eq!(
            qf.get(Metric::Received(CaseKind::New)),
            2,
            "{}: {qf:?}",
            b.name
        );
        assert_eq!(qf.get(Metric::Accepted), 1);
        assert_eq!(qf.get(Metric::NotAccepted), 1);
        assert_eq!(qf.get(Metric::Issued), 1);

        // The city: a row per county, each the county's own figures; the total their sum.
        let c = report_ok(&b, &city, year, "").await;
        assert_eq!(c.region_code, "320100");
        assert_eq!(*row(&c, "320102"), xf, "{}", b.name);
        assert_eq!(*row(&c, "320104"), qf, "{}", b.name);
        assert_eq!(c.total, sum(&c), "{}", b.name);
        assert_eq!(c.total.get(Metric::Received(CaseKind::New)), 4);
        assert_eq!(c.total.get(Metric::Issued), 3);
        // The same county row read by the city is the county's drill-down.
        assert_eq!(report_ok(&b, &city, year, "320104").await.total, qf);

        // The province holds the city with the city's total.
        let p = report_ok(&b, &province, year, "").await;
        assert_eq!(p.region_code, "320000");
        assert_eq!(*row(&p, "320100"), c.total, "{}", b.name);
        assert_eq!(p.total, sum(&p));

        // Last year is empty; the default is last year.
        let last = report_ok(&b, &city, 0, "").await;
        assert_eq!(last.year, year - 1);
        assert_eq!(last.total.get(Metric::Issued), 0);

        // A county reads neither another county nor the city or the province.
        for region in ["320104", "320100", "320000"] {
            let r = report(&b, &xuanwu, year, region).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{}: {region}: {}",
                b.name,
                r.body
            );
            let r = get_as(
                &b,
                &format!("/export/annual.csv?year={year}&region={region}"),
                Some(&xuanwu),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}: {region}", b.name);
        }
        let r = report(&b, &city, year, "320000").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);

        // The page, rendered on the server: the rows, the total, drill-down links.
        let r = get_as(&b, &format!("/reports/annual?year={year}"), Some(&city)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        assert!(
            r.body.contains("秦淮区") && r.body.contains("合计"),
            "{}",
            b.name
        );
        assert!(
            r.body
                .contains(&format!("/reports/annual?year={year}&amp;region=320104"))
                || r.body
                    .contains(&format!("/reports/annual?year={year}&region=320104")),
            "{}",
            b.name
        );
        assert!(
            r.body.contains(&format!(
                "/export/annual.xlsx?year={year}&amp;region=320100"
            )) || r
                .body
                .contains(&format!("/export/annual.xlsx?year={year}&region=320100"))
        );

        // The export: the same rows and the total.
        let r = get_as(&b, &format!("/export/annual.csv?year={year}"), Some(&city)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        let rows = csv_rows(&r.body);
        let total = rows.last().unwrap();
        assert_eq!(total[0], "合计");
        assert_eq!(total[1], "4");
        let qrow = rows.iter().find(|r| r[0] == "秦淮区").unwrap();
        assert_eq!(qrow[1], "2");
        let (status, _, bytes) =
            bytes_as(&b, &format!("/export/annual.xlsx?year={year}"), &city).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
    }
}

#[tokio::test]
async fn the_demo_report_opens_on_last_years_licensing() {
    for b in seeded().await {
        app::server::seed::seed_demo_cases(&b.state.db, app::server::now())
            .await
            .unwrap();
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        let r = report_ok(&b, &city, 0, "").await;
        assert_eq!(r.year, app::server::today().year() - 1);
        assert_eq!(
            r.total.get(Metric::Received(CaseKind::New)),
            4,
            "{}: {r:?}",
            b.name
        );
        assert_eq!(r.total.get(Metric::Issued), 3);
        assert_eq!(r.total.get(Metric::NotAccepted), 1);
        assert_eq!(row(&r, "320104").get(Metric::Received(CaseKind::New)), 2);
        assert_eq!(r.total, sum(&r));
    }
}
