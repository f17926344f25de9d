//! Load for a real `oncall serve` over loopback, as a program rather than a
//! criterion bench, because what it measures is the whole process: sockets,
//! threads, fsyncs and resident memory.
//!
//! `cargo bench --bench hub_load -- MODE`:
//! - `writes` (the default): starts a hub on a temporary database, opens
//!   `--incidents` incidents, then `--writers` clients acknowledge them one
//!   each (and add notes once none is left to acknowledge) for `--seconds`;
//!   prints p50/p95/p99 and writes per second. Every write is answered only
//!   after its commit is on disk. With `--hub URL` (repeated) it loads hubs
//!   already running instead, the writers spread over them in turn: what
//!   `benches/hub_backends.sh` compares SQLite and PostgreSQL with.
//! - `memory`: starts a hub, opens `--incidents` incidents, reads every list
//!   once (plain and gzip) so the caches are full, and prints the resident
//!   memory of the hub process.
//! - `polls`: `--writers` write back to back while `--pollers` ask for the
//!   whole open list with the ETag of their last answer; prints the polls'
//!   p50/p95/p99 (`hub_load/polls.rs`).
//! - `pages`: the time from an incident's opening answered to its webhook
//!   page's arrival, alone and under `--writers`, and Alertmanager's beside
//!   it when given (`hub_load/pages.rs`).
//! - `fill`: posts the same open alerts to a running Alertmanager
//!   (`POST /api/v2/alerts`) and to a running hub (its Alertmanager webhook);
//!   what `benches/hub_vs_alertmanager.sh` loads both with.
#[path = "hub_load/alerts.rs"]
mod alerts;
#[path = "hub_load/pages.rs"]
mod pages;
#[path = "hub_load/polls.rs"]
mod polls;
#[path = "hub_load/receiver.rs"]
mod receiver;
#[path = "hub_load/spawn.rs"]
mod spawn;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use oncall::incident::{IncidentList, Status};

#[derive(Parser)]
#[command(about = "Load for a real oncall hub over loopback")]
struct Args {
    #[command(subcommand)]
    mode: Option<Mode>,
}

#[derive(Subcommand)]
enum Mode {
    /// Acknowledge latency under concurrent writers.
    Writes {
        #[arg(long, default_value_t = 10_000)]
        incidents: usize,
        #[arg(long, default_value_t = 64)]
        writers: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// The responder has contacts (a webhook at once, another five
        /// minutes in) and every incident pages them: each opening queues
        /// two pages and each acknowledgement cancels the waiting one.
        #[arg(long)]
        contacts: bool,
        /// Running hubs to load instead of starting one (repeat for several
        /// hubs on one database: writers are spread over them in turn).
        #[arg(long)]
        hub: Vec<String>,
        /// The environment variable holding the token of running hubs.
        #[arg(long, default_value = "ONCALL_BENCH_TOKEN")]
        token_env: String,
    },
    /// Full-list poll latency while writes flow.
    Polls {
        #[arg(long, default_value_t = 10_000)]
        incidents: usize,
        #[arg(long, default_value_t = 16)]
        writers: usize,
        #[arg(long, default_value_t = 20)]
        pollers: usize,
        /// Each poller's interval in milliseconds (0: back to back).
        #[arg(long, default_value_t = 0)]
        every_ms: u64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// From an incident's opening answered to its page's arrival.
    Pages {
        /// Pages timed in each part.
        #[arg(long, default_value_t = 500)]
        samples: usize,
        #[arg(long, default_value_t = 64)]
        writers: usize,
        /// Incidents the writers acknowledge (none of them pages).
        #[arg(long, default_value_t = 10_000)]
        incidents: usize,
        /// An Alertmanager to time beside the hub, its webhook receiver set
        /// to --receiver-port.
        #[arg(long)]
        alertmanager: Option<String>,
        /// Where the pages are received on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 0)]
        receiver_port: u16,
    },
    /// Resident memory of a hub holding this many open incidents.
    Memory {
        #[arg(long, default_value_t = 100_000)]
        incidents: usize,
    },
    /// The same open alerts into an Alertmanager and a hub.
    Fill {
        #[arg(long)]
        alertmanager: Option<String>,
        #[arg(long)]
        hub: Option<String>,
        /// The environment variable holding the hub token.
        #[arg(long, default_value = "ONCALL_BENCH_TOKEN")]
        token_env: String,
        #[arg(long, default_value_t = 10_000)]
        alerts: usize,
    },
}

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench` to every bench program.
    let args = Args::parse_from(std::env::args().filter(|a| a != "--bench"));
    let mode = args.mode.unwrap_or(Mode::Writes {
        incidents: 10_000,
        writers: 64,
        seconds: 10,
        contacts: false,
        hub: Vec::new(),
        token_env: String::new(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        match mode {
            Mode::Writes {
                incidents,
                writers,
                seconds,
                contacts,
                hub,
                token_env,
            } => {
                let load = Load {
                    incidents,
                    writers,
                    run_for: Duration::from_secs(seconds),
                };
                match hub.is_empty() {
                    true => writes(load, contacts).await,
                    false => {
                        let token = std::env::var(&token_env).unwrap_or_default();
                        if token.is_empty() {
                            bail!(
                                "the hubs need a token: put it in the variable named by --token-env"
                            );
                        }
                        let http = oncall::feed::http::client_builder()
                            .pool_max_idle_per_host(writers)
                            .build()?;
                        write_load(&http, &hub, &token, load).await
                    }
                }
            }
            Mode::Polls {
                incidents,
                writers,
                pollers,
                every_ms,
                seconds,
            } => {
                polls::polls(
                    incidents,
                    writers,
                    pollers,
                    Duration::from_millis(every_ms),
                    Duration::from_secs(seconds),
                )
                .await
            }
            Mode::Pages {
                samples,
                writers,
                incidents,
                alertmanager,
                receiver_port,
            } => {
                pages::pages(pages::Options {
                    samples,
                    writers,
                    incidents,
                    alertmanager,
                    receiver_port,
                })
                .await
            }
            Mode::Memory { incidents } => memory(incidents).await,
            Mode::Fill {
                alertmanager,
                hub,
                token_env,
                alerts,
            } => {
                let token = std::env::var(&token_env).unwrap_or_default();
                fill(alertmanager, hub, &token, alerts).await
            }
        }
    })
}

async fn fill(
    alertmanager: Option<String>,
    hub: Option<String>,
    token: &str,
    count: usize,
) -> anyhow::Result<()> {
    let set = alerts::AlertSet::new(count);
    let http = oncall::feed::http::client_builder().build()?;
    if let Some(url) = alertmanager {
        let took = set.post_to_alertmanager(&http, &url).await?;
        println!("alertmanager: {count} alerts posted in {took:.2?}");
    }
    if let Some(url) = hub {
        if token.is_empty() {
            bail!("the hub needs a token: put it in the variable named by --token-env");
        }
        let took = set.post_to_hub(&http, &url, token).await?;
        println!("hub: {count} alerts posted as webhooks in {took:.2?}");
    }
    Ok(())
}

async fn memory(count: usize) -> anyhow::Result<()> {
    let hub = spawn::Hub::start("", &[])?;
    let http = oncall::feed::http::client_builder().build()?;
    let took = alerts::AlertSet::new(count)
        .post_to_hub(&http, &hub.base, spawn::TOKEN)
        .await?;
    println!("hub: {count} incidents opened in {took:.2?}");
    let loaded = hub.rss_kib()?;
    for path in ["?status=open", "?status=all"] {
        for gzip in [false, true] {
            let mut req = http
                .get(format!("{}/api/v1/incidents{path}", hub.base))
                .bearer_auth(spawn::TOKEN);
            if gzip {
                req = req.header("accept-encoding", "gzip");
            }
            let resp = req.send().await?.error_for_status()?;
            let bytes = resp.bytes().await?;
            println!(
                "GET /api/v1/incidents{path}{}: {} KiB",
                if gzip { " (gzip)" } else { "" },
                bytes.len() / 1024
            );
        }
    }
    // Let freed buffers go back before reading the figure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let served = hub.rss_kib()?;
    println!(
        "hub memory with {count} open incidents: {:.1} MiB resident after loading, \
         {:.1} MiB after serving every list, peak {:.1} MiB; database {:.1} MiB",
        loaded.0 as f64 / 1024.0,
        served.0 as f64 / 1024.0,
        served.1 as f64 / 1024.0,
        hub.db_bytes() as f64 / 1024.0 / 1024.0
    );
    Ok(())
}

/// One answered write: how long it took, and whether it was an acknowledge.
struct Sample {
    took: Duration,
    ack: bool,
}

/// How much write load: incidents opened to acknowledge, concurrent
/// writers, and for how long.
struct Load {
    incidents: usize,
    writers: usize,
    run_for: Duration,
}

async fn writes(load: Load, contacts: bool) -> anyhow::Result<()> {
    let receiver = match contacts {
        true => Some(receiver::Receiver::start(0, pages::SECRET).await?),
        false => None,
    };
    let hub = match &receiver {
        Some(receiver) => pages::paging_hub(receiver, "info", "5m")?,
        None => spawn::Hub::start("", &[])?,
    };
    let http = oncall::feed::http::client_builder()
        .pool_max_idle_per_host(load.writers)
        .build()?;
    if let Some(receiver) = &receiver {
        let ids = open_to_acknowledge(
            &http,
            &hub.base,
            spawn::TOKEN,
            &alerts::AlertSet::new(load.incidents),
        )
        .await?;
        // The openings' first pages are out before the clock starts: what
        // is timed is writes beside a paging queue, not the backlog.
        let waited = Instant::now();
        while receiver.tally().hub_pages < ids.len() {
            if waited.elapsed() > Duration::from_secs(120) {
                bail!(
                    "{} of {} first pages arrived",
                    receiver.tally().hub_pages,
                    ids.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!(
            "contacts configured: {} first pages received in {:.2?}; each acknowledgement cancels a page waiting 5 minutes",
            ids.len(),
            waited.elapsed()
        );
        return time_writes(
            &http,
            std::slice::from_ref(&hub.base),
            spawn::TOKEN,
            ids,
            load,
        )
        .await;
    }
    write_load(&http, std::slice::from_ref(&hub.base), spawn::TOKEN, load).await
}

/// Opens the incidents through the first of `hubs`, then times writes
/// spread over all of them.
async fn write_load(
    http: &reqwest::Client,
    hubs: &[String],
    token: &str,
    load: Load,
) -> anyhow::Result<()> {
    let ids = open_to_acknowledge(
        http,
        &hubs[0],
        token,
        &alerts::AlertSet::new(load.incidents),
    )
    .await?;
    time_writes(http, hubs, token, ids, load).await
}

/// `load.writers` clients write back to back until `load.run_for` is over,
/// writer `i` to hub `i mod hubs`; prints what they saw.
async fn time_writes(
    http: &reqwest::Client,
    hubs: &[String],
    token: &str,
    ids: Arc<Vec<u64>>,
    load: Load,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + load.run_for;
    let tasks: Vec<_> = (0..load.writers)
        .map(|i| {
            let target = Target {
                http: http.clone(),
                base: hubs[i % hubs.len()].clone(),
                token: token.to_string(),
            };
            let (ids, next) = (ids.clone(), next.clone());
            tokio::spawn(async move { writer(target, ids, next, deadline).await })
        })
        .collect();
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.context("a writer task failed")??);
    }
    let elapsed = started.elapsed();
    report(&samples, load.writers, hubs.len(), elapsed);
    Ok(())
}

/// Where one client sends its requests.
struct Target {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// Opens `set` on the hub (as Alertmanager webhooks) and answers the ids of
/// the incidents it left triggered: what writers acknowledge.
async fn open_to_acknowledge(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    set: &alerts::AlertSet,
) -> anyhow::Result<Arc<Vec<u64>>> {
    let took = set.post_to_hub(http, base, token).await?;
    println!("hub: {} incidents opened in {took:.2?}", set.len());
    let list: IncidentList = http
        .get(format!("{base}/api/v1/incidents?status=open"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let ids: Vec<u64> = list
        .incidents
        .iter()
        .filter(|i| i.status == Status::Triggered)
        .map(|i| i.id)
        .collect();
    if ids.is_empty() {
        bail!("the hub has no incident to acknowledge");
    }
    Ok(Arc::new(ids))
}

/// The `q` quantile (0 to 1) of `sorted`, in milliseconds; 0 when empty.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// Writes until `deadline`: each write takes the next number; the first
/// `ids.len()` acknowledge an incident each, the rest add a note.
async fn writer(
    target: Target,
    ids: Arc<Vec<u64>>,
    next: Arc<AtomicUsize>,
    deadline: Instant,
) -> anyhow::Result<Vec<Sample>> {
    let Target { http, base, token } = target;
    let mut samples = Vec::new();
    while Instant::now() < deadline {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let ack = n < ids.len();
        let id = ids[n % ids.len()];
        let req = if ack {
            http.post(format!("{base}/api/v1/incidents/{id}/acknowledge"))
                .json(&serde_json::json!({ "note": "on it" }))
        } else {
            http.post(format!("{base}/api/v1/incidents/{id}/notes"))
                .json(&serde_json::json!({ "text": format!("still looking ({n})") }))
        };
        let sent = Instant::now();
        let resp = req
            .bearer_auth(&token)
            .header("idempotency-key", format!("bench-{n}"))
            .send()
            .await?;
        let status = resp.status();
        resp.bytes().await?;
        let took = sent.elapsed();
        if !status.is_success() {
            bail!("write {n} was answered {status}");
        }
        samples.push(Sample { took, ack });
    }
    Ok(samples)
}

fn report(samples: &[Sample], writers: usize, hubs: usize, elapsed: Duration) {
    let line = |what: &str, mut took: Vec<Duration>| {
        if took.is_empty() {
            return;
        }
        took.sort();
        let at = |q: f64| quantile_ms(&took, q);
        println!(
            "{what}: {} answered, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            took.len(),
            at(0.50),
            at(0.95),
            at(0.99),
            at(1.0)
        );
    };
    let spread = match hubs {
        1 => String::new(),
        n => format!(" spread over {n} hubs"),
    };
    println!(
        "{writers} concurrent writers{spread} for {:.1} s: {} writes, {:.0} writes/s, every one answered 2xx after its commit",
        elapsed.as_secs_f64(),
        samples.len(),
        samples.len() as f64 / elapsed.as_secs_f64()
    );
    line("all writes", samples.iter().map(|s| s.took).collect());
    line(
        "acknowledge",
        samples.iter().filter(|s| s.ack).map(|s| s.took).collect(),
    );
    line(
        "note",
        samples.iter().filter(|s| !s.ack).map(|s| s.took).collect(),
    );
}
