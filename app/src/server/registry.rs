//! The enterprise-credit registry adapter.
//!
//! `Http` asks an online registry (JSON POST with the claimed data; reply
//! `{"result": "match" | "not_found" | "mismatch", "mismatches": [...]}`)
//! with a time-out; `Builtin` answers from the `registry_entries` table,
//! loaded from CSV (`server registry import FILE.csv`), with the same
//! latency and, for entries marked so, the same time-outs and outages a real
//! registry has. Production refuses to start with the built-in one unless
//! configured explicitly (see `Config`).

use std::time::Duration;

use super::db::Db;
use super::external::{Builtin, Endpoint, ExternalError};
use crate::domain::normalize::{normalize_code, normalize_text};
use crate::domain::{CreditCode, IdDocType, IdDocument};

/// The data a registrant claims.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Claim {
    pub credit_code: String,
    pub name: String,
    pub legal_rep_name: String,
    pub id_number: String,
}

/// A field of the claim that the registry holds differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mismatch {
    Name,
    LegalRepName,
    IdNumber,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Match,
    NotFound,
    Mismatch(Vec<Mismatch>),
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("the registry did not answer in time")]
    Timeout,
    #[error("the registry is unavailable: {0}")]
    Unavailable(String),
}

#[derive(Clone, Debug)]
pub enum Registry {
    Builtin(Builtin),
    Http(Endpoint),
}

#[derive(serde::Deserialize)]
struct Reply {
    result: String,
    #[serde(default)]
    mismatches: Vec<Mismatch>,
}

fn same_text(a: &str, b: &str) -> bool {
    normalize_text(a) == normalize_text(b)
}

impl Registry {
    pub fn builtin(timeout: Duration) -> Registry {
        Registry::Builtin(Builtin {
            latency: Duration::from_millis(50),
            timeout,
        })
    }

    pub fn http(url: String, token: Option<String>, timeout: Duration) -> Result<Registry, String> {
        Endpoint::new(url, token, timeout).map(Registry::Http)
    }

    /// Checks a claim against the registry.
    pub async fn verify(&self, db: &Db, claim: &Claim) -> Result<Verdict, RegistryError> {
        match self {
            Registry::Builtin(Builtin { latency, timeout }) => {
                tokio::time::sleep(*latency).await;
                let row: Option<(String, String, String, String)> = sqlx::query_as(
                    "SELECT name, legal_rep_name, id_number, simulate FROM registry_entries WHERE credit_code = $1",
                )
                .bind(&claim.credit_code)
                .fetch_optional(db.reader())
                .await
                .map_err(|e| RegistryError::Unavailable(e.to_string()))?;
                let Some((name, legal_rep_name, id_number, simulate)) = row else {
                    return Ok(Verdict::NotFound);
                };
                match simulate.as_str() {
                    "timeout" => {
                        tokio::time::sleep(*timeout).await;
                        return Err(RegistryError::Timeout);
                    }
                    "unavailable" => {
                        return Err(RegistryError::Unavailable("simulated outage".into()))
                    }
                    _ => {}
                }
                let mut m = vec![];
                if !same_text(&name, &claim.name) {
                    m.push(Mismatch::Name);
                }
                if !same_text(&legal_rep_name, &claim.legal_rep_name) {
                    m.push(Mismatch::LegalRepName);
                }
                if normalize_code(&id_number) != normalize_code(&claim.id_number) {
                    m.push(Mismatch::IdNumber);
                }
                Ok(if m.is_empty() {
                    Verdict::Match
                } else {
                    Verdict::Mismatch(m)
                })
            }
            Registry::Http(endpoint) => {
                let reply: Reply = endpoint.post(claim).await.map_err(|e| match e {
                    ExternalError::Timeout => RegistryError::Timeout,
                    ExternalError::Unavailable(m) => RegistryError::Unavailable(m),
                })?;
                match reply.result.as_str() {
                    "match" => Ok(Verdict::Match),
                    "not_found" => Ok(Verdict::NotFound),
                    "mismatch" if !reply.mismatches.is_empty() => {
                        Ok(Verdict::Mismatch(reply.mismatches))
                    }
                    other => Err(RegistryError::Unavailable(format!(
                        "unexpected result '{other}'"
                    ))),
                }
            }
        }
    }
}

/// Splits one CSV line (RFC 4180 quoting; no line breaks inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Loads registry entries from CSV text (header `credit_code,name,legal_rep_name,id_number[,simulate]`).
/// Every row is checked with the domain rules; any bad row rejects the whole file
/// (one transaction), with every problem listed by line number.
/// How many entries the built-in registry holds.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM registry_entries")
        .fetch_one(db.reader())
        .await
}

pub async fn import_csv(db: &Db, text: &str, now: i64) -> Result<usize, Vec<String>> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let header = lines
        .next()
        .map(|(_, l)| csv_fields(l.trim_start_matches('\u{feff}')));
    let expected = ["credit_code", "name", "legal_rep_name", "id_number"];
    match &header {
        Some(h) if h.len() >= 4 && h.iter().zip(expected).all(|(a, b)| a.trim() == b) => {}
        _ => {
            return Err(vec![format!(
                "line 1: the header must be {},simulate (optional)",
                expected.join(",")
            )])
        }
    }
    let today = super::today();
    let mut rows = vec![];
    let mut problems = vec![];
    for (i, line) in lines {
        let f = csv_fields(line);
        let n = i + 1;
        if f.len() < 4 {
            problems.push(format!(
                "line {n}: expected at least 4 fields, found {}",
                f.len()
            ));
            continue;
        }
        let code = match CreditCode::parse_for_manual_review(&f[0]) {
            Ok((c, _)) => c.to_string(),
            Err(e) => {
                problems.push(format!("line {n}: credit code: {e}"));
                continue;
            }
        };
        let id = match IdDocument::parse(IdDocType::ResidentId, &f[3], today) {
            Ok(d) => d.number().to_string(),
            Err(_) => normalize_code(&f[3]),
        };
        let simulate = f.get(4).map(|s| s.trim().to_string()).unwrap_or_default();
        if !matches!(simulate.as_str(), "" | "timeout" | "unavailable") {
            problems.push(format!(
                "line {n}: simulate must be empty, timeout or unavailable"
            ));
            continue;
        }
        let (name, rep) = (normalize_text(&f[1]), normalize_text(&f[2]));
        if name.is_empty() || rep.is_empty() || id.is_empty() {
            problems.push(format!(
                "line {n}: name, legal_rep_name and id_number are required"
            ));
            continue;
        }
        rows.push((code, name, rep, id, simulate));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let write = async {
        let mut tx = db.write_tx().await?;
        for (code, name, rep, id, simulate) in &rows {
            sqlx::query(
                "INSERT INTO registry_entries (credit_code, name, legal_rep_name, id_number, simulate, imported_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name, \
                 legal_rep_name = excluded.legal_rep_name, id_number = excluded.id_number, \
                 simulate = excluded.simulate, imported_at = excluded.imported_at",
            )
            .bind(code)
            .bind(name)
            .bind(rep)
            .bind(id)
            .bind(simulate)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    };
    write
        .await
        .map_err(|e: sqlx::Error| vec![format!("database: {e}")])?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::csv_fields;

    #[test]
    fn csv_quoting() {
        assert_eq!(
            csv_fields(r#"a,"b,c","d ""e""",,"#),
            ["a", "b,c", r#"d "e""#, "", ""]
        );
    }
}
