//! The watchdog on a real hub: it pings a receiver on 127.0.0.1 (standing in
//! for a Healthchecks check) while the hub is healthy, stops when the
//! delivery worker is stuck (a page held by its receiver long past its
//! lease, by the hub's clock) and reports why to `URL/fail`, and pings again
//! once the page gets through.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use chrono::TimeDelta;
use oncall::hub::deliveries::DeliveryState;
use support::pages::{Answer, Receiver, critical, notify_table, paging};
use support::receiver::Recorded;
use support::team::{Person, policy, responders};
use support::{ALICE, Backend, TestHub, both_backends};

/// alice, paged for db through `rx`'s /alice, and a watchdog pinging `dog`'s
/// /ping/check-id every 100 ms.
fn config(rx: &Receiver, dog: &Receiver) -> String {
    let watchdog = format!(
        "\n[hub.watchdog]\nurl = \"{}\"\nevery = \"100ms\"\n",
        dog.url("ping/check-id")
    );
    responders(&[Person::new("alice", ALICE).paged_at(rx.url("alice"), "0m")])
        + &policy(&["db"], &[("alice", None)])
        + &notify_table(&watchdog)
}

fn healthy(r: &Recorded) -> bool {
    r.path == "/ping/check-id"
}

fn failing(r: &Recorded) -> bool {
    r.path == "/ping/check-id/fail"
}

/// Waits until `n` more pings of a kind arrived after the first `after`
/// requests; all requests so far.
async fn more(
    dog: &Receiver,
    after: usize,
    n: usize,
    what: &str,
    kind: fn(&Recorded) -> bool,
) -> Vec<Recorded> {
    dog.until(what, |got| {
        got.iter().skip(after).filter(|r| kind(r)).count() >= n
    })
    .await
}

async fn the_watchdog_pings_while_pages_go_out_and_stops_when_the_worker_is_stuck(
    backend: Backend,
) {
    let rx = Receiver::start().await;
    rx.answer_on("alice", Answer::Hold);
    let dog = Receiver::start().await;
    let (config, mut pages) = paging(&config(&rx, &dog));
    // A held page stays in flight for as long as the test runs.
    pages.delivery.attempt_timeout = Duration::from_secs(3600);
    pages.delivery.lease = Duration::from_secs(2 * 3600);
    let hub = TestHub::with_pages_on(backend, config, pages).await;

    let got = more(&dog, 0, 2, "two pings while healthy", healthy).await;
    let ping = &got[0];
    assert_eq!(ping.method, "POST");
    assert_eq!(ping.text(), "healthy");

    // A page on its way, within its lease: still healthy.
    let inc = hub.open(&critical("disk full on db-1")).await;
    rx.until("alice's page", |got| got.iter().any(|r| r.path == "/alice"))
        .await;
    let seen = dog.recorded().len();
    more(&dog, seen, 2, "pings with a page in flight", healthy).await;

    // Hours on by the hub's clock: the page is still held, long past its
    // lease, so the worker is stuck.
    hub.clock.advance(TimeDelta::hours(3));
    let seen = dog.recorded().len();
    let got = more(&dog, seen, 3, "three failure reports", failing).await;
    let first_fail = seen + got[seen..].iter().position(failing).unwrap();
    let report = &got[first_fail];
    assert_eq!(report.method, "POST");
    assert!(
        report.text().contains("delivery worker"),
        "{}",
        report.text()
    );
    assert!(
        !got[first_fail..].iter().any(healthy),
        "pinged healthy while stuck: {:#?}",
        &got[first_fail..]
    );

    // The receiver answers: the page is delivered and the pings come back.
    rx.release();
    hub.until_deliveries(Some(inc.id), "alice's page delivered", |d| {
        d.iter().all(|r| r.state == DeliveryState::Delivered)
    })
    .await;
    let seen = dog.recorded().len();
    more(&dog, seen, 1, "pings once the page got through", healthy).await;
}
both_backends!(the_watchdog_pings_while_pages_go_out_and_stops_when_the_worker_is_stuck);
