//! Making a change whatever it is: the answer remembered under its key and
//! replayed, refusals remembered too, a key reused for another request
//! refused, answers stored by older hubs still replayed, dry runs that write
//! nothing, and a change that fails halfway leaving nothing behind.
use axum::http::StatusCode;

use super::*;
use crate::hub::store::Store;
use crate::hub::test_store::TestStore;
use crate::incident::{AckRequest, HandoffRequest, NoteRequest};

fn note(id: u64, text: &str) -> Change {
    Change::Note {
        id,
        req: NoteRequest { text: text.into() },
    }
}

fn new(title: &str) -> NewIncident {
    NewIncident {
        title: title.into(),
        service: "db".into(),
        ..NewIncident::default()
    }
}

async fn opened(hub: &TestStore) -> u64 {
    hub.changed("alice", Change::Open(new("disk full")))
        .await
        .id
}

fn answer(applied: Applied) -> Answer {
    applied.answer().unwrap()
}

#[tokio::test]
async fn a_keyed_change_is_made_once_and_its_answer_replayed() {
    let hub = TestStore::new();
    let id = opened(&hub).await;
    let first = answer(hub.apply("alice", Some("k"), note(id, " looking ")).await);
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(!first.replayed);
    let seq = hub.seq().await;
    let again = answer(hub.apply("alice", Some("k"), note(id, " looking ")).await);
    assert!(again.replayed);
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    assert_eq!(hub.seq().await, seq, "nothing changed a second time");
    // Another responder's key of the same name is theirs alone.
    let bobs = answer(hub.apply("bob", Some("k"), note(id, " looking ")).await);
    assert!(!bobs.replayed);
}

#[tokio::test]
async fn a_refusal_is_remembered_and_a_reused_key_is_refused_unremembered() {
    let hub = TestStore::new();
    let id = opened(&hub).await;
    hub.made(
        "bob",
        Change::Acknowledge {
            id,
            req: AckRequest::default(),
        },
    )
    .await
    .unwrap();
    let ack = || Change::Acknowledge {
        id,
        req: AckRequest::default(),
    };
    let refused = answer(hub.apply("alice", Some("ack"), ack()).await);
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let again = answer(hub.apply("alice", Some("ack"), ack()).await);
    assert!(again.replayed);
    assert_eq!(again.body, refused.body);

    let reused = hub.apply("alice", Some("ack"), note(id, "x")).await;
    match reused.answer() {
        Err(ApiError::BadRequest(m)) => {
            assert!(m.contains("already used for another request"), "{m}")
        }
        other => panic!("expected a 400, got {other:?}"),
    }
    assert_eq!(
        hub.store.get(id).await.unwrap().timeline.len(),
        2,
        "opened and acknowledged; no note"
    );
}

/// An answer stored by an older hub, under the request as it named it then.
fn remember_old(hub: &TestStore, key: &str, request: &str, body: &str) {
    hub.store
        .write(|tx| {
            tx.execute(
                "INSERT INTO idempotency (who, key, request, status, body, at)
                 VALUES ('alice', ?1, ?2, 201, CAST(?3 AS BLOB), '2026-11-23T07:59:00Z')",
                [key, request, body],
            )?;
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn an_answer_stored_before_an_upgrade_is_replayed_after_it() {
    let hub = TestStore::new();
    let id = opened(&hub).await;
    remember_old(
        &hub,
        "outbox-1",
        &format!(r#"note #{id} {{"text":" looking "}}"#),
        r#"{"stored":"by an older hub"}"#,
    );
    let replayed = answer(
        hub.apply("alice", Some("outbox-1"), note(id, " looking "))
            .await,
    );
    assert!(replayed.replayed, "not mistaken for another request");
    assert_eq!(replayed.status, StatusCode::CREATED);
    assert_eq!(replayed.body, br#"{"stored":"by an older hub"}"#);
    assert_eq!(hub.store.get(id).await.unwrap().timeline.len(), 1);
    // And that key with another request is still another request.
    let other = hub
        .apply("alice", Some("outbox-1"), note(id, "other"))
        .await;
    assert!(matches!(other.answer(), Err(ApiError::BadRequest(_))));
}

#[tokio::test]
async fn a_dry_run_decides_and_writes_nothing_even_with_a_key() {
    let hub = TestStore::new();
    let id = opened(&hub).await;
    hub.made(
        "alice",
        Change::Acknowledge {
            id,
            req: AckRequest::default(),
        },
    )
    .await
    .unwrap();
    let seq = hub.seq().await;
    let handoff = Change::Handoff {
        req: HandoffRequest {
            to: Some("bob".into()),
            note: "quiet".into(),
        },
        lead: false,
    };
    let work = Work {
        dry_run: true,
        ..hub.work("alice", Some("dry"), handoff.clone())
    };
    let planned = hub.store.apply(work).await.unwrap();
    match planned {
        Applied::Now {
            result: Ok(Outcome::Planned(plan)),
            remembered: None,
            paged: false,
        } => assert_eq!((plan.from.as_str(), plan.moves), ("alice", vec![id])),
        other => panic!("expected a plan, got {other:?}"),
    }
    assert_eq!(hub.seq().await, seq);
    // The key was not taken by the dry run.
    let made = answer(hub.apply("alice", Some("dry"), handoff).await);
    assert_eq!((made.status, made.replayed), (StatusCode::CREATED, false));
    assert_eq!(
        hub.store.get(id).await.unwrap().owner.as_deref(),
        Some("bob")
    );
}

#[tokio::test]
async fn a_change_that_fails_halfway_leaves_nothing_stored() {
    let hub = TestStore::new();
    hub.fail_from_the_second_incident();
    let news = vec![new("disk full"), new("replica lag")];
    let failed = hub
        .store
        .apply(hub.work("alice", Some("k"), Change::OpenMany(news)))
        .await;
    assert!(matches!(failed, Err(StoreError::Db(_))), "{failed:?}");
    assert_eq!(hub.seq().await, 0);
    assert!(hub.store.list(false, 0).await.unwrap().1.is_empty());
    // A failure of ours is not remembered: the retry runs.
    let retried = answer(
        hub.apply("alice", Some("k"), Change::Open(new("disk full")))
            .await,
    );
    assert_eq!(
        (retried.status, retried.replayed),
        (StatusCode::CREATED, false)
    );
}
