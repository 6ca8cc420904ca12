//! Generated help articles: the bulk that the search benchmark measures and
//! that the integration test of search ranking runs against.

use app::server::db::Db;
use app::server::help::{self, SeedArticle};

/// Adds `count` FAQ articles in one transaction, made from the shipped ones
/// in turn: article `i` is `{prefix}-{i}` at position `first_position + i`,
/// with the (title, body) that `text` makes of `i` and the shipped article.
pub async fn add_copies(
    db: &Db,
    prefix: &str,
    first_position: i64,
    count: usize,
    text: impl Fn(usize, &SeedArticle) -> (String, String),
) -> Result<(), String> {
    let shipped = help::seed_articles()?;
    let mut tx = db.write_tx().await.map_err(|e| e.to_string())?;
    for i in 0..count {
        let (title, body) = text(i, &shipped[i % shipped.len()]);
        sqlx::query(
            "INSERT INTO help_articles (slug, category, position, title, body, version, updated_at)
             VALUES ($1, 'faq', $2, $3, $4, 1, 0)",
        )
        .bind(format!("{prefix}-{i}"))
        .bind(first_position + i as i64)
        .bind(title)
        .bind(body)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())
}
