//! 帮助中心: search over the trigram index of each engine, the shipped
//! articles, and editing with versions and conflict detection.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

#[path = "../../examples/common/articles.rs"]
mod articles;

use crate::common::*;
use app::api::help::{ArticleView, SearchHit, VersionInfo};
use app::domain::help::Segment;
use app::server::seed::DEMO_PASSWORD;
use axum::http::StatusCode;

async fn search(b: &Backend, q: &str) -> Vec<SearchHit> {
    let r = post_form(&b.router, "/api/help/search", &[("q", q)], None).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

fn slugs(hits: &[SearchHit]) -> Vec<String> {
    hits.iter().map(|h| h.slug.clone()).collect()
}

/// The text of highlighted segments that are matches.
fn marked(segments: &[Segment]) -> Vec<String> {
    segments
        .iter()
        .filter(|s| s.hit)
        .map(|s| s.text.clone())
        .collect()
}

const QUERIES: &[(&str, &str)] = &[
    ("完善信息", "enterprise-info-manual"),
    ("忘记密码", "faq-forgot-password"),
    ("一企多证", "faq-multiple-licences"),
    ("加油站", "faq-business-mode"),
    ("重大危险源", "faq-major-hazard"),
];

#[tokio::test]
async fn the_faqs_questions_find_the_right_article_first() {
    for b in backends().await {
        for (q, slug) in QUERIES {
            let hits = search(&b, q).await;
            assert_eq!(
                slugs(&hits).first().map(String::as_str),
                Some(*slug),
                "{}: {q}: {:?}",
                b.name,
                slugs(&hits)
            );
            assert_eq!(marked(&hits[0].title), [q.to_string()], "{}: {q}", b.name);
            // Other articles mentioning the words are found too, after it.
            assert!(hits.len() > 1, "{}: {q}", b.name);
            for h in &hits {
                let text: String = [&h.title, &h.snippet]
                    .iter()
                    .flat_map(|s| marked(s))
                    .collect();
                assert!(
                    text.contains(q),
                    "{}: {q}: a hit without a marked match: {h:?}",
                    b.name
                );
            }
        }
    }
}

#[tokio::test]
async fn search_handles_short_terms_several_terms_case_and_wildcards() {
    for b in backends().await {
        // Two characters are below a trigram: still found.
        let hits = search(&b, "密码").await;
        assert!(
            slugs(&hits).contains(&"faq-password-rules".to_string()),
            "{}",
            b.name
        );
        // Every term must occur; a title with both ranks first.
        let hits = search(&b, "手机号码 短信").await;
        assert_eq!(slugs(&hits)[0], "faq-phone-no-sms", "{}", b.name);
        // ASCII is case-insensitive, full-width folded.
        let upper = slugs(&search(&b, "ＣＡＳ").await);
        assert!(
            upper.contains(&"enterprise-info-manual".to_string()),
            "{}: {upper:?}",
            b.name
        );
        assert_eq!(upper, slugs(&search(&b, "cas").await), "{}", b.name);
        // LIKE wild cards are literal characters.
        assert!(search(&b, "%").await.is_empty(), "{}", b.name);
        assert!(search(&b, "_").await.is_empty(), "{}", b.name);
        assert!(search(&b, "不存在的词语").await.is_empty(), "{}", b.name);
        assert!(search(&b, "   ").await.is_empty(), "{}", b.name);
    }
}

#[tokio::test]
async fn search_ranks_titles_first_among_a_thousand_articles() {
    for b in backends().await {
        // Bodies full of the query words, titles without them.
        articles::add_copies(&b.state.db, "bulk", 1000, 1000, |i, src| {
            let words = "完善信息 一企多证 加油站 重大危险源 忘记密码";
            (
                format!("第{i}号常见问题"),
                format!("{}\n\n{words}", src.body),
            )
        })
        .await
        .unwrap();
        for (q, slug) in QUERIES {
            let hits = search(&b, q).await;
            assert_eq!(slugs(&hits)[0], *slug, "{}: {q}", b.name);
            assert_eq!(
                hits.len(),
                app::server::help::SEARCH_LIMIT,
                "{}: {q}",
                b.name
            );
        }
    }
}

async fn article(
    b: &Backend,
    slug: &str,
    version: Option<&str>,
    cookie: Option<&str>,
) -> Option<ArticleView> {
    let mut fields = vec![("slug", slug)];
    if let Some(v) = version {
        fields.push(("version", v));
    }
    let r = post_form(&b.router, "/api/help/article", &fields, cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
    r.decode()
}

/// Article `slug` (which must exist) as `cookie`'s holder sees it.
async fn shown(
    b: &Backend,
    slug: &str,
    version: Option<&str>,
    cookie: Option<&str>,
) -> ArticleView {
    article(b, slug, version, cookie)
        .await
        .unwrap_or_else(|| panic!("{}: no article {slug}", b.name))
}

async fn save(b: &Backend, cookie: Option<&str>, title: &str, body: &str, base: &str) -> Reply {
    post_form(
        &b.router,
        "/api/help/save",
        &[
            ("slug", "faq-sms-code"),
            ("title", title),
            ("body", body),
            ("base_version", base),
        ],
        cookie,
    )
    .await
}

#[tokio::test]
async fn an_administrator_edits_with_versions_and_never_overwrites_a_newer_save() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        let v1 = shown(&b, "faq-sms-code", None, Some(&admin)).await;
        assert_eq!(v1.version, 1);
        assert!(v1.editable);
        assert_eq!(v1.edited.split(" · ").nth(1), Some("系统内置"));

        // Only administrators may save or preview.
        let enterprise = login_cookie(&b, "enterprise", "91320102MA1XYR7K61", DEMO_PASSWORD).await;
        let regulator = login_cookie(&b, "regulator", "nj-xuanwu", DEMO_PASSWORD).await;
        assert_eq!(
            save(&b, None, "t", "b", "1").await.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            b.name
        );
        for c in [&enterprise, &regulator] {
            assert_eq!(
                save(&b, Some(c), "t", "b", "1").await.status,
                StatusCode::FORBIDDEN,
                "{}",
                b.name
            );
            let r = post_form(&b.router, "/api/help/preview", &[("body", "x")], Some(c)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", b.name);
            assert!(!shown(&b, "faq-sms-code", None, Some(c)).await.editable);
        }

        // A blank title is refused at its field.
        let r = save(&b, Some(&admin), " ", "正文", "1").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", b.name);
        assert!(r.body.contains("请输入文章标题"), "{}", r.body);

        // Save version 2, with raw HTML that must not render.
        let body = "新的说明 <script>alert(1)</script>\n\n## 小节 {#part}\n";
        let r = save(&b, Some(&admin), "收不到验证码怎么办?", body, "1").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        assert_eq!(r.decode::<i64>(), 2);
        let v2 = shown(&b, "faq-sms-code", None, None).await;
        assert_eq!(v2.title, "收不到验证码怎么办?");
        assert_eq!(v2.version, 2);
        assert!(!v2.editable);
        let html = &v2.html;
        assert!(
            html.contains("&lt;script&gt;") && !html.contains("<script"),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"part\">"), "{html}");
        assert!(v2.edited.ends_with("系统管理员"), "{}", v2.edited);
        // Search sees the edit at once.
        assert_eq!(
            slugs(&search(&b, "收不到验证码").await)[0],
            "faq-sms-code",
            "{}",
            b.name
        );

        // A second editor still on version 1 is refused; version 2 stays.
        let r = save(&b, Some(&admin), "旧标题", "基于第1版的修改", "1").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}: {}", b.name, r.body);
        assert!(
            r.body.contains("第2版") && r.body.contains("没有丢失"),
            "{}",
            r.body
        );
        assert_eq!(
            shown(&b, "faq-sms-code", None, None).await.title,
            "收不到验证码怎么办?"
        );

        // Every version stays readable, newest first in the history.
        let old = shown(&b, "faq-sms-code", Some("1"), None).await;
        assert_eq!(old.version, 1);
        assert_eq!(old.latest, 2);
        assert_eq!(old.title, v1.title);
        let r = post_form(
            &b.router,
            "/api/help/history",
            &[("slug", "faq-sms-code")],
            None,
        )
        .await;
        let versions: Vec<i64> = r
            .decode::<Vec<VersionInfo>>()
            .iter()
            .map(|v| v.version)
            .collect();
        assert_eq!(versions, [2, 1], "{}", b.name);

        // Starting again never overwrites an edited article, but brings an
        // unedited one up to its shipped text (here: as an older release had it).
        exec(
            &b,
            "UPDATE help_articles SET body = '每步自动保存草稿。' WHERE slug = 'faq-update-info'",
            &[],
        )
        .await;
        assert_eq!(app::server::help::seed(&b.state.db, 0).await.unwrap(), 1);
        assert_eq!(shown(&b, "faq-sms-code", None, None).await.version, 2);
        let refreshed = shown(&b, "faq-update-info", None, None).await;
        assert_eq!(refreshed.version, 2, "{}: {refreshed:?}", b.name);
        assert!(!refreshed.body.contains("每步自动保存草稿"), "{}", b.name);
        assert_eq!(app::server::help::seed(&b.state.db, 0).await.unwrap(), 0);
        // An unknown article is "none", not an error.
        assert!(article(&b, "no-such-article", None, None).await.is_none());
    }
}

#[tokio::test]
async fn the_help_pages_render_on_the_server() {
    for b in backends().await {
        let r = send(
            &b.router,
            get("/help/search?q=%E4%B8%80%E4%BC%81%E5%A4%9A%E8%AF%81"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", b.name);
        assert!(r.body.contains("<mark>一企多证</mark>"), "{}", b.name);
        let r = send(&b.router, get("/help/register-manual")).await;
        assert!(r.body.contains("id=\"manual-review\""), "{}", b.name);
        let r = send(&b.router, get("/help/no-such-article")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", b.name);
        assert!(r.body.contains("客服电话"), "{}", b.name);
    }
}

#[tokio::test]
async fn an_article_title_and_body_are_never_markup() {
    for b in seeded().await {
        let admin = login_cookie(&b, "regulator", "admin", DEMO_PASSWORD).await;
        // Markdown source that closes the editor's textarea, and an entity;
        // a title that closes the page's <title>.
        let body = "正文</textarea><p id=\"typed\">&lt;";
        let title = "收不到</title><meta name=\"typed\">";
        let r = save(&b, Some(&admin), title, body, "1").await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", b.name, r.body);
        // Anyone reading the article sees the title as written.
        let r = send(&b.router, get("/help/faq-sms-code")).await;
        assert!(
            r.body
                .contains("<title>收不到&lt;/title>&lt;meta name=\"typed\"> - 帮助中心</title>"),
            "{}: {}",
            b.name,
            r.body
        );
        assert!(!r.body.contains("<meta name=\"typed\">"), "{}", b.name);
        // The editor has the source back as written; none of it is markup.
        let page = crate::common::page(&b, "/help/faq-sms-code/edit", &admin).await;
        assert!(
            page.contains("正文&lt;/textarea>&lt;p id=\"typed\">&amp;lt;</textarea>"),
            "{}: {page}",
            b.name
        );
        assert!(!page.contains("<p id=\"typed\">"), "{}", b.name);
        assert!(!page.contains("<meta name=\"typed\">"), "{}", b.name);
    }
}
