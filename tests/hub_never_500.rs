//! The hub never answers 500 for bad input: arbitrary bodies, as bytes and
//! as JSON of every shape, on every route that takes one, get a 4xx (or a
//! 2xx when they happen to be valid), never a 5xx.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::header;
use support::{ALICE, Backend, TestHub, both_backends, two_responders};

const ROUTES: &[&str] = &[
    "/api/v1/incidents",
    "/api/v1/incidents/1/acknowledge",
    "/api/v1/incidents/1/escalate",
    "/api/v1/incidents/1/resolve",
    "/api/v1/incidents/1/notes",
    "/api/v1/incidents/1/steps",
    "/api/v1/handoff",
    "/api/v1/handoff?dry_run=true",
    "/api/v1/alertmanager",
    "/api/v1/incidents/18446744073709551615/notes",
    "/api/v1/incidents/-1/notes",
];

/// JSON values of every shape, nested a little, with long strings now and then.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,40}".prop_map(serde_json::Value::from),
        (0usize..200_000).prop_map(|n| serde_json::Value::from("x".repeat(n))),
    ];
    leaf.prop_recursive(3, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("title".to_string()),
                    Just("service".to_string()),
                    Just("labels".to_string()),
                    Just("text".to_string()),
                    Just("version".to_string()),
                    Just("runbook".to_string()),
                    Just("step".to_string()),
                    Just("done".to_string()),
                    Just("alerts".to_string()),
                    Just("status".to_string()),
                    Just("to".to_string()),
                    Just("note".to_string()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json().prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        // Many labels at once.
        (0usize..300).prop_map(|n| {
            let labels: serde_json::Map<String, serde_json::Value> = (0..n)
                .map(|i| (format!("k{i}"), serde_json::Value::from("v")))
                .collect();
            serde_json::to_vec(&serde_json::json!({"title": "t", "service": "s", "labels": labels}))
                .unwrap_or_default()
        }),
    ]
}

/// Over loopback to a real hub, so that what the store says about a body
/// (a constraint, a type it refuses) is part of what is checked: on SQLite
/// and on PostgreSQL.
async fn arbitrary_bodies_never_get_a_5xx(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    // Something for the incident routes to act on.
    hub.open(&support::incident("t")).await;
    // A connection of its own for each request: a body the hub refuses
    // before reading it (a wrong content type, say) leaves the connection
    // unfit to reuse, and a pooled one could be closed under the next
    // request; what is checked here is the status the hub answers.
    let client = oncall::feed::http::client_builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let base = hub.base.clone();
    let runtime = tokio::runtime::Handle::current();
    // The proptest runner is blocking: it runs on a thread of its own and
    // waits on each request there.
    tokio::task::spawn_blocking(move || {
        let mut runner = TestRunner::new(Config {
            cases: 400,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(
                &(0..ROUTES.len(), body(), any::<bool>()),
                |(route, body, json_type)| {
                    let mut req = client
                        .post(format!("{base}{}", ROUTES[route]))
                        .header(header::AUTHORIZATION, format!("Bearer {ALICE}"));
                    if json_type {
                        req = req.header(header::CONTENT_TYPE, "application/json");
                    }
                    let status = runtime
                        .block_on(req.body(body.clone()).send())
                        .unwrap()
                        .status();
                    prop_assert!(
                        status.as_u16() < 500,
                        "{} {} for {:?}",
                        ROUTES[route],
                        status,
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    );
                    Ok(())
                },
            )
            .unwrap();
    })
    .await
    .unwrap();
}

both_backends!(
    arbitrary_bodies_never_get_a_5xx,
    flavor = "multi_thread",
    worker_threads = 2
);
