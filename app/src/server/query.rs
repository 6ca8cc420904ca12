//! A WHERE clause built from a list's filters, with its bound values in
//! order: one builder per list, shared by the page (counted, one page) and
//! its export (every row, streamed), so the two can never disagree.

use sqlx::Any;

type Args<'q> = <Any as sqlx::Database>::Arguments<'q>;

/// One bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// Conditions joined by AND, with `$n` placeholders numbered in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Where {
    conds: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    pub fn new() -> Where {
        Where::default()
    }

    /// Binds a text value; returns its placeholder.
    pub fn text(&mut self, v: impl Into<String>) -> String {
        self.args.push(Arg::Text(v.into()));
        format!("${}", self.args.len())
    }

    /// Binds an integer; returns its placeholder.
    pub fn int(&mut self, v: i64) -> String {
        self.args.push(Arg::Int(v));
        format!("${}", self.args.len())
    }

    pub fn and(&mut self, cond: impl Into<String>) {
        self.conds.push(cond.into());
    }

    /// The conditions ("1 = 1" when there are none).
    pub fn sql(&self) -> String {
        if self.conds.is_empty() {
            "1 = 1".into()
        } else {
            self.conds.join(" AND ")
        }
    }

    pub fn bind<'q>(
        &self,
        mut q: sqlx::query::Query<'q, Any, Args<'q>>,
    ) -> sqlx::query::Query<'q, Any, Args<'q>> {
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(n) => q.bind(*n),
            };
        }
        q
    }

    pub fn bind_as<'q, O>(
        &self,
        mut q: sqlx::query::QueryAs<'q, Any, O, Args<'q>>,
    ) -> sqlx::query::QueryAs<'q, Any, O, Args<'q>> {
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(n) => q.bind(*n),
            };
        }
        q
    }

    pub fn bind_scalar<'q, O>(
        &self,
        mut q: sqlx::query::QueryScalar<'q, Any, O, Args<'q>>,
    ) -> sqlx::query::QueryScalar<'q, Any, O, Args<'q>> {
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(n) => q.bind(*n),
            };
        }
        q
    }
}

/// The codes starting with a digit `prefix`, as a half-open range (both
/// engines use the index for a range, not for `LIKE 'prefix%'`).
pub fn prefix_range(prefix: &str) -> (String, String) {
    let hi = prefix
        .parse::<u64>()
        .map(|n| format!("{:0width$}", n + 1, width = prefix.len()))
        .unwrap_or_else(|_| format!("{prefix}\u{10FFFF}"));
    (prefix.to_string(), hi)
}

impl Where {
    /// `column` lies in the region code prefix (nothing when it is empty).
    pub fn region(&mut self, column: &str, prefix: &str) {
        if prefix.is_empty() {
            return;
        }
        let (lo, hi) = prefix_range(prefix);
        let (lo, hi) = (self.text(lo), self.text(hi));
        self.and(format!("{column} >= {lo} AND {column} < {hi}"));
    }
}

impl Where {
    /// The `directory` row (alias `alias`) lies in the region code prefix:
    /// equality on the column of that level (a province's two digits, a
    /// city's four, a county's six), which the table indexes with each
    /// order; nothing when the prefix is empty.
    pub fn scope(&mut self, alias: &str, prefix: &str) {
        let column = match prefix.len() {
            0 => return,
            2 => "province",
            4 => "city",
            6 => "region_code",
            _ => return self.region(&format!("{alias}.region_code"), prefix),
        };
        let p = self.text(prefix);
        self.and(format!("{alias}.{column} = {p}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_binding_order() {
        let mut w = Where::new();
        assert_eq!(w.sql(), "1 = 1");
        let a = w.int(7);
        w.and(format!("x = {a}"));
        w.region("e.region_code", "3201");
        assert_eq!(
            w.sql(),
            "x = $1 AND e.region_code >= $2 AND e.region_code < $3"
        );
        assert_eq!(
            w.args,
            vec![
                Arg::Int(7),
                Arg::Text("3201".into()),
                Arg::Text("3202".into())
            ]
        );
    }

    #[test]
    fn a_scope_is_an_equality_on_its_level() {
        let mut w = Where::new();
        w.scope("d", "");
        w.scope("d", "32");
        w.scope("d", "3201");
        w.scope("d", "320102");
        assert_eq!(
            w.sql(),
            "d.province = $1 AND d.city = $2 AND d.region_code = $3"
        );
    }

    #[test]
    fn a_prefix_range_covers_exactly_the_prefix() {
        assert_eq!(prefix_range("32"), ("32".into(), "33".into()));
        assert_eq!(prefix_range("3299"), ("3299".into(), "3300".into()));
        assert_eq!(prefix_range("320102"), ("320102".into(), "320103".into()));
        assert_eq!(prefix_range("09"), ("09".into(), "10".into()));
    }
}
