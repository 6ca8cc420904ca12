//! Directory search by any part of at least two characters, through the
//! trigram indexes on both engines, ranked: the exact code or name first,
//! then those starting with the query, then those containing it.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use app::server::seed::DEMO_PASSWORD;

use crate::common::*;

/// An enterprise in 江宁区 with an active account; returns its id.
async fn enterprise(b: &Backend, code: &str, name: &str) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO enterprises (credit_code, name, legal_type, legal_rep_name, id_doc_type, id_doc_number, region_code, created_at) \
         VALUES ($1, $2, 'enterprise', '赵一', 'resident_id', 'x', '320115', 0) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .fetch_one(b.state.db.writer())
    .await
    .unwrap();
    open_accounts(b, code, "孙三").await;
    id
}

async fn names(b: &Backend, cookie: &str, q: &str) -> Vec<String> {
    let page = crate::info::directory(b, cookie, &[("q", q)]).await;
    assert_eq!(
        page.total as usize,
        page.entries.len().min(page.total as usize)
    );
    page.entries.into_iter().map(|e| e.name).collect()
}

#[tokio::test]
async fn parts_of_names_codes_and_licence_numbers_are_found_and_ranked() {
    for b in seeded().await {
        let contains = enterprise(&b, "91320115A00000001X", "南京测试宏达贸易有限公司").await;
        enterprise(&b, "91320115A00000002X", "测试宏达化工有限公司").await;
        enterprise(&b, "91320115A00000003X", "测试宏达").await;
        enterprise(&b, "91320115B00000004X", "江宁瑞丰石化销售有限公司").await;
        exec(
            &b,
            "INSERT INTO licences (enterprise_id, number, valid_until, mode) VALUES ($1, '苏危化经字〔2025〕300777', '2028-01-01', 'storage')",
            &[contains],
        )
        .await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        // Exact, then starts with, then contains (by name that would be the
        // other way round: 南 sorts before 测).
        assert_eq!(
            names(&b, &city, "测试宏达").await,
            vec![
                "测试宏达",
                "测试宏达化工有限公司",
                "南京测试宏达贸易有限公司"
            ],
            "{}",
            b.name
        );
        // Two characters (below a trigram) still find parts.
        assert_eq!(
            names(&b, &city, "瑞丰").await,
            vec!["江宁瑞丰石化销售有限公司"],
            "{}",
            b.name
        );
        // A piece from the middle of a credit code, and of a licence number.
        assert_eq!(
            names(&b, &city, "B0000000").await,
            vec!["江宁瑞丰石化销售有限公司"],
            "{}",
            b.name
        );
        assert_eq!(
            names(&b, &city, "300777").await,
            vec!["南京测试宏达贸易有限公司"],
            "{}",
            b.name
        );
        // LIKE's wildcards are only characters.
        assert!(names(&b, &city, "测试%达").await.is_empty(), "{}", b.name);
        assert!(names(&b, &city, "测_宏").await.is_empty(), "{}", b.name);
        // A renamed enterprise is found by its new name only.
        exec(
            &b,
            "UPDATE enterprises SET name = '江宁新名危化品有限公司' WHERE id = $1",
            &[contains],
        )
        .await;
        assert_eq!(
            names(&b, &city, "新名危化").await,
            vec!["江宁新名危化品有限公司"],
            "{}",
            b.name
        );
        assert_eq!(
            names(&b, &city, "测试宏达").await,
            vec!["测试宏达", "测试宏达化工有限公司"],
            "{}",
            b.name
        );
        // Outside the jurisdiction: not found, however exact.
        let county = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        assert!(
            names(&b, &county, "测试宏达").await.is_empty(),
            "{}",
            b.name
        );
    }
}

/// The `directory` table (migration 0018) as recomputed from the tables its
/// triggers keep it from, in the same column order.
const RECOMPUTED: &str = "SELECT e.id AS enterprise_id, e.credit_code, e.name, COALESCE(e.region_code, '') AS region_code, \
     substr(COALESCE(e.region_code, ''), 1, 2) AS province, substr(COALESCE(e.region_code, ''), 1, 4) AS city, \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'active') THEN 1 ELSE 0 END AS BIGINT) AS listed, \
     CAST(CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'pending_review') THEN 1 ELSE 0 END AS BIGINT) AS registering, \
     COALESCE(i.status, 'none') AS status, \
     CAST(CASE WHEN i.confirmed IS NOT NULL AND i.status <> 'confirmed' THEN 1 ELSE 0 END AS BIGINT) AS changing, \
     COALESCE(i.business_mode, '') AS business_mode, i.hazard_grade, i.next_expiry, COALESCE(i.next_expiry, '9999-12-31') AS expiry_key \
     FROM enterprises e LEFT JOIN enterprise_info i ON i.enterprise_id = e.id ORDER BY e.id";
const STORED: &str = "SELECT enterprise_id, credit_code, name, region_code, province, city, \
     CAST(listed AS BIGINT) AS listed, CAST(registering AS BIGINT) AS registering, status, CAST(changing AS BIGINT) AS changing, business_mode, hazard_grade, next_expiry, expiry_key \
     FROM directory ORDER BY enterprise_id";

#[derive(Debug, PartialEq, sqlx::FromRow)]
struct DirectoryRow {
    enterprise_id: i64,
    credit_code: String,
    name: String,
    region_code: String,
    province: String,
    city: String,
    listed: i64,
    registering: i64,
    status: String,
    changing: i64,
    business_mode: String,
    hazard_grade: Option<String>,
    next_expiry: Option<String>,
    expiry_key: String,
}

async fn in_step(b: &Backend, when: &str) {
    let stored: Vec<DirectoryRow> = sqlx::query_as(STORED)
        .fetch_all(b.state.db.reader())
        .await
        .unwrap();
    let recomputed: Vec<DirectoryRow> = sqlx::query_as(RECOMPUTED)
        .fetch_all(b.state.db.reader())
        .await
        .unwrap();
    assert!(!stored.is_empty(), "{}: {when}", b.name);
    assert_eq!(stored, recomputed, "{}: {when}", b.name);
}

#[tokio::test]
async fn the_directory_table_stays_in_step_with_what_it_is_kept_from() {
    for b in backends().await {
        let db = &b.state.db;
        app::server::seed::seed_demo(db, &b.state.hasher, app::server::now())
            .await
            .unwrap();
        app::server::seed::jurisdiction::seed(db, app::server::now())
            .await
            .unwrap();
        in_step(&b, "after the demo data").await;
        let id = enterprise(&b, "91320115A00000009X", "江宁在册测试有限公司").await;
        in_step(&b, "a new enterprise").await;
        let city = login_cookie(&b, "regulator", "nj-city", DEMO_PASSWORD).await;
        assert_eq!(
            names(&b, &city, "江宁在册测试").await,
            vec!["江宁在册测试有限公司"]
        );
        // Its only account disabled: no longer listed.
        exec(
            &b,
            "UPDATE users SET status = 'disabled' WHERE enterprise_id = $1",
            &[id],
        )
        .await;
        in_step(&b, "account disabled").await;
        exec(
            &b,
            "UPDATE users SET status = 'pending_review' WHERE enterprise_id = $1",
            &[id],
        )
        .await;
        in_step(&b, "account waiting for review").await;
        assert!(
            names(&b, &city, "江宁在册测试").await.is_empty(),
            "{}",
            b.name
        );
        exec(
            &b,
            "UPDATE users SET status = 'active' WHERE enterprise_id = $1",
            &[id],
        )
        .await;
        // Renamed, moved to another county, given a record and a licence.
        exec(
            &b,
            "UPDATE enterprises SET name = '江宁改名测试有限公司', region_code = '320106' WHERE id = $1",
            &[id],
        )
        .await;
        exec(
            &b,
            "INSERT INTO enterprise_info (enterprise_id, status, draft, confirmed, version, business_mode, next_expiry, updated_at, hazard_grade) \
             VALUES ($1, 'draft', '{}', '{}', 3, 'storage', '2027-03-01', 0, '2')",
            &[id],
        )
        .await;
        exec(
            &b,
            "INSERT INTO licences (enterprise_id, number, valid_until, mode) VALUES ($1, '苏(宁)危化经字〔2025〕000901', '2027-03-01', 'storage')",
            &[id],
        )
        .await;
        in_step(&b, "renamed, moved, a record").await;
        // A whole licence number: found by it alone.
        assert_eq!(
            names(&b, &city, "苏（宁）危化经字〔2025〕000901").await,
            vec!["江宁改名测试有限公司"],
            "{}",
            b.name
        );
        exec(
            &b,
            "UPDATE enterprise_info SET status = 'confirmed', next_expiry = NULL WHERE enterprise_id = $1",
            &[id],
        )
        .await;
        in_step(&b, "confirmed, no licence").await;
        // A second account, then the first one gone: still listed.
        exec(
            &b,
            "INSERT INTO users (kind, login, display_name, enterprise_id, password_hash, status, created_at) \
             VALUES ('enterprise', 'second-x', '李四', $1, 'x', 'active', 0)",
            &[id],
        )
        .await;
        exec(
            &b,
            "DELETE FROM users WHERE enterprise_id = $1 AND login <> 'second-x'",
            &[id],
        )
        .await;
        in_step(&b, "accounts replaced").await;
        exec(&b, "DELETE FROM users WHERE enterprise_id = $1", &[id]).await;
        exec(&b, "DELETE FROM licences WHERE enterprise_id = $1", &[id]).await;
        exec(
            &b,
            "DELETE FROM enterprise_info WHERE enterprise_id = $1",
            &[id],
        )
        .await;
        in_step(&b, "record removed").await;
        exec(&b, "DELETE FROM enterprises WHERE id = $1", &[id]).await;
        in_step(&b, "enterprise removed").await;
    }
}
