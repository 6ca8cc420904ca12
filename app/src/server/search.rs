//! Searching by any part of a name, credit code or licence number through
//! the trigram indexes (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`; see
//! migration 0017). A term shorter than a trigram cannot use them and is
//! matched by `LIKE` instead.

use super::db::Backend;

/// Characters in a trigram: shorter terms cannot use the index.
pub const TRIGRAM: usize = 3;

/// `%term%` for `LIKE … ESCAPE '\'`, the term's own wildcards taken literally.
pub fn like_pattern(term: &str) -> String {
    format!("%{}%", escape_like(term))
}

/// `term%`: starts with the term.
pub fn prefix_pattern(term: &str) -> String {
    format!("{}%", escape_like(term))
}

fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// An FTS5 phrase: the term in double quotes, its own quotes doubled.
pub fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Which text of an enterprise (alias `e`) a term is looked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    CreditCode,
    /// Any of its licence numbers (table `licences`).
    LicenceNumber,
}

/// A query of the ids of the enterprises whose `field` contains `term`,
/// binding values through `bind` (which returns the placeholder). Callers
/// combine several with UNION: each part then runs on its own index (an OR
/// of two conditions would make PostgreSQL scan the table).
pub fn ids_containing(
    backend: Backend,
    field: Field,
    term: &str,
    bind: &mut dyn FnMut(String) -> String,
) -> String {
    let indexed = backend == Backend::Sqlite && term.chars().count() >= TRIGRAM;
    match (field, indexed) {
        (Field::Name | Field::CreditCode, true) => {
            let column = if field == Field::Name {
                "name"
            } else {
                "credit_code"
            };
            let p = bind(format!("{column} : {}", fts_phrase(term)));
            format!("SELECT rowid FROM enterprise_fts WHERE enterprise_fts MATCH {p}")
        }
        (Field::LicenceNumber, true) => {
            let p = bind(fts_phrase(term));
            format!(
                "SELECT enterprise_id FROM licences WHERE id IN \
                 (SELECT rowid FROM licence_fts WHERE licence_fts MATCH {p})"
            )
        }
        // PostgreSQL's trigram index serves LIKE '%…%' itself.
        (Field::Name, false) => format!(
            "SELECT id FROM enterprises WHERE name LIKE {} ESCAPE '\\'",
            bind(like_pattern(term))
        ),
        (Field::CreditCode, false) => format!(
            "SELECT id FROM enterprises WHERE credit_code LIKE {} ESCAPE '\\'",
            bind(like_pattern(term))
        ),
        (Field::LicenceNumber, false) => format!(
            "SELECT enterprise_id FROM licences WHERE number LIKE {} ESCAPE '\\'",
            bind(like_pattern(term))
        ),
    }
}

/// The condition "the enterprise whose id is `id` (a column, e.g. `e.id`)
/// has `term` in any of `fields`".
pub fn contains_any(
    backend: Backend,
    id: &str,
    fields: &[Field],
    term: &str,
    bind: &mut dyn FnMut(String) -> String,
) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| ids_containing(backend, *f, term, bind))
        .collect();
    format!("{id} IN ({})", parts.join(" UNION "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_quotes_in_a_term_are_taken_literally() {
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
        assert_eq!(prefix_pattern("9132"), "9132%");
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn long_terms_use_the_index_on_sqlite_and_short_ones_like() {
        let mut values = vec![];
        let mut bind = |v: String| {
            values.push(v);
            format!("${}", values.len())
        };
        let long = contains_any(
            Backend::Sqlite,
            "e.id",
            &[Field::Name],
            "鼓楼示例",
            &mut bind,
        );
        assert!(long.contains("enterprise_fts MATCH $1"), "{long}");
        let short = ids_containing(Backend::Sqlite, Field::Name, "鼓楼", &mut bind);
        assert_eq!(
            short,
            "SELECT id FROM enterprises WHERE name LIKE $2 ESCAPE '\\'"
        );
        let pg = contains_any(
            Backend::Postgres,
            "e.id",
            &[Field::Name, Field::LicenceNumber],
            "000501",
            &mut bind,
        );
        assert!(
            pg.contains(" UNION SELECT enterprise_id FROM licences WHERE number LIKE $4"),
            "{pg}"
        );
        assert_eq!(
            values,
            vec!["name : \"鼓楼示例\"", "%鼓楼%", "%000501%", "%000501%"]
        );
    }
}
