//! Exports of the regulators' lists as CSV and Excel, in bounded memory.
//!
//! A list's rows are read with a streaming query (sqlx `fetch`) by a
//! producer that sends each row down a small channel as it comes:
//! - CSV is encoded as the rows arrive and goes out in 64 KiB chunks (UTF-8
//!   with a BOM so that Excel reads Chinese; quoting by the `csv` crate;
//!   a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//!   return gets a leading apostrophe, so no cell is run as a formula:
//!   enterprise names are user input);
//! - XLSX is written by `rust_xlsxwriter` in constant-memory mode (each
//!   row goes to a temp file once the next one starts) on the blocking
//!   pool, into an anonymous temp file that is then sent with its length
//!   (the browser shows the download's progress). An .xlsx is a zip whose
//!   directory comes last, so it cannot be sent before it is complete.
//!
//! At most [`CONCURRENT`] exports run at once: each holds a read connection
//! while it streams.

use std::io::{Seek, SeekFrom};

use axum::body::Bytes;
use futures::future::BoxFuture;
use futures::TryStreamExt as _;
use tokio::sync::mpsc;

use super::db::Db;
use super::query::Where;
use crate::domain::Date;

/// One cell: text, or a number (counts stay numbers in Excel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

pub type Row = Vec<Cell>;
/// Where a producer sends its rows.
pub type Sink = mpsc::Sender<Row>;
/// A list's rows, sent to the sink one by one.
pub type Producer = Box<dyn FnOnce(Sink) -> BoxFuture<'static, Result<(), ExportError>> + Send>;

#[derive(Debug)]
pub enum ExportError {
    Db(sqlx::Error),
    /// The reader went away (the download was cancelled).
    Closed,
    Io(std::io::Error),
    Xlsx(String),
    /// More rows than a worksheet holds.
    TooManyRows,
}

impl From<sqlx::Error> for ExportError {
    fn from(e: sqlx::Error) -> Self {
        ExportError::Db(e)
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Io(e)
    }
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::Xlsx(e.to_string())
    }
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Db(e) => write!(f, "database: {e}"),
            ExportError::Closed => write!(f, "the download was cancelled"),
            ExportError::Io(e) => write!(f, "temp file: {e}"),
            ExportError::Xlsx(e) => write!(f, "xlsx: {e}"),
            ExportError::TooManyRows => write!(f, "more rows than a worksheet holds"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn from_ext(ext: &str) -> Option<Format> {
        match ext {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "Excel",
        }
    }
}

/// Exports running at once (each holds a read connection while it streams).
pub const CONCURRENT: usize = 4;
static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT);

/// A place among the running exports, waiting up to 20 seconds for one.
pub async fn permit() -> Option<tokio::sync::SemaphorePermit<'static>> {
    tokio::time::timeout(std::time::Duration::from_secs(20), RUNNING.acquire())
        .await
        .ok()?
        .ok()
}

/// A text cell as a spreadsheet must not run it: a leading `=`, `+`, `-`,
/// `@`, tab or carriage return gets an apostrophe in front.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// `attachment` with the name in RFC 5987 form (Chinese names survive)
/// and an ASCII fallback for old clients.
pub fn content_disposition(name: &str, fallback: &str) -> String {
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        crate::url::urlencode(name)
    )
}

/// `名称-YYYYMMDD.ext`.
pub fn file_name(title: &str, today: Date, format: Format) -> String {
    format!(
        "{title}-{:04}{:02}{:02}.{}",
        today.year(),
        today.month(),
        today.day(),
        format.ext()
    )
}

const CHUNK: usize = 64 * 1024;

fn csv_record(w: &mut csv::Writer<Vec<u8>>, row: &[Cell]) -> csv::Result<()> {
    w.write_record(row.iter().map(|c| match c {
        Cell::Text(s) => neutralise(s).into_owned(),
        Cell::Int(n) => n.to_string(),
    }))
}

/// The CSV of a list as a stream of chunks: the producer runs in a task
/// and the encoder sends a chunk whenever 64 KiB are ready. A failure
/// midway ends the stream with an error, so the download fails visibly
/// rather than stopping short.
pub fn csv_stream(
    columns: &'static [&'static str],
    produce: Producer,
    permit: Option<tokio::sync::SemaphorePermit<'static>>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let _permit = permit;
        let (row_tx, mut row_rx) = mpsc::channel::<Row>(256);
        let producing = produce(row_tx);
        let out = tx.clone();
        let encoding = async move {
            let new_writer = |bom: bool| {
                let mut buf = Vec::with_capacity(CHUNK + 4096);
                if bom {
                    buf.extend_from_slice("\u{feff}".as_bytes());
                }
                csv::Writer::from_writer(buf)
            };
            let mut w = new_writer(true);
            let header: Row = columns.iter().map(|c| Cell::from(*c)).collect();
            let io = |e: csv::Error| std::io::Error::other(e.to_string());
            csv_record(&mut w, &header).map_err(io)?;
            while let Some(row) = row_rx.recv().await {
                csv_record(&mut w, &row).map_err(io)?;
                w.flush()?;
                if w.get_ref().len() >= CHUNK {
                    let full = std::mem::replace(&mut w, new_writer(false));
                    let bytes = full
                        .into_inner()
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    if out.send(Ok(Bytes::from(bytes))).await.is_err() {
                        return Err(std::io::Error::other("closed"));
                    }
                }
            }
            let bytes = w
                .into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            Ok::<Vec<u8>, std::io::Error>(bytes)
        };
        let (produced, encoded) = tokio::join!(producing, encoding);
        match (produced, encoded) {
            (Ok(()), Ok(rest)) => {
                let _ = tx.send(Ok(Bytes::from(rest))).await;
            }
            (Err(ExportError::Closed), _) | (_, Err(_)) if tx.is_closed() => {}
            (Err(e), _) => {
                tracing::error!(error = %e, "a CSV export failed midway");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
            }
            (_, Err(e)) => {
                tracing::error!(error = %e, "a CSV export failed midway");
                let _ = tx.send(Err(e)).await;
            }
        }
    });
    // Fused: a body layer (compression) may poll once more after the end.
    futures::StreamExt::fuse(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|x| (x, rx))
    }))
}

/// The .xlsx of a list in an anonymous temp file (gone when closed),
/// rewound, and its length.
pub async fn xlsx_file(
    sheet: &'static str,
    columns: &'static [&'static str],
    produce: Producer,
) -> Result<(tokio::fs::File, u64), ExportError> {
    let (row_tx, row_rx) = mpsc::channel::<Row>(256);
    let writing = tokio::task::spawn_blocking(move || write_xlsx(sheet, columns, row_rx));
    let produced = produce(row_tx).await;
    let written = writing
        .await
        .map_err(|e| ExportError::Xlsx(e.to_string()))?;
    produced?;
    let mut file = written?;
    file.seek(SeekFrom::Start(0))?;
    let len = file.metadata()?.len();
    Ok((tokio::fs::File::from_std(file), len))
}

/// The most data rows a worksheet holds (below its header).
const MAX_ROWS: u32 = 1_048_575;

fn write_xlsx(
    sheet: &str,
    columns: &[&str],
    mut rows: mpsc::Receiver<Row>,
) -> Result<std::fs::File, ExportError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let ws = workbook.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet)?;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, if i == 0 { 36 } else { 18 })?;
        ws.write_string_with_format(0, col, *c, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let mut n: u32 = 0;
    while let Some(row) = rows.blocking_recv() {
        n += 1;
        if n > MAX_ROWS {
            return Err(ExportError::TooManyRows);
        }
        for (i, cell) in row.into_iter().enumerate() {
            let col = i as u16;
            match cell {
                // A string cell is never a formula in .xlsx: no apostrophe.
                Cell::Text(s) => ws.write_string(n, col, s)?,
                Cell::Int(v) => ws.write_number(n, col, v as f64)?,
            };
        }
    }
    let mut file = tempfile::tempfile()?;
    workbook.save_to_writer(&mut file)?;
    Ok(file)
}

async fn send(sink: &Sink, row: Row) -> Result<(), ExportError> {
    sink.send(row).await.map_err(|_| ExportError::Closed)
}

// ---------------------------------------------------------------------------
// The lists.

pub const DIRECTORY_COLUMNS: &[&str] = &[
    "企业名称",
    "统一社会信用代码",
    "所属地区",
    "经营方式",
    "重大危险源",
    "状态",
    "修改申请待确认",
    "最近到期",
];

/// The directory under `f`, in the page's order, every row.
pub async fn directory(
    db: &Db,
    f: &super::enterprise_info::Filter,
    sink: &Sink,
) -> Result<(), ExportError> {
    use super::enterprise_info::{directory_row, directory_select};
    let (sql, w) = directory_select(db.backend(), f);
    let mut rows = w.bind(sqlx::query(&sql)).fetch(db.reader());
    while let Some(r) = rows.try_next().await? {
        let d = directory_row(&r)?;
        let row = vec![
            Cell::from(d.name.as_str()),
            d.credit_code.as_str().into(),
            super::regions::full_name(&d.region_code).into(),
            d.mode_label().into(),
            d.hazard_label().into(),
            d.status.label().into(),
            if d.proposal_pending { "是" } else { "" }.into(),
            d.next_expiry.clone().unwrap_or_default().into(),
        ];
        send(sink, row).await?;
    }
    Ok(())
}

pub const CASE_COLUMNS: &[&str] = &[
    "案件号",
    "事项",
    "企业名称",
    "统一社会信用代码",
    "许可证编号",
    "进度",
    "提交时间",
    "本环节期限",
    "超期",
    "承办人",
    "说明",
];

/// The inbox of `organization_id` under `filter`, every case.
pub async fn cases(
    db: &Db,
    organization_id: i64,
    filter: &super::licence_case::InboxFilter,
    today: Date,
    sink: &Sink,
) -> Result<(), ExportError> {
    use super::licence_case::{case_from_row, inbox_select};
    let (sql, w) = inbox_select(organization_id, filter, today);
    let mut rows = w.bind(sqlx::query(&sql)).fetch(db.reader());
    while let Some(r) = rows.try_next().await? {
        let c = case_from_row(&r).map_err(|e| match e {
            super::licence_case::CaseError::Db(e) => ExportError::Db(e),
            other => ExportError::Xlsx(format!("{other:?}")),
        })?;
        let mut note = vec![];
        if c.deemed_accepted(today) {
            note.push("逾期未处理,依法视为受理".to_string());
        }
        if !c.late_filing.is_empty() {
            note.push(c.late_filing.clone());
        }
        let row = vec![
            Cell::Int(c.id),
            c.kind.label().into(),
            c.application.name.as_str().into(),
            c.credit_code.as_str().into(),
            c.application.licence_number.as_str().into(),
            c.step.label(c.kind).into(),
            c.submitted_at
                .map(super::cst_datetime)
                .unwrap_or_default()
                .into(),
            c.deadline.map(|d| d.to_string()).unwrap_or_default().into(),
            if c.overdue(today) { "已超期" } else { "" }.into(),
            c.claimed_by_name.as_str().into(),
            note.join(";").into(),
        ];
        send(sink, row).await?;
    }
    Ok(())
}

/// The licences (of the records regulators see) inside the region prefix
/// `scope` expiring on or before `by`, the expired ones included, soonest
/// first.
pub fn expiring_select(scope: &str, by: Date) -> (String, Where) {
    let mut w = Where::new();
    w.and("EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'active')");
    w.region("e.region_code", scope);
    let by = w.text(by.to_string());
    w.and(format!("l.valid_until <= {by}"));
    let sql = format!(
        "SELECT l.number, e.name, e.credit_code, COALESCE(e.region_code, ''), l.mode, l.valid_until \
         FROM licences l JOIN enterprises e ON e.id = l.enterprise_id WHERE {} \
         ORDER BY l.valid_until, l.number, l.id",
        w.sql()
    );
    (sql, w)
}

/// How many licences [`expiring_select`] lists.
pub async fn expiring_count(db: &Db, scope: &str, by: Date) -> Result<i64, sqlx::Error> {
    let (sql, w) = expiring_select(scope, by);
    let sql = format!("SELECT COUNT(*) FROM ({sql}) x");
    w.bind_scalar(sqlx::query_scalar::<_, i64>(&sql))
        .fetch_one(db.reader())
        .await
}

pub const EXPIRING_COLUMNS: &[&str] = &[
    "许可证编号",
    "企业名称",
    "统一社会信用代码",
    "所属地区",
    "经营方式",
    "有效期至",
    "剩余天数",
    "状态",
];

pub async fn expiring(
    db: &Db,
    scope: &str,
    by: Date,
    today: Date,
    sink: &Sink,
) -> Result<(), ExportError> {
    let (sql, w) = expiring_select(scope, by);
    let mut rows = w
        .bind_as(sqlx::query_as::<
            _,
            (String, String, String, String, String, String),
        >(&sql))
        .fetch(db.reader());
    while let Some((number, name, code, region, mode, valid_until)) = rows.try_next().await? {
        let left =
            Date::parse(&valid_until).map(|d| d.days_since_epoch() - today.days_since_epoch());
        let row = vec![
            Cell::Text(number),
            Cell::Text(name),
            Cell::Text(code),
            super::regions::full_name(&region).into(),
            crate::domain::business_mode::BusinessMode::from_code(&mode)
                .map(|m| m.label())
                .unwrap_or_default()
                .into(),
            valid_until.into(),
            left.map(Cell::Int).unwrap_or(Cell::Text(String::new())),
            match left {
                Some(d) if d < 0 => "已过期".to_string(),
                Some(d) => format!("{d}天后到期"),
                None => String::new(),
            }
            .into(),
        ];
        send(sink, row).await?;
    }
    Ok(())
}

pub const TRAIL_COLUMNS: &[&str] = &["时间", "操作人", "来源地址", "操作", "变更内容", "结果"];

/// The audit trail of one enterprise, newest first, every row.
pub async fn trail(db: &Db, enterprise_id: i64, sink: &Sink) -> Result<(), ExportError> {
    use super::audit::{trail_row, TRAIL_SQL};
    let mut rows = sqlx::query(TRAIL_SQL)
        .bind(enterprise_id)
        .fetch(db.reader());
    while let Some(r) = rows.try_next().await? {
        let a = trail_row(&r)?;
        let changes = a
            .changes
            .iter()
            .map(|c| {
                let named = |v: &str| {
                    if c.field == "region_code" && !v.is_empty() {
                        super::regions::full_name(v)
                    } else {
                        v.to_string()
                    }
                };
                format!("{}:{} → {}", c.label, named(&c.before), named(&c.after))
            })
            .collect::<Vec<_>>()
            .join(";");
        let row = vec![
            Cell::Text(super::cst_datetime(a.at)),
            a.actor.into(),
            a.ip.into(),
            a.summary.into(),
            changes.into(),
            if a.outcome == "ok" {
                "成功"
            } else {
                "被拒绝"
            }
            .into(),
        ];
        send(sink, row).await?;
    }
    Ok(())
}

/// The enterprise with `credit_code` when it lies in the region prefix
/// `scope` ("" = everywhere): its id and name.
pub async fn enterprise_in_scope(
    db: &Db,
    credit_code: &str,
    scope: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let code = crate::domain::normalize::normalize_code(credit_code);
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, COALESCE(region_code, '') FROM enterprises WHERE credit_code = $1",
    )
    .bind(&code)
    .fetch_optional(db.reader())
    .await?;
    let Some((id, name, region)) = row else {
        return Ok(None);
    };
    let inside = scope.is_empty() || (region.len() == 6 && region.starts_with(scope));
    Ok(inside.then_some((id, name)))
}

pub const REPORT_COLUMNS_HEAD: &str = "地区";

/// The annual report's rows: each sub-region, the rest, the total.
pub fn report_rows(r: &crate::api::report::AnnualReport) -> Vec<Row> {
    use crate::domain::annual_report::{Figures, Metric};
    let row = |name: &str, f: &Figures| {
        let mut cells = vec![Cell::from(name)];
        cells.extend(Metric::ALL.iter().map(|m| Cell::Int(f.get(*m))));
        cells
    };
    let mut out: Vec<Row> = r.rows.iter().map(|x| row(&x.region, &x.figures)).collect();
    if let Some(o) = &r.other {
        out.push(row("其他(未细分到下级地区)", o));
    }
    out.push(row("合计", &r.total));
    out
}

/// The annual report's header: 地区, then each figure under its group.
pub fn report_columns() -> &'static [&'static str] {
    use crate::domain::annual_report::Metric;
    static COLUMNS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        let mut c = vec![REPORT_COLUMNS_HEAD];
        c.extend(Metric::ALL.iter().map(|m| -> &'static str {
            match m {
                Metric::Received(_) => match m.label() {
                    "首次申请" => "收到申请·首次申请",
                    "延期申请" => "收到申请·延期",
                    "变更申请" => "收到申请·变更",
                    "注销申请" => "收到申请·注销",
                    _ => "收到申请·补证",
                },
                _ => m.label(),
            }
        }));
        c
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_gets_an_apostrophe() {
        for s in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(s), format!("'{s}"));
        }
        for s in ["南京示例", "2026-12-03", "", "a=b"] {
            assert_eq!(neutralise(s), s);
        }
    }

    #[test]
    fn chinese_file_names_travel_in_rfc_5987_form() {
        let today = Date::new(2026, 12, 3).unwrap();
        let name = file_name("企业名录", today, Format::Csv);
        assert_eq!(name, "企业名录-20261203.csv");
        assert_eq!(
            content_disposition(&name, "directory-20261203.csv"),
            "attachment; filename=\"directory-20261203.csv\"; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-20261203.csv"
        );
    }

    #[tokio::test]
    async fn csv_has_a_bom_quotes_and_no_formulas() {
        use futures::StreamExt as _;
        let produce: Producer = Box::new(|sink: Sink| {
            Box::pin(async move {
                send(&sink, vec!["=1+1".into(), Cell::Int(-5)]).await?;
                send(&sink, vec!["含,逗号\"引号".into(), Cell::Int(7)]).await?;
                Ok(())
            })
        });
        let chunks: Vec<_> = csv_stream(&["名称", "数"], produce, None).collect().await;
        let bytes: Vec<u8> = chunks
            .into_iter()
            .flat_map(|c| c.expect("chunk").to_vec())
            .collect();
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(text, "\u{feff}名称,数\n'=1+1,-5\n\"含,逗号\"\"引号\",7\n");
    }

    #[tokio::test]
    async fn xlsx_is_a_zip_with_every_row() {
        use tokio::io::AsyncReadExt as _;
        let produce: Producer = Box::new(|sink: Sink| {
            Box::pin(async move {
                for i in 0..3000 {
                    send(&sink, vec![format!("企业{i}").into(), Cell::Int(i)]).await?;
                }
                Ok(())
            })
        });
        let (mut file, len) = xlsx_file("清单", &["名称", "数"], produce)
            .await
            .expect("xlsx");
        let mut bytes = vec![];
        file.read_to_end(&mut bytes).await.expect("read");
        assert_eq!(bytes.len() as u64, len);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
    }
}
