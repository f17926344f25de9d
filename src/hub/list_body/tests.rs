use std::io::Read;

use chrono::TimeDelta;

use super::*;
use crate::hub::change::{Change, Outcome};
use crate::hub::test_store::{TestStore, t0};
use crate::incident::{IncidentList, NewIncident, ResolveRequest, Severity};

async fn store_with(count: usize) -> TestStore {
    let hub = TestStore::new();
    for i in 0..count {
        hub.clock
            .set(t0() + TimeDelta::milliseconds(i as i64 * 250));
        let new = NewIncident {
            title: format!("disk \"{i}\" full \u{1b}[31m"),
            service: "db".into(),
            severity: Severity::ALL[i % 4],
            labels: [("host".to_string(), format!("db-{i}"))].into(),
            description: "the volume fills at 2 GiB an hour; ".repeat(i % 8),
            ..NewIncident::default()
        };
        let Ok(Outcome::Opened(opened)) = hub.made("alice", Change::Open(new)).await else {
            panic!("not opened");
        };
        if i % 3 == 0 {
            let resolve = Change::Resolve {
                id: opened.incident.id,
                req: ResolveRequest::default(),
            };
            hub.made("alice", resolve).await.unwrap();
        }
    }
    hub
}

/// What the list was before it was cached: the list type, serialised.
async fn expected(hub: &TestStore, filter: Filter) -> Vec<u8> {
    let (cursor, incidents) = hub.store.list(filter == Filter::Open, 0).await.unwrap();
    serde_json::to_vec(&IncidentList { cursor, incidents }).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

#[tokio::test]
async fn the_body_is_the_list_serialised_plain_and_gzipped() {
    for count in [0, 1, 40] {
        let hub = store_with(count).await;
        for filter in [Filter::Open, Filter::All] {
            let body = build(&hub.store, filter, PLAIN_KEEP).await.unwrap();
            let want = expected(&hub, filter).await;
            assert_eq!(body.seq, hub.seq().await);
            assert_eq!(body.plain.as_deref(), Some(&want[..]), "{count} {filter:?}");
            assert_eq!(gunzip(&body.gzip), want, "{count} {filter:?}");
        }
    }
}

#[tokio::test]
async fn a_long_list_keeps_only_gzip_and_is_inflated_for_plain_clients() {
    let hub = store_with(300).await;
    let body = build(&hub.store, Filter::All, 1024).await.unwrap();
    assert!(body.plain.is_none());
    let want = expected(&hub, Filter::All).await;
    assert!(want.len() > 2 * CHUNK, "spans several chunks");
    let sent = axum::body::to_bytes(body.plain_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(&sent[..], &want[..]);
}
