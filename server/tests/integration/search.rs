//! Directory search by any part of at least two characters, through the
//! trigram indexes on both engines, ranked: the exact code or name first,
//! then those starting with the query, then those containing it.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use app::api::enterprise_info::DirectoryPage;
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

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
    sqlx::query(
        "INSERT INTO users (kind, login, display_name, enterprise_id, password_hash, status, created_at) \
         VALUES ('enterprise', $1, '孙三', $2, 'x', 'active', 0)",
    )
    .bind(code)
    .bind(id)
    .execute(b.state.db.writer())
    .await
    .unwrap();
    id
}

async fn names(b: &Backend, cookie: &str, q: &str) -> Vec<String> {
    let r = post_form(
        &b.router,
        "/api/info/directory",
        &[
            ("q", q),
            ("region", ""),
            ("mode", ""),
            ("status", ""),
            ("expiring_days", ""),
            ("page", "1"),
        ],
        Some(cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    let page: DirectoryPage = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        page.total as usize,
        page.entries.len().min(page.total as usize)
    );
    page.entries.into_iter().map(|e| e.name).collect()
}

#[tokio::test]
async fn parts_of_names_codes_and_licence_numbers_are_found_and_ranked() {
    for b in backends().await {
        app::server::seed::seed_demo(&b.state.db, &b.state.hasher, app::server::now())
            .await
            .unwrap();
        let contains = enterprise(&b, "91320115A00000001X", "南京测试宏达贸易有限公司").await;
        enterprise(&b, "91320115A00000002X", "测试宏达化工有限公司").await;
        enterprise(&b, "91320115A00000003X", "测试宏达").await;
        enterprise(&b, "91320115B00000004X", "江宁瑞丰石化销售有限公司").await;
        sqlx::query("INSERT INTO licences (enterprise_id, number, valid_until, mode) VALUES ($1, '苏危化经字〔2025〕300777', '2028-01-01', 'storage')")
            .bind(contains)
            .execute(b.state.db.writer())
            .await
            .unwrap();
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
        sqlx::query("UPDATE enterprises SET name = '江宁新名危化品有限公司' WHERE id = $1")
            .bind(contains)
            .execute(b.state.db.writer())
            .await
            .unwrap();
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
