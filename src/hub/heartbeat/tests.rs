//! The heartbeat rules over values, with the clock given: each state's way
//! in and out, that only a change of state opens or resolves, and (by
//! proptest) that over any sequence of pings and ticks, incidents opened
//! and resolved alternate, opening first.
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::*;
use crate::config::Config;
use crate::incident::{HeartbeatState as S, PingRequest, PingStatus};

fn config(extra: &str) -> HeartbeatConfig {
    let text = format!("[[hub.heartbeats]]\nname = \"backup\"\nservice = \"backups\"\n{extra}\n");
    let mut config = Config::parse(&text, Path::new("test.toml")).unwrap();
    config.hub.heartbeats.remove(0)
}

fn hourly() -> HeartbeatConfig {
    config("every = \"1h\"\ngrace = \"10m\"")
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn ping(status: PingStatus) -> PingRequest {
    PingRequest {
        status,
        ..PingRequest::default()
    }
}

/// `beat` after a ping of `status` at `now`.
fn pinged(
    beat: &Beat,
    c: &HeartbeatConfig,
    status: PingStatus,
    now: DateTime<Utc>,
) -> rules::Stepped {
    step(beat, c, Input::Ping(&ping(status)), now)
}

fn mins(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

#[test]
fn the_first_ping_is_no_change_and_sets_when_the_next_is_due() {
    let c = hourly();
    let s = pinged(&Beat::new("backup", t0()), &c, PingStatus::Success, t0());
    assert_eq!(s.beat.state, S::Up);
    assert_eq!(s.action, None);
    assert_eq!(s.beat.due, Some(t0() + mins(60)));
}

#[test]
fn a_new_heartbeat_is_never_late() {
    let c = hourly();
    let s = step(
        &Beat::new("backup", t0()),
        &c,
        Input::Clock,
        t0() + TimeDelta::days(30),
    );
    assert_eq!(s.beat.state, S::New);
    assert_eq!(s.action, None);
}

#[test]
fn late_within_grace_then_down_once_then_back() {
    let c = hourly();
    let up = pinged(&Beat::new("backup", t0()), &c, PingStatus::Success, t0()).beat;
    let on_time = step(&up, &c, Input::Clock, t0() + mins(60));
    assert_eq!(on_time.beat.state, S::Up, "due is not late yet");
    let late = step(&up, &c, Input::Clock, t0() + mins(61));
    assert_eq!((late.beat.state, &late.action), (S::Late, &None));
    let edge = step(&late.beat, &c, Input::Clock, t0() + mins(70));
    assert_eq!(
        edge.beat.state,
        S::Late,
        "the grace's last moment is still late"
    );
    let down = step(&late.beat, &c, Input::Clock, t0() + mins(71));
    assert_eq!(down.beat.state, S::Down);
    let Some(Action::Open { title, description }) = &down.action else {
        panic!("down opens an incident: {:?}", down.action);
    };
    assert_eq!(title, "heartbeat backup missed");
    assert!(
        description
            .contains("A ping was expected by 2026-11-23 09:00:00 UTC (every 1h, grace 10m)"),
        "{description}"
    );
    assert!(
        description.contains("Last ping: success at 2026-11-23 08:00:00 UTC"),
        "{description}"
    );
    let still = step(&down.beat, &c, Input::Clock, t0() + mins(500));
    assert_eq!(
        (still.beat.state, still.action),
        (S::Down, None),
        "opened once"
    );
    let back = pinged(&down.beat, &c, PingStatus::Success, t0() + mins(501));
    assert_eq!(
        (back.beat.state, back.action),
        (S::Up, Some(Action::Resolve))
    );
    assert_eq!(back.beat.since, t0() + mins(501));
}

#[test]
fn a_start_that_never_ends_goes_down_after_the_grace() {
    let c = hourly();
    let up = pinged(&Beat::new("backup", t0()), &c, PingStatus::Success, t0()).beat;
    let running = pinged(&up, &c, PingStatus::Start, t0() + mins(55));
    assert_eq!((running.beat.state, &running.action), (S::Running, &None));
    let within = step(&running.beat, &c, Input::Clock, t0() + mins(65));
    assert_eq!(within.beat.state, S::Running);
    let stuck = step(&running.beat, &c, Input::Clock, t0() + mins(66));
    assert_eq!(stuck.beat.state, S::Down);
    let Some(Action::Open { title, description }) = &stuck.action else {
        panic!("a run that never ends opens an incident");
    };
    assert_eq!(title, "heartbeat backup started and did not end");
    assert!(
        description.contains(
            "A run started at 2026-11-23 08:55:00 UTC and did not end within its grace of 10m."
        ),
        "{description}"
    );
}

#[test]
fn a_failed_run_opens_with_its_exit_code_and_inert_log() {
    let c = hourly();
    let up = pinged(&Beat::new("backup", t0()), &c, PingStatus::Success, t0()).beat;
    let failed = PingRequest {
        status: PingStatus::Fail,
        exit_code: Some(3),
        run_id: Some("r\u{1b}[2J1".into()),
        log: Some("copying\n\u{1b}]0;owned\u{7}disk full\u{202e}".into()),
    };
    let down = step(&up, &c, Input::Ping(&failed), t0() + mins(5));
    assert_eq!(down.beat.state, S::Down);
    let Some(Action::Open { title, description }) = &down.action else {
        panic!("a fail opens an incident");
    };
    assert_eq!(title, "heartbeat backup failed (exit code 3)");
    assert!(
        description.contains("Last ping: fail at 2026-11-23 08:05:00 UTC, exit code 3"),
        "{description}"
    );
    assert!(
        description.contains("Last log:\ncopying\n"),
        "{description}"
    );
    assert!(
        crate::sanitize::first_unsafe(&description.replace('\n', " ")).is_none(),
        "{description:?}"
    );
    let again = step(&down.beat, &c, Input::Ping(&failed), t0() + mins(6));
    assert_eq!(
        again.action, None,
        "a second fail while down opens nothing more"
    );
    let restart = pinged(&down.beat, &c, PingStatus::Start, t0() + mins(7));
    assert_eq!(
        (restart.beat.state, &restart.action),
        (S::Down, &None),
        "a start does not end the outage"
    );
    let back = pinged(&restart.beat, &c, PingStatus::Success, t0() + mins(8));
    assert_eq!(
        (back.beat.state, back.action),
        (S::Up, Some(Action::Resolve))
    );
}

#[test]
fn a_cron_schedule_is_due_at_its_next_time_in_its_zone() {
    let c = config("cron = \"0 2 * * *\"\ntimezone = \"Europe/Berlin\"\ngrace = \"1h\"");
    let s = pinged(&Beat::new("backup", t0()), &c, PingStatus::Success, t0());
    // 02:00 in Berlin in November is 01:00 UTC, the next day.
    let due = DateTime::parse_from_rfc3339("2026-11-24T01:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(s.beat.due, Some(due));
    let v = view(Some(&s.beat), &c, due + mins(61));
    assert_eq!(
        (v.state, v.schedule.as_str()),
        (S::Down, "cron 0 2 * * * (Europe/Berlin)")
    );
}

#[test]
fn the_view_applies_the_clock_without_waiting_for_the_timers() {
    let c = hourly();
    assert_eq!(view(None, &c, t0()).state, S::New);
    let up = pinged(&Beat::new("backup", t0()), &c, PingStatus::Success, t0()).beat;
    let v = view(Some(&up), &c, t0() + mins(65));
    assert_eq!((v.state, v.next_due), (S::Late, Some(t0() + mins(60))));
}

fn input() -> impl Strategy<Value = Option<PingStatus>> {
    prop_oneof![
        Just(None),
        Just(Some(PingStatus::Start)),
        Just(Some(PingStatus::Success)),
        Just(Some(PingStatus::Fail)),
    ]
}

proptest! {
    /// Whatever happens, when: an incident opens only on the way into
    /// down, resolves only on the way out, and the two alternate.
    #[test]
    fn opens_and_resolves_alternate_on_changes_of_state(
        events in prop::collection::vec((input(), 0i64..200), 1..60)
    ) {
        let c = hourly();
        let mut beat = Beat::new("backup", t0());
        let mut now = t0();
        let mut open = false;
        for (what, wait) in events {
            now += mins(wait);
            let req = what.map(ping);
            let input = req.as_ref().map_or(Input::Clock, Input::Ping);
            let s = step(&beat, &c, input, now);
            match &s.action {
                Some(Action::Open { .. }) => {
                    prop_assert!(!open, "opened twice");
                    prop_assert!(beat.state != S::Down && s.beat.state == S::Down);
                    open = true;
                }
                Some(Action::Resolve) => {
                    prop_assert!(open, "resolved what was not open");
                    prop_assert!(beat.state == S::Down && s.beat.state == S::Up);
                    open = false;
                }
                None => prop_assert_eq!(beat.state == S::Down, s.beat.state == S::Down),
            }
            prop_assert_eq!(open, s.beat.state == S::Down);
            beat = s.beat;
        }
    }
}
