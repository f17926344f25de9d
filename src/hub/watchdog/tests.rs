//! The health decision, over values: no hub, no network, no waiting.
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn secs(s: i64) -> TimeDelta {
    TimeDelta::seconds(s)
}

const NOW: &str = "2026-11-23T08:00:00Z";

fn seen() -> Seen {
    Seen {
        now: at(NOW),
        timers: Some(TimersSeen {
            every: Duration::from_secs(5),
            last_ok: at(NOW) - secs(5),
        }),
        deliveries: Some(Ok(None)),
    }
}

fn unhealthy(seen: &Seen) -> String {
    match health(seen) {
        Health::Unhealthy(why) => why,
        Health::Healthy => panic!("healthy: {seen:?}"),
    }
}

#[test]
fn a_hub_whose_timers_ran_and_whose_queue_is_empty_is_healthy() {
    assert_eq!(health(&seen()), Health::Healthy);
}

#[test]
fn a_hub_that_runs_no_timers_and_sends_nothing_is_healthy() {
    let s = Seen {
        timers: None,
        deliveries: None,
        ..seen()
    };
    assert_eq!(health(&s), Health::Healthy);
}

#[test]
fn timers_are_late_after_three_ticks_without_a_pass() {
    let mut s = seen();
    s.timers = Some(TimersSeen {
        every: Duration::from_secs(5),
        last_ok: s.now - secs(15),
    });
    assert_eq!(health(&s), Health::Healthy, "three ticks is still on time");
    s.timers = Some(TimersSeen {
        every: Duration::from_secs(5),
        last_ok: s.now - secs(16),
    });
    let why = unhealthy(&s);
    assert!(why.contains("timers") && why.contains("16s"), "{why}");
}

#[test]
fn a_pass_recorded_after_now_is_not_late() {
    let mut s = seen();
    s.timers = Some(TimersSeen {
        every: Duration::from_secs(5),
        last_ok: s.now + secs(60),
    });
    assert_eq!(health(&s), Health::Healthy);
}

#[test]
fn a_page_due_is_fine_until_it_waits_past_the_bound() {
    let mut s = seen();
    s.deliveries = Some(Ok(Some(s.now + secs(60))));
    assert_eq!(health(&s), Health::Healthy, "not due yet");
    s.deliveries = Some(Ok(Some(s.now - secs(1))));
    assert_eq!(health(&s), Health::Healthy, "due a moment ago");
    let bound = TimeDelta::from_std(DELIVERY_LATE).unwrap();
    s.deliveries = Some(Ok(Some(s.now - bound)));
    assert_eq!(health(&s), Health::Healthy, "at the bound");
    s.deliveries = Some(Ok(Some(s.now - bound - secs(1))));
    let why = unhealthy(&s);
    assert!(why.contains("delivery worker"), "{why}");
}

#[test]
fn a_queue_that_cannot_be_read_is_unhealthy() {
    let mut s = seen();
    s.deliveries = Some(Err("database is locked".into()));
    let why = unhealthy(&s);
    assert!(why.contains("database is locked"), "{why}");
}

#[test]
fn liveness_starts_at_the_start_and_moves_with_each_pass() {
    let started = at(NOW);
    let live = Liveness::new(started);
    assert_eq!(live.timers_ok_at(), started);
    live.timers_ran(started + secs(5));
    assert_eq!(live.timers_ok_at(), started + secs(5));
}

#[test]
fn healthy_pings_the_url_and_unhealthy_reports_to_fail_unless_told_not_to() {
    let mut config = WatchdogConfig {
        url: crate::config::PingUrl(reqwest::Url::parse("https://hc-ping.com/abc").unwrap()),
        every: HumanDuration::from_secs(60),
        fail: true,
    };
    let (url, body) = ping(&Health::Healthy, &config).unwrap();
    assert_eq!(
        (url.as_str(), body.as_str()),
        ("https://hc-ping.com/abc", "healthy")
    );
    let stuck = Health::Unhealthy("a page due 6m ago has not been sent".into());
    let (url, body) = ping(&stuck, &config).unwrap();
    assert_eq!(url.as_str(), "https://hc-ping.com/abc/fail");
    assert_eq!(body, "a page due 6m ago has not been sent");
    config.fail = false;
    assert_eq!(ping(&stuck, &config), None, "silence only");
    assert!(ping(&Health::Healthy, &config).is_some());
}
