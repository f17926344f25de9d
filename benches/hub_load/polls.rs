//! Full-list polls while writes flow: `cargo bench --bench hub_load -- polls`.
//! Pollers ask for the whole open list with the ETag of their last answer
//! (as a script or dashboard would, not the console, which polls `since` its
//! cursor) while writers acknowledge and add notes back to back. Before the
//! list cache coalesced its rebuilds, every poll after a write waited for a
//! rebuild of its own (p99 2.46 s with 10,000 incidents, 16 writers and 20
//! pollers).
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::{Target, alerts, open_to_acknowledge, quantile_ms, spawn, writer};

/// One answered poll: how long it took and whether it carried a body.
struct Poll {
    took: Duration,
    changed: bool,
}

pub async fn polls(
    count: usize,
    writers: usize,
    pollers: usize,
    every: Duration,
    run_for: Duration,
) -> anyhow::Result<()> {
    let hub = spawn::Hub::start("", &[])?;
    let http = oncall::feed::http::client_builder()
        .pool_max_idle_per_host(writers + pollers)
        .build()?;
    let ids = open_to_acknowledge(
        &http,
        &hub.base,
        spawn::TOKEN,
        &alerts::AlertSet::new(count),
    )
    .await?;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + run_for;
    let write_tasks: Vec<_> = (0..writers)
        .map(|_| {
            let target = Target {
                http: http.clone(),
                base: hub.base.clone(),
                token: spawn::TOKEN.to_string(),
            };
            let (ids, next) = (ids.clone(), next.clone());
            tokio::spawn(async move { writer(target, ids, next, deadline).await })
        })
        .collect();
    // Spread over the interval, as consoles and scripts started at different
    // times are, rather than all asking in the same instant.
    let poll_tasks: Vec<_> = (0..pollers)
        .map(|i| {
            let (http, base) = (http.clone(), hub.base.clone());
            let offset = every.mul_f64(i as f64 / pollers as f64);
            tokio::spawn(async move {
                tokio::time::sleep(offset).await;
                poller(http, base, every, deadline).await
            })
        })
        .collect();
    let mut writes = 0;
    for task in write_tasks {
        writes += task.await.context("a writer task failed")??.len();
    }
    let mut polls = Vec::new();
    for task in poll_tasks {
        polls.extend(task.await.context("a poller task failed")??);
    }
    let elapsed = started.elapsed();
    println!(
        "{writers} writers and {pollers} pollers (a full-list poll every {every:?} each) for {:.1} s: \
         {writes} writes ({:.0}/s), {} polls, {} with a new list",
        elapsed.as_secs_f64(),
        writes as f64 / elapsed.as_secs_f64(),
        polls.len(),
        polls.iter().filter(|p| p.changed).count()
    );
    let mut took: Vec<Duration> = polls.iter().map(|p| p.took).collect();
    took.sort();
    if took.is_empty() {
        bail!("no poll was answered");
    }
    let at = |q: f64| quantile_ms(&took, q);
    println!(
        "full-list polls: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    );
    Ok(())
}

/// Polls the open list with the last ETag until `deadline`, one poll each
/// `every` (back to back when zero).
async fn poller(
    http: reqwest::Client,
    base: String,
    every: Duration,
    deadline: Instant,
) -> anyhow::Result<Vec<Poll>> {
    let mut polls = Vec::new();
    let mut etag: Option<String> = None;
    while Instant::now() < deadline {
        let mut req = http
            .get(format!("{base}/api/v1/incidents?status=open"))
            .bearer_auth(spawn::TOKEN)
            .header("accept-encoding", "gzip");
        if let Some(tag) = &etag {
            req = req.header("if-none-match", tag);
        }
        let sent = Instant::now();
        let resp = req.send().await?;
        let status = resp.status();
        if let Some(tag) = resp.headers().get("etag").and_then(|t| t.to_str().ok()) {
            etag = Some(tag.to_string());
        }
        resp.bytes().await?;
        let took = sent.elapsed();
        if !(status.is_success() || status == reqwest::StatusCode::NOT_MODIFIED) {
            bail!("a poll was answered {status}");
        }
        polls.push(Poll {
            took,
            changed: status.is_success(),
        });
        if let Some(rest) = every.checked_sub(took) {
            tokio::time::sleep(rest).await;
        }
    }
    Ok(polls)
}
