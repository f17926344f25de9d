//! Alertmanager's webhook against the real hub, with the payloads a real
//! Alertmanager 0.25 sent: what opens, folds and resolves, what is refused
//! (and that a refusal stores nothing), and that an escape sequence in an
//! alert's annotations reaches the console's screen inert.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use oncall::console::model::{FeedStatus, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::{FeedClient, FeedEvent, HubClient, ListOutcome, WorkerEvent};
use oncall::hub::WebhookAnswer;
use oncall::incident::{EventKind, Incident, IncidentList, Severity, Status};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, Response, StatusCode};
use support::{
    ALERTMANAGER, ALICE, Backend, TestHub, both_backends, expect, expect_error, two_responders,
};

const PATH: &str = "/api/v1/alertmanager";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/alertmanager-0.25/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Posts `body` as Alertmanager does: JSON, with the webhook's token.
async fn post_raw(hub: &TestHub, token: Option<&str>, body: String) -> Response {
    let mut req = hub
        .client
        .request(Method::POST, hub.url(PATH))
        .header(CONTENT_TYPE, "application/json")
        .body(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

async fn webhook(hub: &TestHub, name: &str) -> WebhookAnswer {
    expect(
        post_raw(hub, Some(ALERTMANAGER), fixture(name)).await,
        StatusCode::OK,
    )
    .await
}

async fn all_incidents(hub: &TestHub) -> IncidentList {
    expect(
        hub.get(ALICE, "/api/v1/incidents?status=all").await,
        StatusCode::OK,
    )
    .await
}

async fn each_recorded_webhook_opens_its_incident(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let cases = [
        (
            "webhook-001.json",
            "5xx rate above 5% on checkout",
            "checkout",
            Severity::Critical,
        ),
        (
            "webhook-002.json",
            "Disk / on db-1 will fill in 4h",
            "db",
            Severity::Warning,
        ),
        (
            "webhook-003.json",
            "evil \u{1b}]52;c;ZWNobyBwd25lZA==\u{7} title \u{1b}[31mRED\u{1b}[0m",
            "edge",
            Severity::Info,
        ),
    ];
    for (name, title, service, severity) in cases {
        let answer = webhook(&hub, name).await;
        assert_eq!(answer.opened.len(), 1, "{name}: {answer:?}");
        assert!(answer.folded.is_empty() && answer.resolved.is_empty());
        // Read back raw, as the hub stores it: the hub keeps what it was
        // sent, byte for byte; only the console's client cleans it.
        let inc = hub.incident(answer.opened[0]).await;
        assert_eq!(inc.title, title, "{name}");
        assert_eq!(inc.service, service, "{name}");
        assert_eq!(inc.severity, severity, "{name}");
        assert_eq!(inc.source, "alertmanager");
        assert_eq!(inc.status, Status::Triggered);
        assert!(inc.dedup_key.starts_with("am:"), "{}", inc.dedup_key);
        assert_eq!(inc.timeline[0].who, "alertmanager");
        assert_eq!(inc.timeline[0].kind, EventKind::Opened);
    }
    let checkout = &all_incidents(&hub).await.incidents;
    let checkout = checkout
        .iter()
        .find(|i| i.service == "checkout")
        .expect("the checkout incident");
    assert_eq!(checkout.labels.get("env"), Some("prod"));
    assert_eq!(checkout.description, "Error ratio 0.07 over 5m");
    assert_eq!(
        checkout.runbook_url.as_deref(),
        Some("https://runbooks.example/checkout-5xx.md")
    );
}

both_backends!(each_recorded_webhook_opens_its_incident);

async fn repeats_fold_by_fingerprint_and_resolved_resolves(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let first = webhook(&hub, "webhook-001.json").await;
    let id = first.opened[0];
    let again = webhook(&hub, "webhook-001.json").await;
    assert_eq!(again.folded, [id]);
    assert_eq!(hub.incident(id).await.occurrences, 2);
    // Another alert of the same payload kind does not fold into it.
    let other = webhook(&hub, "webhook-002.json").await;
    assert_eq!(other.opened.len(), 1);
    assert_ne!(other.opened[0], id);

    let resolved = webhook(&hub, "webhook-004.json").await;
    assert_eq!(resolved.resolved, [id]);
    let inc = hub.incident(id).await;
    assert_eq!(inc.status, Status::Resolved);
    let last = inc.timeline.last().unwrap();
    assert_eq!(last.kind, EventKind::Resolved);
    assert_eq!(last.who, "alertmanager");
    assert_eq!(last.text, "resolved by Alertmanager");
    // Alertmanager repeats resolved notifications; nothing open, nothing done.
    assert_eq!(
        webhook(&hub, "webhook-004.json").await,
        WebhookAnswer::default()
    );
}

both_backends!(repeats_fold_by_fingerprint_and_resolved_resolves);

async fn bad_payloads_get_400_naming_the_problem_and_store_nothing(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let good = fixture("webhook-001.json");
    let mut two: serde_json::Value = serde_json::from_str(&good).unwrap();
    // A good alert first, then one without a fingerprint: the good one must
    // not be stored either.
    let mut second = two["alerts"][0].clone();
    second.as_object_mut().unwrap().remove("fingerprint");
    second["labels"]["alertname"] = "Other".into();
    two["alerts"].as_array_mut().unwrap().push(second);
    let cases = [
        (good.replace("\"version\":\"4\"", "\"version\":\"3\""), "version \"3\""),
        (two.to_string(), "alerts[1].fingerprint is missing"),
        ("{\"version\": \"4\", ".to_string(), "EOF"),
        ("not json at all".to_string(), "expected"),
        (good.replace("\"status\":\"firing\",\"alerts\"", "\"status\":\"on fire\",\"alerts\""), "status must be"),
        (good.replace("\"labels\":{\"alertname\":\"HighErrorRate\",\"env\":\"prod\",\"service\":\"checkout\",\"severity\":\"critical\"},\"annotations\"", "\"labels\":{\"alertname\":7},\"annotations\""), "labels"),
    ];
    for (body, needle) in cases {
        let err = expect_error(
            post_raw(&hub, Some(ALERTMANAGER), body).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
        assert!(
            err.error.contains(needle),
            "'{}' lacks '{needle}'",
            err.error
        );
    }
    let not_json = hub
        .request(Method::POST, ALERTMANAGER, PATH)
        .header(CONTENT_TYPE, "text/plain")
        .body(good)
        .send()
        .await
        .unwrap();
    expect_error(not_json, StatusCode::BAD_REQUEST, "bad_request").await;
    let list = all_incidents(&hub).await;
    assert!(list.incidents.is_empty(), "{:?}", list.incidents);
    assert_eq!(list.cursor, 0, "no change was made");
}

both_backends!(bad_payloads_get_400_naming_the_problem_and_store_nothing);

async fn the_webhook_needs_a_token_like_every_route(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let body = fixture("webhook-001.json");
    expect_error(
        post_raw(&hub, None, body.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_error(
        post_raw(&hub, Some("oc_guess"), body).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert!(all_incidents(&hub).await.incidents.is_empty());
}

both_backends!(the_webhook_needs_a_token_like_every_route);

fn feed_status() -> FeedStatus {
    FeedStatus::new("team hub", Duration::from_secs(2))
}

fn screen_text(terminal: &Terminal<TestBackend>) -> (String, Vec<String>) {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    let mut controls = Vec::new();
    for (i, cell) in buffer.content().iter().enumerate() {
        if i > 0 && i % usize::from(buffer.area.width) == 0 {
            text.push('\n');
        }
        let symbol = cell.symbol();
        if symbol.chars().any(char::is_control) {
            controls.push(format!("{symbol:?} at cell {i}"));
        }
        text.push_str(symbol);
    }
    (text, controls)
}

async fn an_escape_sequence_in_an_annotation_arrives_inert_on_the_screen(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let id = webhook(&hub, "webhook-003.json").await.opened[0];
    let client = FeedClient::Hub(
        HubClient::new(
            &hub.base,
            ALICE.to_string(),
            "ONCALL_TOKEN",
            Duration::from_secs(5),
        )
        .unwrap(),
    );
    let ListOutcome::Changed { list, .. } = client.list(None, None).await.unwrap() else {
        panic!("expected a list");
    };
    let detail: Incident = client.get(id).await.unwrap();
    assert_eq!(detail.title, "evil  title RED");

    let now: DateTime<Utc> = hub.clock_now();
    let mut model = Model::new(
        "alice".into(),
        feed_status(),
        Arc::new(Library::shipped()),
        now,
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    update(&mut model, Msg::Resize(120, 40));
    update(
        &mut model,
        Msg::Feed(FeedEvent::Polled {
            incidents: list.incidents,
            full: true,
            resume: None,
        }),
    );
    update(
        &mut model,
        Msg::Worker(WorkerEvent::Fetched {
            id,
            result: Ok(detail),
        }),
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| view(&model, f)).unwrap();
    let (text, controls) = screen_text(&terminal);
    assert!(
        controls.is_empty(),
        "control characters drawn: {controls:?}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    // The visible words are there; the clipboard payload of the OSC 52 and
    // the colour codes are not.
    assert!(text.contains("evil  title RED"), "{text}");
    assert!(!text.contains("ZWNobyBwd25lZA"), "{text}");
    assert!(!text.contains("[31m"), "{text}");
    assert!(!text.contains("52;c"), "{text}");
}

both_backends!(an_escape_sequence_in_an_annotation_arrives_inert_on_the_screen);
