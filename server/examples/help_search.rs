//! Benchmark: help-centre search over a thousand articles, on SQLite (a temp
//! file) and, when `WHP_TEST_PG_URL` is set, on PostgreSQL. Each query's
//! median and 95th-percentile latency is reported next to a baseline
//! measured in the same run on the same database: reading one article by its
//! slug (an indexed point lookup). The target is 50 ms per search.
//!
//! Usage: help_search [ITERATIONS]   (run by scripts/bench)

use std::time::{Duration, Instant};

#[path = "common/articles.rs"]
mod articles;
mod common;

use app::server::db::Db;
use app::server::help;

const QUERIES: &[&str] = &[
    "完善信息",
    "忘记密码",
    "一企多证",
    "加油站",
    "重大危险源",
    "密码",
];
const ARTICLES: usize = 1000;
const TARGET: Duration = Duration::from_millis(50);

fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn fill(db: &Db) -> Result<(), String> {
    help::seed(db, 0).await.map_err(|e| e.to_string())?;
    articles::add_copies(db, "bench", 100, ARTICLES, |i, src| {
        (
            format!("{}(副本{i})", src.title),
            format!("{}\n\n第{i}篇。", src.body),
        )
    })
    .await
}

async fn run(name: &str, url: &str, iterations: usize) -> Result<bool, String> {
    let db = Db::connect(url).await.map_err(|e| format!("{name}: {e}"))?;
    fill(&db).await?;
    let mut base = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let slug = format!("bench-{}", i % ARTICLES);
        let t = Instant::now();
        help::get(&db, &slug, None)
            .await
            .map_err(|e| e.to_string())?;
        base.push(t.elapsed());
    }
    let base_median = quantile(&mut base, 0.5);
    println!(
        "== {name}: {} articles; baseline (one article by slug) median {:.2} ms",
        ARTICLES + help::seed_articles()?.len(),
        ms(base_median)
    );
    println!(
        "  {:<12} {:>6} {:>10} {:>10} {:>14}",
        "query", "hits", "median ms", "p95 ms", "median/baseline"
    );
    let mut ok = true;
    for q in QUERIES {
        let terms = app::domain::help::search_terms(q);
        let mut samples = Vec::with_capacity(iterations);
        let mut hits = 0;
        for _ in 0..iterations {
            let t = Instant::now();
            hits = help::search(&db, &terms)
                .await
                .map_err(|e| e.to_string())?
                .len();
            samples.push(t.elapsed());
        }
        let median = quantile(&mut samples, 0.5);
        let p95 = quantile(&mut samples, 0.95);
        ok &= p95 <= TARGET;
        println!(
            "  {:<12} {:>6} {:>10.2} {:>10.2} {:>14.1}",
            q,
            hits,
            ms(median),
            ms(p95),
            median.as_secs_f64() / base_median.as_secs_f64()
        );
    }
    db.close().await;
    Ok(ok)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let iterations = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let (dbs, dir) = common::bench_databases().await?;
    let mut ok = true;
    for (engine, url) in &dbs {
        ok &= run(engine, url, iterations).await?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "  target: every query's p95 within {} ms: {}",
        TARGET.as_millis(),
        if ok { "met" } else { "NOT met" }
    );
    Ok(())
}
