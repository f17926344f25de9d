use std::io::Read;

use chrono::{DateTime, TimeDelta, Utc};
use tempfile::TempDir;

use super::*;
use crate::config::HubConfig;
use crate::hub::changes::{self, Actor};
use crate::hub::policy::Paging;
use crate::incident::{IncidentList, NewIncident, Severity};

fn store_with(count: usize) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(&dir.path().join("hub.db")).unwrap();
    let paging = Paging::from_config(&HubConfig::default());
    let t0: DateTime<Utc> = "2026-11-23T08:00:00Z".parse().unwrap();
    for i in 0..count {
        let by = Actor {
            who: "alice",
            now: t0 + TimeDelta::milliseconds(i as i64 * 250),
            taken: None,
        };
        let new = NewIncident {
            title: format!("disk \"{i}\" full \u{1b}[31m"),
            service: "db".into(),
            severity: Severity::ALL[i % 4],
            labels: [("host".to_string(), format!("db-{i}"))].into(),
            description: "the volume fills at 2 GiB an hour; ".repeat(i % 8),
            ..NewIncident::default()
        };
        let id = store
            .write(|tx| changes::open_or_fold(tx, by, &new, &paging))
            .unwrap()
            .incident
            .id;
        if i % 3 == 0 {
            store
                .write(|tx| changes::resolve(tx, by, id, None))
                .unwrap();
        }
    }
    (dir, store)
}

/// What the list was before it was cached: the list type, serialised.
fn expected(store: &Store, filter: Filter) -> Vec<u8> {
    let (cursor, incidents) = store.list(filter == Filter::Open, 0).unwrap();
    serde_json::to_vec(&IncidentList { cursor, incidents }).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

#[test]
fn the_body_is_the_list_serialised_plain_and_gzipped() {
    for count in [0, 1, 40] {
        let (_dir, store) = store_with(count);
        for filter in [Filter::Open, Filter::All] {
            let body = build(&store, filter, PLAIN_KEEP).unwrap();
            let want = expected(&store, filter);
            assert_eq!(body.seq, store.current_seq());
            assert_eq!(body.plain.as_deref(), Some(&want[..]), "{count} {filter:?}");
            assert_eq!(gunzip(&body.gzip), want, "{count} {filter:?}");
        }
    }
}

#[tokio::test]
async fn a_long_list_keeps_only_gzip_and_is_inflated_for_plain_clients() {
    let (_dir, store) = store_with(300);
    let body = build(&store, Filter::All, 1024).unwrap();
    assert!(body.plain.is_none());
    let want = expected(&store, Filter::All);
    assert!(want.len() > 2 * CHUNK, "spans several chunks");
    let sent = axum::body::to_bytes(body.plain_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(&sent[..], &want[..]);
}
