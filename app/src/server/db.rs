//! The database: SQLite by default, PostgreSQL when `DATABASE_URL` says so,
//! through one code path (sqlx `Any`, portable SQL with `$1` placeholders).
//!
//! SQLite runs in WAL mode with `synchronous=NORMAL`, foreign keys and a busy
//! timeout; it gets one writer connection (SQLite has one writer at a time, so
//! writes queue in the pool rather than in SQLite's lock) and a read-only pool.
//! Read-then-write transactions start with `BEGIN IMMEDIATE` on SQLite so they
//! wait for the write lock instead of failing with `SQLITE_BUSY`.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Transaction};

/// Which engine is behind the pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

const BUSY_TIMEOUT_MS: u64 = 5_000;

#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    writer: AnyPool,
    reader: AnyPool,
}

pub type Tx = Transaction<'static, Any>;
pub type Row = AnyRow;

/// A yes/no column as both engines return it (an integer, 0 for no), read
/// into a `bool` field with `#[sqlx(try_from = "Flag")]`.
pub struct Flag(bool);

impl sqlx::Type<Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <i64 as sqlx::Decode<'r, Any>>::decode(value).map(|n| Flag(n != 0))
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

fn sqlite_pool(max: u32, read_only: bool) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_millis(BUSY_TIMEOUT_MS + 5_000))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    format!(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL;{}",
                        if read_only { " PRAGMA query_only = ON;" } else { "" }
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`), creating a
    /// SQLite file (and its directory) if missing, and applies the migrations.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let db = if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let file = path.split('?').next().unwrap_or(path);
            if let Some(dir) = std::path::Path::new(file).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            let writer_url = format!("sqlite://{file}?mode=rwc");
            let writer = sqlite_pool(1, false).connect(&writer_url).await?;
            // WAL is a property of the file: set it once, before readers open it.
            writer.execute("PRAGMA journal_mode = WAL").await?;
            let reader_url = format!("sqlite://{file}?mode=ro");
            let cores = std::thread::available_parallelism()
                .map(|n| n.get() as u32)
                .unwrap_or(2);
            let reader = sqlite_pool(cores.max(2), true).connect(&reader_url).await?;
            Db {
                backend: Backend::Sqlite,
                writer,
                reader,
            }
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(20)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Db {
                backend: Backend::Postgres,
                writer: pool.clone(),
                reader: pool,
            }
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&self.writer).await?;
        let sealed = super::audit::seal_unsealed(self).await?;
        if sealed > 0 {
            tracing::info!(sealed, "audit rows from before the hash chain sealed");
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads that need no transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// The pool for single-statement writes.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A transaction that may read and then write: `BEGIN IMMEDIATE` on SQLite.
    ///
    /// Begun in a task of its own, which runs to the end even when the
    /// caller is dropped (a client that went away mid-request): sqlx 0.8
    /// loses a transaction whose `begin` is dropped between the database's
    /// BEGIN and the `Transaction` it returns, and the connection goes back
    /// to the pool inside it. On SQLite that keeps the write lock, and every
    /// later write fails. A transaction the task begins for nobody is
    /// dropped there, which rolls it back.
    pub async fn write_tx(&self) -> Result<Tx, sqlx::Error> {
        use tracing::Instrument as _;
        let (writer, backend) = (self.writer.clone(), self.backend);
        let begun = tokio::spawn(
            async move {
                match backend {
                    Backend::Sqlite => writer.begin_with("BEGIN IMMEDIATE").await,
                    Backend::Postgres => writer.begin().await,
                }
            }
            .in_current_span(),
        )
        .await;
        match begun {
            Ok(tx) => tx,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(sqlx::Error::Io(std::io::Error::other(e))),
        }
    }

    /// The decision another reviewer made first, after a guarded update of
    /// `tx` found nothing to decide: `tx` is rolled back, and `sql` (`$1` =
    /// the row's id) reads the row's status, the decider's name and when.
    pub async fn decided_first(
        &self,
        tx: Tx,
        sql: &'static str,
        id: i64,
    ) -> Result<(String, String, Option<i64>), sqlx::Error> {
        tx.rollback().await?;
        sqlx::query_as(sql).bind(id).fetch_one(&self.reader).await
    }

    /// A cheap query on both pools, for `/healthz`.
    pub async fn health(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        sqlx::query("SELECT 1").execute(&self.writer).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// Creates a new, empty database named `name` on the PostgreSQL server of
/// `admin_url` and returns its URL (for tests and benchmarks).
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let pool = AnyPool::connect(admin_url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await?;
    pool.close().await;
    match admin_url.rfind('/') {
        Some(i) => Ok(format!("{}/{name}", &admin_url[..i])),
        None => Err(sqlx::Error::Configuration(
            "the PostgreSQL URL has no database part".into(),
        )),
    }
}

/// Whether `err` violates the unique constraint `constraint` (PostgreSQL
/// names it) on `table.column` (SQLite names the column).
pub fn is_unique_violation(err: &sqlx::Error, constraint: &str, column: &str) -> bool {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            db.constraint() == Some(constraint) || db.message().contains(column)
        }
        _ => false,
    }
}
