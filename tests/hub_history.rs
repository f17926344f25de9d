//! The history of resolved incidents over a real hub on 127.0.0.1 (SQLite,
//! and PostgreSQL with `--features postgres`): searched by words, paged
//! newest first with a cursor until the last page, never an open incident;
//! each bad parameter refused with the reason.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use oncall::incident::{NewIncident, ResolvedPage};
use reqwest::StatusCode;
use serde_json::json;
use support::{
    ALICE, Backend, TestHub, both_backends, expect, expect_error, incident, two_responders,
};

/// Opens `title` on `service` with `labels`, resolving it when `resolve`.
async fn made(hub: &TestHub, title: &str, service: &str, team: &str, resolve: bool) -> u64 {
    let new = NewIncident {
        service: service.into(),
        labels: [("team".to_string(), team.to_string())]
            .into_iter()
            .collect(),
        ..incident(title)
    };
    let id = hub.open(&new).await.id;
    if resolve {
        hub.acted(ALICE, id, "resolve", &json!({})).await;
    }
    id
}

async fn page(hub: &TestHub, query: &str) -> ResolvedPage {
    let path = format!("/api/v1/incidents?status=resolved{query}");
    expect(hub.get(ALICE, &path).await, StatusCode::OK).await
}

fn ids(page: &ResolvedPage) -> Vec<u64> {
    page.incidents.iter().map(|i| i.id).collect()
}

async fn resolved_incidents_are_searched_and_paged_newest_first(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    let disk1 = made(&hub, "Disk /var full on host-1", "storage", "infra", true).await;
    let open2 = made(&hub, "Disk /var full on host-2", "storage", "infra", false).await;
    let disk3 = made(&hub, "Disk /var full on host-3", "storage", "infra", true).await;
    let api = made(&hub, "API 5xx above 2%", "api", "web", true).await;
    let disk4 = made(&hub, "DISK /var FULL on host-4", "storage", "infra", true).await;
    let pct = made(&hub, "Disk at 100%_full on db-1", "db", "data", true).await;

    // Everything resolved, newest first; the open one never.
    let all = page(&hub, "").await;
    assert_eq!(ids(&all), [pct, disk4, api, disk3, disk1]);
    assert_eq!(all.next, None, "one page holds them all");

    // Every word, in any case, in the title, service, labels or owner.
    let disks = page(&hub, "&q=disk%20VAR").await;
    assert_eq!(ids(&disks), [disk4, disk3, disk1]);
    assert_eq!(ids(&page(&hub, "&q=web").await), [api], "a label's value");
    assert_eq!(ids(&page(&hub, "&q=api%205xx").await), [api]);
    assert!(page(&hub, "&q=disk%20nowhere").await.incidents.is_empty());
    // % and _ are letters, not wildcards.
    assert_eq!(ids(&page(&hub, "&q=100%25_full").await), [pct]);
    assert!(page(&hub, "&q=1%25%25").await.incidents.is_empty());

    // Two at a time, with the cursor each page gives, to the end.
    let first = page(&hub, "&q=disk&limit=2").await;
    assert_eq!(ids(&first), [pct, disk4]);
    let next = first.next.expect("more behind a full page");
    let second = page(&hub, &format!("&q=disk&limit=2&before={next}")).await;
    assert_eq!(ids(&second), [disk3, disk1]);
    let next = second.next.expect("a full page");
    let last = page(&hub, &format!("&q=disk&limit=2&before={next}")).await;
    assert!(last.incidents.is_empty() && last.next.is_none());

    // An incident resolved later joins the history.
    hub.acted(ALICE, open2, "resolve", &json!({})).await;
    assert_eq!(ids(&page(&hub, "&q=host-2").await), [open2]);
    // Each found incident is whole, as the list shows it.
    assert_eq!(disks.incidents[0].title, "DISK /var FULL on host-4");
    assert_eq!(disks.incidents[0].labels.get("team"), Some("infra"));
}
both_backends!(resolved_incidents_are_searched_and_paged_newest_first);

async fn a_bad_search_is_refused_with_the_reason(backend: Backend) {
    let hub = TestHub::start_on(backend, two_responders()).await;
    for (query, words) in [
        ("status=resolved&before=soon", "before must be a cursor"),
        ("status=resolved&limit=0", "limit must be 1 to 200"),
        ("status=resolved&limit=500", "limit must be 1 to 200"),
        ("status=resolved&limit=-1", "limit must be a number"),
        ("status=resolved&since=4", "the history pages with before"),
        ("status=resolved&q=%1B%5B31m", "control character"),
        ("status=open&q=disk", "add status=resolved"),
        ("status=closed", "open, all or resolved"),
    ] {
        let resp = hub.get(ALICE, &format!("/api/v1/incidents?{query}")).await;
        let e = expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(e.error.contains(words), "{query}: {}", e.error);
    }
    let long = "x".repeat(201);
    let resp = hub
        .get(
            ALICE,
            &format!("/api/v1/incidents?status=resolved&q={long}"),
        )
        .await;
    expect_error(resp, StatusCode::BAD_REQUEST, "bad_request").await;
}
both_backends!(a_bad_search_is_refused_with_the_reason);
