use futures::FutureExt;

use super::*;
use crate::config::HubConfig;
use crate::hub::HubSettings;
use crate::incident::NewIncident;

fn hub() -> (tempfile::TempDir, HubState) {
    let dir = tempfile::TempDir::new().unwrap();
    let settings = HubSettings::new(dir.path().join("hub.db"), HubConfig::default());
    let state = HubState::open(settings).unwrap();
    (dir, state)
}

async fn open(state: &HubState, title: &str) -> u64 {
    let new = NewIncident {
        title: title.into(),
        service: "db".into(),
        ..NewIncident::default()
    };
    state.open_incidents("alice", vec![new]).await.unwrap();
    state.cursor().await.unwrap()
}

fn slot(state: &HubState) -> &Slot {
    state.lists().slot(Filter::Open)
}

#[tokio::test]
async fn on_a_quiet_hub_a_poll_reads_the_write_before_it() {
    let (_dir, state) = hub();
    open(&state, "one").await;
    assert_eq!(
        full_list(&state, Filter::Open).await.unwrap().seq,
        state.cursor().await.unwrap()
    );
    let after = open(&state, "two").await;
    assert_eq!(full_list(&state, Filter::Open).await.unwrap().seq, after);
}

#[tokio::test]
async fn while_a_build_is_under_way_a_poll_gets_the_last_list_at_once() {
    let (_dir, state) = hub();
    let first = open(&state, "one").await;
    full_list(&state, Filter::Open).await.unwrap();
    open(&state, "two").await;

    let building = slot(&state).building.clone().lock_owned().await;
    let answer = full_list(&state, Filter::Open)
        .now_or_never()
        .expect("answered without waiting for the build")
        .unwrap();
    assert_eq!(
        answer.seq, first,
        "the last list built, named by its own change"
    );
    drop(building);
}

#[tokio::test]
async fn with_nothing_built_a_poll_waits_for_the_build_under_way() {
    let (_dir, state) = hub();
    let seq = open(&state, "one").await;
    let building = slot(&state).building.clone().lock_owned().await;
    let mut poll = Box::pin(full_list(&state, Filter::Open));
    assert!(
        (&mut poll).now_or_never().is_none(),
        "nothing to answer with yet"
    );
    drop(building);
    assert_eq!(poll.await.unwrap().seq, seq);
}

#[tokio::test]
async fn while_writes_land_and_the_list_is_read_it_is_rebuilt_in_the_background() {
    let (_dir, state) = hub();
    open(&state, "one").await;
    let built = full_list(&state, Filter::Open).await.unwrap();
    let latest = open(&state, "two").await;

    let building = slot(&state).building.clone().lock_owned().await;
    let caught_up = state.lists().next_built(Filter::Open);
    tokio::pin!(caught_up);
    caught_up.as_mut().enable();
    keep_up(&state, Filter::Open, &built, building).await;
    caught_up.await;
    assert_eq!(slot(&state).latest().unwrap().seq, latest);
    // The background build let go of the slot once caught up.
    let _again = slot(&state).building.clone().lock_owned().await;
}

#[tokio::test]
async fn a_list_that_caught_up_is_not_built_again() {
    let (_dir, state) = hub();
    open(&state, "one").await;
    let built = full_list(&state, Filter::Open).await.unwrap();
    let building = slot(&state).building.clone().lock_owned().await;
    keep_up(&state, Filter::Open, &built, building).await;
    assert!(
        slot(&state).building.clone().try_lock_owned().is_ok(),
        "released at once"
    );
}

#[test]
fn builds_go_on_only_while_behind_and_read_lately() {
    let lately = Some(Duration::from_millis(900));
    assert!(keep_building(true, lately));
    assert!(!keep_building(false, lately), "caught up");
    assert!(
        !keep_building(true, Some(KEEP_CURRENT_FOR)),
        "nobody reads it"
    );
    assert!(!keep_building(true, None), "never read");
}
