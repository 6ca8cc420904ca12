//! Help articles: seeded from the Markdown files in `help/` (compiled in),
//! searched through the database's trigram index (SQLite FTS5 `trigram`,
//! PostgreSQL `pg_trgm`), edited with a version check, and rendered to HTML
//! with raw HTML escaped.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::db::{Backend, Db};
use super::search::{like_pattern, TRIGRAM};
use crate::domain::help::{highlight, snippet, ArticleText, Segment};

/// The articles shipped with the system, inserted on first start.
const SEED_FILES: &[(&str, &str)] = &[
    (
        "01-register-manual.md",
        include_str!("../../../help/01-register-manual.md"),
    ),
    (
        "02-enterprise-info-manual.md",
        include_str!("../../../help/02-enterprise-info-manual.md"),
    ),
    (
        "03-login-manual.md",
        include_str!("../../../help/03-login-manual.md"),
    ),
    (
        "04-regulator-manual.md",
        include_str!("../../../help/04-regulator-manual.md"),
    ),
    (
        "10-faq-registry-mismatch.md",
        include_str!("../../../help/10-faq-registry-mismatch.md"),
    ),
    (
        "11-faq-registry-timeout.md",
        include_str!("../../../help/11-faq-registry-timeout.md"),
    ),
    (
        "12-faq-manual-review.md",
        include_str!("../../../help/12-faq-manual-review.md"),
    ),
    (
        "13-faq-already-registered.md",
        include_str!("../../../help/13-faq-already-registered.md"),
    ),
    (
        "14-faq-account-not-found.md",
        include_str!("../../../help/14-faq-account-not-found.md"),
    ),
    (
        "15-faq-forgot-password.md",
        include_str!("../../../help/15-faq-forgot-password.md"),
    ),
    (
        "16-faq-login-account.md",
        include_str!("../../../help/16-faq-login-account.md"),
    ),
    (
        "17-faq-credit-code.md",
        include_str!("../../../help/17-faq-credit-code.md"),
    ),
    (
        "18-faq-password-rules.md",
        include_str!("../../../help/18-faq-password-rules.md"),
    ),
    (
        "19-faq-account-locked.md",
        include_str!("../../../help/19-faq-account-locked.md"),
    ),
    (
        "20-faq-sms-code.md",
        include_str!("../../../help/20-faq-sms-code.md"),
    ),
    (
        "21-faq-phone-no-sms.md",
        include_str!("../../../help/21-faq-phone-no-sms.md"),
    ),
    (
        "22-faq-update-info.md",
        include_str!("../../../help/22-faq-update-info.md"),
    ),
    (
        "23-faq-cannot-edit.md",
        include_str!("../../../help/23-faq-cannot-edit.md"),
    ),
    (
        "24-faq-business-mode.md",
        include_str!("../../../help/24-faq-business-mode.md"),
    ),
    (
        "25-faq-major-hazard.md",
        include_str!("../../../help/25-faq-major-hazard.md"),
    ),
    (
        "26-faq-multiple-licences.md",
        include_str!("../../../help/26-faq-multiple-licences.md"),
    ),
    (
        "27-faq-regulator-editing.md",
        include_str!("../../../help/27-faq-regulator-editing.md"),
    ),
    (
        "28-faq-wrong-site.md",
        include_str!("../../../help/28-faq-wrong-site.md"),
    ),
    (
        "29-faq-licence-expiry.md",
        include_str!("../../../help/29-faq-licence-expiry.md"),
    ),
];

/// An article as shipped: front matter (`slug`, `category`, `position`,
/// `title`) between `---` lines, then the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedArticle {
    pub slug: String,
    pub category: String,
    pub position: i64,
    pub title: String,
    pub body: String,
}

pub fn parse_seed(text: &str) -> Result<SeedArticle, String> {
    let rest = text
        .strip_prefix("---\n")
        .ok_or("missing front matter (--- line)")?;
    let (head, body) = rest
        .split_once("\n---\n")
        .ok_or("front matter not closed (--- line)")?;
    let field = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
            .ok_or(format!("front matter has no `{name}`"))
    };
    let category = field("category")?;
    if category != "manual" && category != "faq" {
        return Err(format!("category `{category}` is not manual or faq"));
    }
    Ok(SeedArticle {
        slug: field("slug")?,
        category,
        position: field("position")?
            .parse()
            .map_err(|_| "position is not a number")?,
        title: field("title")?,
        body: body.trim().to_string(),
    })
}

/// Every shipped article, parsed.
pub fn seed_articles() -> Result<Vec<SeedArticle>, String> {
    SEED_FILES
        .iter()
        .map(|(file, text)| parse_seed(text).map_err(|e| format!("help/{file}: {e}")))
        .collect()
}

/// Inserts every shipped article whose slug is not in the database yet and
/// refreshes the unedited ones whose shipped text changed (an article an
/// administrator edited is never overwritten). Returns how many.
pub async fn seed(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let articles = seed_articles().map_err(sqlx::Error::Protocol)?;
    let mut tx = db.write_tx().await?;
    let mut added = 0;
    for a in articles {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO help_articles (slug, category, position, title, body, version, updated_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6)
             ON CONFLICT (slug) DO NOTHING RETURNING id",
        )
        .bind(&a.slug)
        .bind(&a.category)
        .bind(a.position)
        .bind(&a.title)
        .bind(&a.body)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            insert_version(&mut tx, id, 1, &a.title, &a.body, now, None).await?;
            added += 1;
            continue;
        }
        // A shipped text nobody edited follows the shipped file (as a new
        // version, the old one kept in the history).
        let refreshed: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE help_articles SET title = $2, body = $3, version = version + 1, updated_at = $4
             WHERE slug = $1 AND updated_by IS NULL AND (title <> $2 OR body <> $3)
             RETURNING id, version",
        )
        .bind(&a.slug)
        .bind(&a.title)
        .bind(&a.body)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id, version)) = refreshed {
            insert_version(&mut tx, id, version, &a.title, &a.body, now, None).await?;
            added += 1;
        }
    }
    tx.commit().await?;
    Ok(added)
}

async fn insert_version(
    tx: &mut super::db::Tx,
    article_id: i64,
    version: i64,
    title: &str,
    body: &str,
    now: i64,
    by: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO help_article_versions (article_id, version, title, body, edited_at, edited_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(article_id)
    .bind(version)
    .bind(title)
    .bind(body)
    .bind(now)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One article (the current version or an older one).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredArticle {
    pub slug: String,
    pub category: String,
    pub title: String,
    pub body: String,
    pub version: i64,
    /// The current version number (equals `version` unless an old one was asked for).
    pub latest: i64,
    pub edited_at: i64,
    pub edited_by: Option<String>,
}

pub async fn get(
    db: &Db,
    slug: &str,
    version: Option<i64>,
) -> Result<Option<StoredArticle>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.slug, a.category, v.title, v.body, v.version, a.version AS latest, v.edited_at,
           u.display_name AS edited_by
         FROM help_articles a
         JOIN help_article_versions v ON v.article_id = a.id AND v.version = COALESCE($2, a.version)
         LEFT JOIN users u ON u.id = v.edited_by
         WHERE a.slug = $1",
    )
    .bind(slug)
    .bind(version)
    .fetch_optional(db.reader())
    .await
}

/// (slug, category, title) of every article, manuals first, in their order.
pub async fn list(db: &Db) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT slug, category, title FROM help_articles ORDER BY category DESC, position, id",
    )
    .fetch_all(db.reader())
    .await
}

/// (version, edited at, editor) of every version of an article, newest first.
pub async fn history(db: &Db, slug: &str) -> Result<Vec<(i64, i64, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.version, v.edited_at, u.display_name
         FROM help_article_versions v
         JOIN help_articles a ON a.id = v.article_id
         LEFT JOIN users u ON u.id = v.edited_by
         WHERE a.slug = $1 ORDER BY v.version DESC",
    )
    .bind(slug)
    .fetch_all(db.reader())
    .await
}

#[derive(Debug)]
pub enum SaveError {
    NotFound,
    /// Someone saved another version since `base`; the article as it is now.
    Stale(Box<StoredArticle>),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Db(e)
    }
}

/// Saves an edit made on version `base` as the next version, in one
/// transaction; refused when `base` is no longer the current version.
pub async fn save(
    db: &Db,
    slug: &str,
    text: &ArticleText,
    base: i64,
    actor: &super::audit::Actor,
    now: i64,
) -> Result<i64, SaveError> {
    let user_id = actor.user_id;
    let mut tx = db.write_tx().await?;
    let (id, current): (i64, i64) =
        sqlx::query_as("SELECT id, version FROM help_articles WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(SaveError::NotFound)?;
    if current != base {
        drop(tx);
        let now_stored = get(db, slug, None).await?.ok_or(SaveError::NotFound)?;
        return Err(SaveError::Stale(Box::new(now_stored)));
    }
    let next = current + 1;
    let updated = sqlx::query(
        "UPDATE help_articles SET title = $1, body = $2, version = $3, updated_at = $4, updated_by = $5
         WHERE id = $6 AND version = $7",
    )
    .bind(&text.title)
    .bind(&text.body)
    .bind(next)
    .bind(now)
    .bind(user_id)
    .bind(id)
    .bind(current)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        drop(tx);
        let now_stored = get(db, slug, None).await?.ok_or(SaveError::NotFound)?;
        return Err(SaveError::Stale(Box::new(now_stored)));
    }
    insert_version(
        &mut tx,
        id,
        next,
        &text.title,
        &text.body,
        now,
        Some(user_id),
    )
    .await?;
    super::audit::audit_ok(
        &mut tx,
        actor,
        None,
        "help.save",
        &format!("保存帮助文章“{}”为第{next}版({slug})", text.title),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// A search result: the article and its highlighted title and snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub slug: String,
    pub category: String,
    pub title: Vec<Segment>,
    pub snippet: Vec<Segment>,
}

/// At most this many results are returned.
pub const SEARCH_LIMIT: usize = 20;
/// Characters of body text in a result's snippet.
const SNIPPET_CHARS: usize = 90;

/// SQL text with numbered placeholders and their values, built together.
struct Query {
    values: Vec<String>,
}

impl Query {
    fn bind(&mut self, v: String) -> String {
        self.values.push(v);
        format!("${}", self.values.len())
    }
}

/// Articles containing every term (substring, case-insensitive): those with
/// the most terms in the title first, then by how often the terms occur in
/// the body, then in the centre's order. The filter runs on the trigram
/// index; terms shorter than a trigram are matched by `LIKE` on the rows the
/// index left (or all rows when every term is short).
pub async fn search(db: &Db, terms: &[String]) -> Result<Vec<Hit>, sqlx::Error> {
    if terms.is_empty() {
        return Ok(vec![]);
    }
    let mut q = Query { values: vec![] };
    let mut filters = vec![];
    match db.backend() {
        Backend::Sqlite => {
            let long: Vec<String> = terms
                .iter()
                .filter(|t| t.chars().count() >= TRIGRAM)
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect();
            if !long.is_empty() {
                let p = q.bind(long.join(" AND "));
                filters.push(format!(
                    "a.id IN (SELECT rowid FROM help_fts WHERE help_fts MATCH {p})"
                ));
            }
            for t in terms.iter().filter(|t| t.chars().count() < TRIGRAM) {
                let p1 = q.bind(like_pattern(t));
                let p2 = q.bind(like_pattern(t));
                filters.push(format!(
                    "(lower(a.title) LIKE {p1} ESCAPE '\\' OR lower(a.body) LIKE {p2} ESCAPE '\\')"
                ));
            }
        }
        Backend::Postgres => {
            for t in terms {
                let p = q.bind(like_pattern(t));
                filters.push(format!(
                    "lower(a.title || ' ' || a.body) LIKE {p} ESCAPE '\\'"
                ));
            }
        }
    }
    let mut title_hits = vec![];
    let mut body_hits = vec![];
    for t in terms {
        let p = q.bind(like_pattern(t));
        title_hits.push(format!(
            "CASE WHEN lower(a.title) LIKE {p} ESCAPE '\\' THEN 1 ELSE 0 END"
        ));
        let p = q.bind(t.clone());
        // Occurrences: how much shorter the body gets without the term.
        body_hits.push(format!(
            "(length(a.body) - length(replace(lower(a.body), {p}, ''))) / {}",
            t.chars().count()
        ));
    }
    let sql = format!(
        "SELECT a.slug, a.category, a.title, a.body FROM help_articles a
         WHERE {}
         ORDER BY ({}) DESC, ({}) DESC, a.category DESC, a.position, a.id
         LIMIT {SEARCH_LIMIT}",
        filters.join(" AND "),
        title_hits.join(" + "),
        body_hits.join(" + "),
    );
    let mut query = sqlx::query_as::<_, (String, String, String, String)>(&sql);
    for v in &q.values {
        query = query.bind(v);
    }
    let rows = query.fetch_all(db.reader()).await?;
    Ok(rows
        .into_iter()
        .map(|(slug, category, title, body)| Hit {
            slug,
            category,
            title: highlight(&title, terms),
            snippet: snippet(&plain_text(&body), terms, SNIPPET_CHARS),
        })
        .collect())
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Whether a link target is safe to render: relative, `#anchor`, http(s),
/// mailto or tel (never `javascript:` or `data:`).
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // A colon after a slash, `?` or `#` is part of a relative path, not a scheme.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// Markdown to HTML. Raw HTML in the source is shown as text, unsafe link
/// and image targets are dropped, headings keep only their `{#id}` anchor;
/// the result then passes the allow-list sanitiser ([`sanitise_html`]).
pub fn render_markdown(md: &str) -> String {
    let events = Parser::new_ext(md, options()).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        // `{.class key=value}` would pass attributes (event handlers) through.
        Event::Start(Tag::Heading { level, id, .. }) => Event::Start(Tag::Heading {
            level,
            id,
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        other => other,
    });
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitise_html(&html)
}

/// The one sanitiser for HTML that carries user text: an allow-list of
/// Markdown's tags, `id` only on headings, `href`/`src` only with http(s),
/// mailto, tel or relative targets, no event handlers, styles or SVG.
pub fn sanitise_html(html: &str) -> String {
    use std::sync::LazyLock;
    static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut b = ammonia::Builder::empty();
        b.add_tags([
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "p",
            "br",
            "hr",
            "blockquote",
            "pre",
            "code",
            "em",
            "strong",
            "del",
            "ul",
            "ol",
            "li",
            "a",
            "img",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
        ])
        .add_tag_attributes("a", ["href", "title"])
        .add_tag_attributes("img", ["src", "alt", "title"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("code", ["class"])
        .add_url_schemes(["http", "https", "mailto", "tel"])
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .clean_content_tags(["script", "style"].into());
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    });
    CLEANER.clean(html).to_string()
}

/// The text of a Markdown document without its markup, for snippets.
pub fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for ev in Parser::new_ext(md, options()) {
        match ev {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            // Inline markup ends inside a sentence: no space.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_)
                if !out.ends_with(' ') && !out.is_empty() =>
            {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_article_parses_with_a_unique_slug() {
        let articles = seed_articles().unwrap();
        assert_eq!(articles.len(), SEED_FILES.len());
        let mut slugs: Vec<&str> = articles.iter().map(|a| a.slug.as_str()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), articles.len());
        assert!(articles
            .iter()
            .all(|a| !a.body.is_empty() && ArticleText::parse(&a.title, &a.body).is_ok()));
    }

    #[test]
    fn every_linked_article_and_section_ships() {
        use crate::domain::help::{linked_slugs, LINKED_SECTIONS};
        let articles = seed_articles().unwrap();
        for slug in linked_slugs() {
            assert!(articles.iter().any(|a| a.slug == slug), "no article {slug}");
        }
        for link in LINKED_SECTIONS {
            let a = articles.iter().find(|a| a.slug == link.slug).unwrap();
            let anchor = format!("id=\"{}\"", link.anchor.unwrap());
            assert!(
                render_markdown(&a.body).contains(&anchor),
                "{} has no {anchor}",
                link.slug
            );
        }
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n正文 <img src=x onerror=alert(1)> [点我](javascript:alert(1)) [好](/help/x) ![图](data:text/html,x)",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(html.contains("href=\"/help/x\""), "{html}");
    }

    /// Every way we know to smuggle script into Markdown: nothing that can
    /// run survives, in the Markdown path and in the sanitiser on its own.
    #[test]
    fn xss_corpus_renders_inert() {
        const CORPUS: &[&str] = &[
            "## 测试 {onmouseover=alert(document.domain) tabindex=0}",
            "## 测试 {#a .x onclick=alert(1) style=color:red}",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)><script>alert(1)</script></svg>",
            "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[点我](javascript:alert(1))",
            "[点我](JaVaScRiPt:alert(1))",
            "[点我]( javascript:alert(1))",
            "[点我](&#106;avascript:alert(1))",
            "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "![图](data:image/svg+xml,<svg onload=alert(1)>)",
            "![图](javascript:alert(1))",
            "[点我](vbscript:msgbox(1))",
            "<details open ontoggle=alert(1)>",
            "<style>*{background:url(javascript:alert(1))}</style>",
            "<form action=javascript:alert(1)><button>x</button></form>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "[x](https://example.com \"t\" onclick=alert(1))",
            "`<script>alert(1)</script>`",
        ];
        fn inert(html: &str) -> bool {
            let lower = html.to_ascii_lowercase();
            // Text may mention `<script>` escaped; what counts is markup.
            !lower.contains("<script")
                && !lower.contains("<svg")
                && !lower.contains("<iframe")
                && !lower.contains("<style")
                && !lower.contains("<form")
                && !lower.contains("<math")
                && !lower.contains("<details")
                && !lower.contains("javascript:")
                && !lower.contains("vbscript:")
                && !lower.contains("data:")
                && !lower.contains(" on")
                && !lower.contains("tabindex")
        }
        for input in CORPUS {
            let html = render_markdown(input);
            // Escaped text such as `&lt;img src=x onerror=…&gt;` is harmless
            // but contains the words; judge the markup without text.
            let markup: String = strip_text(&html);
            assert!(inert(&markup), "{input:?} rendered as {html}");
            let direct = sanitise_html(input);
            assert!(
                inert(&strip_text(&direct)),
                "{input:?} sanitised to {direct}"
            );
        }
    }

    /// The tags and attributes of an HTML string, without its text.
    fn strip_text(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    out.push(c);
                }
                '>' if in_tag => {
                    in_tag = false;
                    out.push(c);
                }
                _ if in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn headings_keep_their_anchors_and_tables_render() {
        let html = render_markdown("## 第一步 {#org-info}\n\n| a | b |\n|---|---|\n| 1 | 2 |");
        assert!(html.contains("<h2 id=\"org-info\">第一步</h2>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain_text("## 标题\n\n- **加粗**的[链接](/x)\n- 第二项"),
            "标题 加粗的链接 第二项"
        );
    }

    #[test]
    fn front_matter_errors_are_specific() {
        assert!(parse_seed("no front matter")
            .unwrap_err()
            .contains("front matter"));
        let e = parse_seed("---\nslug: a\ncategory: blog\nposition: 1\ntitle: t\n---\nbody")
            .unwrap_err();
        assert!(e.contains("blog"));
    }
}
