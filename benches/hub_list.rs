//! How fast the hub answers the request every console repeats every few
//! seconds: `GET /api/v1/incidents?status=open`, with 10,000 open incidents.
//! Requests go through the axum Router in-process (`tower::ServiceExt::oneshot`),
//! so the figures are the hub's own work without sockets.
// A bench stops at the first thing that goes wrong: it measures, it does not recover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::hint::black_box;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use oncall::config::{HubConfig, ResponderConfig, Sha256Hex};
use oncall::hub::{self, HubSettings, HubState, SystemClock};
use oncall::incident::{NewIncident, Severity};
use tower::ServiceExt;

const TOKEN: &str = "oc_bench_token";
const INCIDENTS: usize = 10_000;
const LIST: &str = "/api/v1/incidents?status=open";

fn incidents() -> Vec<NewIncident> {
    let services = ["db", "web", "queue", "batch", "backup"];
    (0..INCIDENTS)
        .map(|i| NewIncident {
            title: format!("Replication lag above 30s on replica {i}"),
            service: services[i % services.len()].to_string(),
            severity: Severity::ALL[i % Severity::ALL.len()],
            dedup_key: Some(format!("bench/{i}")),
            labels: [
                ("host".to_string(), format!("db-{}", i % 40)),
                ("alertname".to_string(), "ReplicationLag".to_string()),
            ]
            .into(),
            description: "Replica is behind the primary; reads may be stale.".to_string(),
            ..NewIncident::default()
        })
        .collect()
}

fn get(uri: &str, etag: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    if let Some(tag) = etag {
        req = req.header(header::IF_NONE_MATCH, tag);
    }
    req.body(Body::empty()).expect("a valid request")
}

fn get_gzip(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("a valid request")
}

fn bench_list(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let dir = tempfile::TempDir::new().expect("a temporary directory");
    let state = HubState::open(HubSettings {
        db: dir.path().join("hub.db").into(),
        config: HubConfig {
            responders: vec![ResponderConfig::new("bench", Sha256Hex::of(TOKEN))],
            ..HubConfig::default()
        },
        clock: Arc::new(SystemClock),
        escalation_tick: None,
        pages: oncall::hub::Pages::off(),
    })
    .expect("the hub database opens");
    rt.block_on(state.open_incidents("bench", incidents()))
        .expect("the incidents open");
    let app = hub::router(state);

    let first = rt
        .block_on(app.clone().oneshot(get(LIST, None)))
        .expect("an answer");
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()[header::ETAG]
        .to_str()
        .expect("an ASCII ETag")
        .to_string();
    let body = rt
        .block_on(axum::body::to_bytes(first.into_body(), usize::MAX))
        .expect("the body");
    let cursor = serde_json::from_slice::<oncall::incident::IncidentList>(&body)
        .expect("a list")
        .cursor;
    eprintln!(
        "list of {INCIDENTS} open incidents: {} KiB of JSON",
        body.len() / 1024
    );

    let mut group = c.benchmark_group("hub_list_10k_open");
    group.bench_function("200_cached_body", |b| {
        b.iter(|| {
            rt.block_on(async {
                let resp = app
                    .clone()
                    .oneshot(get(LIST, None))
                    .await
                    .expect("an answer");
                assert_eq!(resp.status(), StatusCode::OK);
                black_box(axum::body::to_bytes(resp.into_body(), usize::MAX).await)
            })
        })
    });
    group.bench_function("200_cached_gzip", |b| {
        b.iter(|| {
            rt.block_on(async {
                let resp = app
                    .clone()
                    .oneshot(get_gzip(LIST))
                    .await
                    .expect("an answer");
                assert_eq!(resp.status(), StatusCode::OK);
                black_box(axum::body::to_bytes(resp.into_body(), usize::MAX).await)
            })
        })
    });
    // The console's usual poll on a busy feed: the 100 incidents that
    // changed since its cursor, read from SQLite per request.
    let since = format!("/api/v1/incidents?status=all&since={}", cursor - 100);
    group.bench_function("200_since_100_changes", |b| {
        b.iter(|| {
            rt.block_on(async {
                let resp = app
                    .clone()
                    .oneshot(get(&since, None))
                    .await
                    .expect("an answer");
                assert_eq!(resp.status(), StatusCode::OK);
                black_box(axum::body::to_bytes(resp.into_body(), usize::MAX).await)
            })
        })
    });
    group.bench_function("304_not_modified", |b| {
        b.iter(|| {
            rt.block_on(async {
                let resp = app
                    .clone()
                    .oneshot(get(LIST, Some(&etag)))
                    .await
                    .expect("an answer");
                assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
                black_box(resp)
            })
        })
    });
    // After a change the list is read from SQLite and written again, plain
    // and gzip; this is what the first poll after each change pays (plus the
    // change itself, and its fsync).
    group.sample_size(10);
    group.bench_function("200_after_a_change", |b| {
        b.iter(|| {
            rt.block_on(async {
                let note = Request::post("/api/v1/incidents/1/notes")
                    .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(r#"{"text":"still lagging"}"#))
                    .expect("a valid request");
                let resp = app.clone().oneshot(note).await.expect("an answer");
                assert_eq!(resp.status(), StatusCode::CREATED);
                let resp = app
                    .clone()
                    .oneshot(get(LIST, None))
                    .await
                    .expect("an answer");
                assert_eq!(resp.status(), StatusCode::OK);
                black_box(axum::body::to_bytes(resp.into_body(), usize::MAX).await)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench_list);
criterion_main!(benches);
