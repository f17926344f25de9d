//! `GET /metrics` on a real hub: a scripted burst (incidents opened,
//! acknowledged, resolved, escalated by hand and by the timers, pages
//! delivered to a real receiver and refused by it), then the text read by a
//! real Prometheus text-format parser, whose numbers must be what was done
//! (and linted by Prometheus' own `promtool` where it is installed).
//! And who may read it: a token of the hub's unless `metrics = "public"`.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::TimeDelta;
use oncall::config::MetricsAccess;
use oncall::hub::deliveries::DeliveryState;
use oncall::incident::{NewIncident, Severity};
use prom_text_format_parser::{Sample, Scrape, Type, ValueType};
use reqwest::{StatusCode, header};
use serde_json::json;
use support::alertmanager::eventually;
use support::pages::{Answer, Receiver, critical, notify_table, paging};
use support::team::alice_then_bob;
use support::{
    ALERTMANAGER, ALICE, Backend, TestHub, both_backends, expect_error, incident, two_responders,
};

/// alice's pages go to `rx`'s /alice, bob's to /bob; db goes to alice,
/// then bob after 15 minutes; only high and above pages.
fn config(rx: &Receiver) -> String {
    alice_then_bob(rx) + &notify_table("min_severity = \"high\"\n")
}

/// `GET /metrics` with `token`, if any.
async fn get_metrics(hub: &TestHub, token: Option<&str>) -> reqwest::Response {
    let request = hub.client.get(hub.url("/metrics"));
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
    .send()
    .await
    .unwrap()
}

/// The metrics as Prometheus would read them.
async fn scrape(hub: &TestHub) -> Scrape {
    let resp = get_metrics(hub, Some(ALICE)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = resp.text().await.unwrap();
    lint(&text);
    Scrape::parse(&text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"))
}

/// Prometheus' own parser and linter (`promtool check metrics`, Debian's
/// `prometheus` package) has nothing to say of `text`, when installed.
fn lint(text: &str) {
    use std::io::Write;
    let promtool = std::path::Path::new("/usr/bin/promtool");
    if !promtool.exists() {
        return;
    }
    let mut child = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool: {said}\n{text}"
    );
}

/// The samples of the metric family `name`, of the kind `of`.
fn samples<'a>(scrape: &'a Scrape, name: &str, of: ValueType) -> Vec<&'a Sample> {
    scrape
        .metrics
        .iter()
        .filter(|m| m.name == name)
        .flat_map(|m| &m.samples)
        .filter(|s| s.value.value_type == of)
        .collect()
}

fn has_labels(sample: &Sample, labels: &[(&str, &str)]) -> bool {
    sample.labels.len() == labels.len()
        && labels
            .iter()
            .all(|(k, v)| sample.labels.iter().any(|l| l.key == *k && l.value == *v))
}

/// The one sample of `name` with exactly these labels (a histogram's: its
/// count).
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let family = scrape.metrics.iter().find(|m| m.name == name);
    let of = match family.map(|m| m.kind) {
        Some(Type::Histogram) => ValueType::Count,
        Some(_) => ValueType::Sample,
        None => panic!("no metric {name}"),
    };
    let found: Vec<&Sample> = samples(scrape, name, of)
        .into_iter()
        .filter(|s| has_labels(s, labels))
        .collect();
    assert_eq!(found.len(), 1, "{name} {labels:?}: {found:#?}");
    found[0].value.value.as_f64()
}

fn kind(scrape: &Scrape, name: &str) -> Type {
    scrape.metrics.iter().find(|m| m.name == name).unwrap().kind
}

fn request_count(scrape: &Scrape, route: &str, method: &str, status: &str) -> f64 {
    value(
        scrape,
        "oncall_http_request_duration_seconds",
        &[("route", route), ("method", method), ("status", status)],
    )
}

async fn after_a_burst_the_metrics_count_what_was_done(backend: Backend) {
    let rx = Receiver::start().await;
    rx.answer_on("bob", Answer::Status(400));
    let (config, pages) = paging(&config(&rx));
    let hub = TestHub::with_pages_on(backend, config, pages).await;

    let paged: Vec<u64> = [
        hub.open(&critical("disk full on db-1")).await,
        hub.open(&critical("replication stopped")).await,
        hub.open(&critical("db-3 down")).await,
    ]
    .iter()
    .map(|i| i.id)
    .collect();
    let quiet = NewIncident {
        severity: Severity::Warning,
        ..incident("slow queries")
    };
    hub.open(&quiet).await;
    hub.open(&NewIncident {
        title: "vacuum behind".into(),
        ..quiet.clone()
    })
    .await;
    // #1 to bob by hand: his receiver refuses it for good.
    hub.acted(ALICE, paged[0], "escalate", &json!({})).await;
    hub.acted(ALICE, paged[1], "acknowledge", &json!({})).await;
    hub.acted(ALICE, paged[2], "resolve", &json!({})).await;
    // Bob is #1's last level already: only the two warnings go up.
    hub.clock.advance(TimeDelta::minutes(16));
    let escalated = hub.escalate_overdue().await;
    assert_eq!(escalated.len(), 2, "{escalated:?}");
    // A poll that finds nothing new, and one without a token.
    let first = hub.get(ALICE, "/api/v1/incidents").await;
    let tag = first.headers()[header::ETAG].clone();
    let again = hub
        .request(reqwest::Method::GET, ALICE, "/api/v1/incidents")
        .header(header::IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let nobody = hub.client.get(hub.url("/api/v1/oncall")).send().await;
    assert_eq!(nobody.unwrap().status(), StatusCode::UNAUTHORIZED);

    for id in &paged[..2] {
        hub.until_deliveries(Some(*id), "every page settled", |d| {
            !d.is_empty()
                && d.iter()
                    .all(|r| matches!(r.state, DeliveryState::Delivered | DeliveryState::Failed))
        })
        .await;
    }
    // Recorded in the store first, counted just after.
    let m = eventually("the four outcomes counted", || async {
        let m = scrape(&hub).await;
        let sent = value(&m, "oncall_pages_sent_total", &[("via", "webhook")]);
        let failed = value(&m, "oncall_pages_failed_total", &[("via", "webhook")]);
        if sent + failed >= 4.0 {
            Ok(m)
        } else {
            Err(format!("{sent} sent, {failed} failed"))
        }
    })
    .await;

    // Pages: alice's three, bob's one refused.
    assert_eq!(rx.got_by("alice").len(), 3);
    assert_eq!(rx.got_by("bob").len(), 1);
    let via = |v| [("via", v)];
    assert_eq!(value(&m, "oncall_pages_sent_total", &via("webhook")), 3.0);
    assert_eq!(value(&m, "oncall_pages_failed_total", &via("webhook")), 1.0);
    for other in ["ntfy", "email", "slack"] {
        assert_eq!(value(&m, "oncall_pages_sent_total", &via(other)), 0.0);
        assert_eq!(value(&m, "oncall_pages_failed_total", &via(other)), 0.0);
    }
    assert_eq!(
        value(&m, "oncall_page_attempts_retried_total", &via("webhook")),
        0.0
    );
    assert_eq!(
        value(&m, "oncall_page_delivery_seconds", &via("webhook")),
        3.0,
        "one latency per page delivered"
    );
    for (name, is) in [
        ("oncall_pages_sent_total", Type::Counter),
        ("oncall_escalations_total", Type::Counter),
        ("oncall_open_incidents", Type::Gauge),
        ("oncall_change_sequence", Type::Gauge),
        ("oncall_page_delivery_seconds", Type::Histogram),
        ("oncall_http_request_duration_seconds", Type::Histogram),
    ] {
        assert_eq!(kind(&m, name), is, "{name}");
    }
    // Escalations.
    let how = |h| [("how", h)];
    assert_eq!(value(&m, "oncall_escalations_total", &how("manual")), 1.0);
    assert_eq!(
        value(&m, "oncall_escalations_total", &how("automatic")),
        2.0
    );
    // Open incidents, from the store.
    let open = |severity, status| {
        value(
            &m,
            "oncall_open_incidents",
            &[("severity", severity), ("status", status)],
        )
    };
    assert_eq!(open("critical", "triggered"), 1.0);
    assert_eq!(open("critical", "acknowledged"), 1.0);
    assert_eq!(open("warning", "triggered"), 2.0);
    for (severity, status) in [
        ("warning", "acknowledged"),
        ("high", "triggered"),
        ("info", "acknowledged"),
    ] {
        assert_eq!(open(severity, status), 0.0, "{severity} {status}");
    }
    assert!(
        !samples(&m, "oncall_open_incidents", ValueType::Sample)
            .iter()
            .any(|s| s.labels.iter().any(|l| l.value == "resolved")),
        "resolved incidents are not open"
    );
    let cursor = hub.state().cursor().await.unwrap();
    assert_eq!(value(&m, "oncall_change_sequence", &[]), cursor as f64);
    // Requests, by route template: never the raw path.
    assert_eq!(
        request_count(&m, "/api/v1/incidents", "POST", "2xx"),
        5.0,
        "five opened"
    );
    assert_eq!(
        request_count(&m, "/api/v1/incidents/{id}/acknowledge", "POST", "2xx"),
        1.0
    );
    assert_eq!(
        request_count(&m, "/api/v1/incidents/{id}/escalate", "POST", "2xx"),
        1.0
    );
    assert_eq!(request_count(&m, "/api/v1/incidents", "GET", "3xx"), 1.0);
    assert_eq!(request_count(&m, "/api/v1/oncall", "GET", "4xx"), 1.0);
    let routes = samples(&m, "oncall_http_request_duration_seconds", ValueType::Count);
    assert!(
        !routes
            .iter()
            .flat_map(|s| s.labels.iter())
            .any(|l| l.key == "route" && !l.value.contains('{') && l.value.contains("/incidents/")),
        "a raw path became a label: {routes:#?}"
    );
}
both_backends!(after_a_burst_the_metrics_count_what_was_done);

async fn metrics_need_a_token_of_the_hubs_unless_public(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let resp = get_metrics(&hub, None).await;
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let resp = get_metrics(&hub, Some("oc_not_a_token")).await;
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // A person's token, and an integration's: what a scraper is given.
    for token in [ALICE, ALERTMANAGER] {
        let resp = get_metrics(&hub, Some(token)).await;
        assert_eq!(resp.status(), StatusCode::OK, "{token}");
    }
    hub.stop().await;

    let public = TestHub::start_on(
        backend,
        oncall::config::HubConfig {
            metrics: MetricsAccess::Public,
            ..support::two_responders()
        },
    )
    .await;
    let resp = get_metrics(&public, None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("oncall_open_incidents"));
}
both_backends!(metrics_need_a_token_of_the_hubs_unless_public);
