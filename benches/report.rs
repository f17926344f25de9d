//! How long the noise report takes over 100,000 incidents on SQLite:
//! `GET /api/v1/report?since=7d` through the axum Router in-process, so the
//! figure is the hub's own work (the SQL aggregates of `store::report` and
//! the JSON) without sockets. The incidents are spread over a week of the
//! hub's clock, 40 alerts of 5 services, with repeats folded in and a
//! tenth of them resolved (so the durations and flapping have work to do).
// A bench stops at the first thing that goes wrong: it measures, it does not recover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::hint::black_box;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use oncall::config::{HubConfig, ResponderConfig, Sha256Hex};
use oncall::hub::{self, HubSettings, HubState, ManualClock};
use oncall::incident::{NewIncident, Severity};
use tower::ServiceExt;

const TOKEN: &str = "oc_bench_token";
const INCIDENTS: usize = 100_000;
/// Opened in batches, the clock moved on between them.
const BATCH: usize = 1_000;
const REPORT: &str = "/api/v1/report?since=7d";

fn batch(from: usize) -> Vec<NewIncident> {
    let services = ["db", "web", "queue", "batch", "backup"];
    (from..from + BATCH)
        .map(|i| NewIncident {
            title: format!("Replication lag above 30s on replica {i}"),
            service: services[i % services.len()].to_string(),
            severity: Severity::ALL[i % Severity::ALL.len()],
            // Every 50th repeats the one before it: folded, or reopened.
            dedup_key: Some(format!("bench/{}", i - i % 2 * usize::from(i % 50 == 1))),
            labels: [("alertname".to_string(), format!("Alert{}", i % 40))].into(),
            ..NewIncident::default()
        })
        .collect()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .expect("a valid request")
}

fn bench_report(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dir = tempfile::TempDir::new().expect("a temporary directory");
    let start: DateTime<Utc> = "2026-11-23T08:00:00Z".parse().expect("a time");
    let clock = Arc::new(ManualClock::new(start));
    let state = HubState::open(HubSettings {
        db: dir.path().join("hub.db").into(),
        config: HubConfig {
            responders: vec![ResponderConfig::new("bench", Sha256Hex::of(TOKEN))],
            ..HubConfig::default()
        },
        clock: clock.clone(),
        escalation_tick: None,
        pages: oncall::hub::Pages::off(),
    })
    .expect("the hub database opens");
    let app = hub::router(state.clone());
    // A week in 100 steps of 100 minutes.
    for from in (0..INCIDENTS).step_by(BATCH) {
        let opened = rt
            .block_on(state.open_incidents("bench", batch(from)))
            .expect("the incidents open");
        // A tenth resolved a few minutes later, by hand.
        clock.advance(TimeDelta::minutes(3));
        for o in opened.iter().step_by(10) {
            let path = format!("/api/v1/incidents/{}/resolve", o.incident.id);
            let resolve = Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .expect("a valid request");
            let resp = rt
                .block_on(app.clone().oneshot(resolve))
                .expect("an answer");
            assert_eq!(resp.status(), StatusCode::OK);
        }
        clock.advance(TimeDelta::minutes(97));
    }
    let first = rt
        .block_on(app.clone().oneshot(get(REPORT)))
        .expect("an answer");
    assert_eq!(first.status(), StatusCode::OK);

    let mut group = c.benchmark_group("report_100k");
    group.sample_size(10);
    group.bench_function("report_7d", |b| {
        b.iter(|| {
            rt.block_on(async {
                let resp = app.clone().oneshot(get(REPORT)).await.expect("an answer");
                assert_eq!(resp.status(), StatusCode::OK);
                black_box(axum::body::to_bytes(resp.into_body(), usize::MAX).await)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench_report);
criterion_main!(benches);
