//! What the benchmarks share: the databases they run on.

/// A fresh SQLite file in a temporary directory (remove it when done) and,
/// when `WHP_TEST_PG_URL` is set (scripts/bench starts a server), a new
/// PostgreSQL database: (engine, URL) pairs, and the directory.
pub async fn bench_databases() -> Result<(Vec<(&'static str, String)>, std::path::PathBuf), String>
{
    let dir = std::env::temp_dir().join(format!("whp-bench-{}", &app::server::random_token()[..8]));
    let mut dbs = vec![(
        "SQLite",
        format!("sqlite://{}", dir.join("bench.db").display()),
    )];
    if let Ok(admin) = std::env::var("WHP_TEST_PG_URL") {
        let name = format!("whp_bench_{}", &app::server::random_token()[..12]);
        let url = app::server::db::create_postgres_database(&admin, &name)
            .await
            .map_err(|e| e.to_string())?;
        dbs.push(("PostgreSQL", url));
    }
    Ok((dbs, dir))
}
