//! How fast a page reaches its receiver: `cargo bench --bench hub_load --
//! pages`. The hub's one responder, on call by its rota, has one webhook
//! contact: this program's receiver (`hub_load/receiver.rs`). Incidents are
//! opened one at a time (critical, service "bench"), and each is timed from
//! the moment `POST /api/v1/incidents` is answered to the moment its page
//! arrives: with the hub alone, then while `--writers` clients acknowledge
//! and add notes back to back. Given `--alertmanager URL` (an Alertmanager
//! whose webhook receiver is `--receiver-port`, with `group_wait: 0s`, as
//! `benches/hub_vs_alertmanager.sh pages` starts it), alerts with a new
//! `alertname` each are timed the same way, from `POST /api/v2/alerts`
//! answered, between the two.
//!
//! The writers run on a runtime of their own, so the receiver and the timing
//! of the answers are not queued behind them in this process.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use super::receiver::{Paged, Receiver};
use super::{Target, alerts, open_to_acknowledge, quantile_ms, spawn, writer};

/// Signs the hub's webhook bodies; the receiver checks them with it.
pub const SECRET: &str = "bench-pages-secret-4f1c9a7e2b";
const SECRET_ENV: &str = "ONCALL_BENCH_NOTIFY_SECRET";

/// Pages sent and received before timing starts (connections opened,
/// caches warm), in each part.
const WARM_UP: usize = 5;

/// A page later than this is a failure, not a figure.
const PAGE_WITHIN: Duration = Duration::from_secs(30);

/// The writers' time to get going before pages are timed among them.
const WRITERS_RAMP: Duration = Duration::from_secs(1);

pub struct Options {
    pub samples: usize,
    pub writers: usize,
    pub incidents: usize,
    pub alertmanager: Option<String>,
    pub receiver_port: u16,
}

/// One part's pages: from each answer to its page's arrival.
struct Lags {
    took: Vec<Duration>,
    /// Pages that arrived before their answer was read (counted as 0): the
    /// sender's answer and its page raced, and the page won.
    early: usize,
}

pub async fn pages(opts: Options) -> anyhow::Result<()> {
    if opts.alertmanager.is_some() && opts.receiver_port == 0 {
        bail!(
            "--alertmanager needs --receiver-port: the port its webhook receiver is configured with"
        );
    }
    let receiver = Receiver::start(opts.receiver_port, SECRET).await?;
    let hub = paging_hub(&receiver, "critical", "")?;
    let http = oncall::feed::http::client_builder().build()?;
    // The writers' incidents first, below min_severity: the page timed is
    // the only one on its way.
    let quiet = alerts::AlertSet::new(opts.incidents).with_severity("warning");
    let ids = open_to_acknowledge(&http, &hub.base, spawn::TOKEN, &quiet).await?;

    let alone = hub_pages(&http, &hub.base, &receiver, opts.samples, "alone").await?;
    let alertmanager = match &opts.alertmanager {
        Some(url) => Some(alertmanager_pages(&http, url, &receiver, opts.samples).await?),
        None => None,
    };
    let (loaded, writes) = among_writers(&http, &hub.base, &receiver, &opts, ids).await?;

    println!();
    println!(
        "pages, one at a time, from the answer to the POST to the webhook's arrival ({} each, after {WARM_UP} not timed):",
        opts.samples
    );
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>16}",
        "", "p50", "p95", "p99", "max", "before answer*"
    );
    row("hub, alone", &alone);
    if let Some(am) = &alertmanager {
        row("Alertmanager 0.25, group_wait 0s", am);
    }
    row(&format!("hub, {} writers", opts.writers), &loaded);
    println!("* pages that arrived before their POST's answer was read, counted as 0 ms");
    println!("{writes}");
    let tally = receiver.tally();
    println!(
        "received: {} hub pages ({} without a valid signature, {} repeating a delivery id), {} Alertmanager notifications",
        tally.hub_pages, tally.unsigned, tally.repeats, tally.alertmanager_pages
    );
    println!(
        "targets (issue 14): p99 under 50 ms alone ({}), under 250 ms with 64 writers ({} with {})",
        verdict(&alone, 50.0),
        verdict(&loaded, 250.0),
        opts.writers
    );
    Ok(())
}

/// A hub whose one responder, on call all the time so each new incident is
/// theirs, is paged at `receiver` for incidents at or above `min_severity`;
/// with `later` (a duration) a second contact there waits that long.
pub fn paging_hub(
    receiver: &Receiver,
    min_severity: &str,
    later: &str,
) -> anyhow::Result<spawn::Hub> {
    let contact = |after: &str| {
        format!(
            "[[hub.responders.contacts]]\nvia = \"webhook\"\nto = \"http://{}/page\"\nafter = \"{after}\"\n",
            receiver.addr
        )
    };
    let mut config = contact("0m");
    if !later.is_empty() {
        config.push_str(&contact(later));
    }
    config.push_str(&format!(
        "\n[hub.notify]\npublic_url = \"http://127.0.0.1:9\"\nmin_severity = \"{min_severity}\"\n\
         secret_env = \"{SECRET_ENV}\"\n\n\
         [hub.rota]\nresponders = [\"bench\"]\nshift = \"24h\"\nstart = \"2026-01-01T00:00:00Z\"\n"
    ));
    spawn::Hub::start(&config, &[(SECRET_ENV, SECRET)])
}

/// Opens `samples` critical incidents one at a time.
async fn hub_pages(
    http: &reqwest::Client,
    base: &str,
    receiver: &Receiver,
    samples: usize,
    part: &str,
) -> anyhow::Result<Lags> {
    one_at_a_time(receiver, samples, |n| open_incident(http, base, part, n)).await
}

/// Posts `samples` alerts to Alertmanager one at a time, each with an
/// `alertname` of its own (so a group of its own).
async fn alertmanager_pages(
    http: &reqwest::Client,
    base: &str,
    receiver: &Receiver,
    samples: usize,
) -> anyhow::Result<Lags> {
    // Names no earlier run against the same Alertmanager used.
    let run = Utc::now().timestamp_millis();
    one_at_a_time(receiver, samples, |n| post_alert(http, base, run, n)).await
}

/// `cause(n)` makes page `n` and says when its request was answered and
/// what was paged; each waits for the last page's arrival, and the first
/// [`WARM_UP`] are not timed.
async fn one_at_a_time<F, Fut>(
    receiver: &Receiver,
    samples: usize,
    mut cause: F,
) -> anyhow::Result<Lags>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = anyhow::Result<(Instant, Paged)>>,
{
    let mut lags = Lags::new(samples);
    for n in 0..WARM_UP + samples {
        let (answered, paged) = cause(n).await?;
        let arrived = receiver.arrival(paged, PAGE_WITHIN).await?;
        if n >= WARM_UP {
            lags.add(answered, arrived);
        }
    }
    Ok(lags)
}

async fn open_incident(
    http: &reqwest::Client,
    base: &str,
    part: &str,
    n: usize,
) -> anyhow::Result<(Instant, Paged)> {
    let resp = http
        .post(format!("{base}/api/v1/incidents"))
        .bearer_auth(spawn::TOKEN)
        .json(&json!({
            "title": format!("Bench page {part} {n}"),
            "service": "bench",
            "severity": "critical",
            "dedup_key": format!("bench-page-{part}-{n}"),
        }))
        .send()
        .await
        .context("cannot reach the hub")?;
    let answered = Instant::now();
    let status = resp.status();
    let opened: Value = resp.json().await.unwrap_or_default();
    if status != reqwest::StatusCode::CREATED {
        bail!("opening incident {n} ({part}) was answered {status}: {opened}");
    }
    let id = opened["incident"]["id"]
        .as_u64()
        .with_context(|| format!("the hub's answer names no incident id: {opened}"))?;
    Ok((answered, Paged::Incident(id)))
}

async fn post_alert(
    http: &reqwest::Client,
    base: &str,
    run: i64,
    n: usize,
) -> anyhow::Result<(Instant, Paged)> {
    let name = format!("BenchPage{run}x{n}");
    let now = Utc::now();
    let alert = json!([{
        "labels": {"alertname": name, "service": "bench", "severity": "critical"},
        "annotations": {"summary": format!("Bench page {n}")},
        "startsAt": now.to_rfc3339_opts(SecondsFormat::Millis, true),
        "endsAt": (now + chrono::TimeDelta::hours(1)).to_rfc3339_opts(SecondsFormat::Millis, true),
    }]);
    let resp = http
        .post(format!("{base}/api/v2/alerts"))
        .json(&alert)
        .send()
        .await
        .context("cannot reach Alertmanager")?;
    let answered = Instant::now();
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        bail!("Alertmanager answered alert {n} with {status}: {text}");
    }
    Ok((answered, Paged::Alert(name)))
}

/// The hub's pages timed while `opts.writers` clients write back to back,
/// and a line on what the writers did meanwhile.
async fn among_writers(
    http: &reqwest::Client,
    base: &str,
    receiver: &Receiver,
    opts: &Options,
    ids: Arc<Vec<u64>>,
) -> anyhow::Result<(Lags, String)> {
    let load = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let writer_http = oncall::feed::http::client_builder()
        .pool_max_idle_per_host(opts.writers)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    // Stopped when the pages are timed; this only bounds a run gone wrong.
    let deadline = Instant::now() + Duration::from_secs(3600);
    let tasks: Vec<_> = (0..opts.writers)
        .map(|_| {
            let target = Target {
                http: writer_http.clone(),
                base: base.to_string(),
                token: spawn::TOKEN.to_string(),
            };
            let (ids, next) = (ids.clone(), next.clone());
            load.spawn(async move { writer(target, ids, next, deadline).await })
        })
        .collect();
    let timed = async {
        tokio::time::sleep(WRITERS_RAMP).await;
        let (started, before) = (Instant::now(), next.load(Ordering::Relaxed));
        let lags = hub_pages(http, base, receiver, opts.samples, "loaded").await?;
        let (elapsed, writes) = (started.elapsed(), next.load(Ordering::Relaxed) - before);
        anyhow::Ok((lags, elapsed, writes))
    }
    .await;
    // A writer that stopped by itself stopped on an error: that first.
    let mut failed = None;
    for task in tasks {
        if task.is_finished() {
            if let Err(e) = task.await.context("a writer task failed").and_then(|r| r) {
                failed.get_or_insert(e);
            }
        } else {
            task.abort();
        }
    }
    load.shutdown_background();
    if let Some(e) = failed {
        return Err(e);
    }
    let (lags, elapsed, writes) = timed?;
    let line = format!(
        "the {} writers meanwhile: {writes} writes in {:.1} s, {:.0} writes/s",
        opts.writers,
        elapsed.as_secs_f64(),
        writes as f64 / elapsed.as_secs_f64()
    );
    Ok((lags, line))
}

impl Lags {
    fn new(samples: usize) -> Lags {
        Lags {
            took: Vec::with_capacity(samples),
            early: 0,
        }
    }

    fn add(&mut self, answered: Instant, arrived: Instant) {
        match arrived.checked_duration_since(answered) {
            Some(took) => self.took.push(took),
            None => {
                self.early += 1;
                self.took.push(Duration::ZERO);
            }
        }
    }

    fn sorted(&self) -> Vec<Duration> {
        let mut took = self.took.clone();
        took.sort();
        took
    }
}

fn row(what: &str, lags: &Lags) {
    let took = lags.sorted();
    let ms = |q: f64| format!("{:.1} ms", quantile_ms(&took, q));
    println!(
        "{what:<34} {:>9} {:>9} {:>9} {:>9} {:>16}",
        ms(0.50),
        ms(0.95),
        ms(0.99),
        ms(1.0),
        lags.early
    );
}

fn verdict(lags: &Lags, target_ms: f64) -> String {
    let p99 = quantile_ms(&lags.sorted(), 0.99);
    if p99 < target_ms {
        format!("met: {p99:.1} ms")
    } else {
        format!("MISSED: {p99:.1} ms")
    }
}
