use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn cover(who: &str, start: &str, end: &str) -> Cover {
    Cover {
        who: who.into(),
        start: at(start),
        end: at(end),
    }
}

/// alice 23rd 08-20, bob 20-08, carol 24th 08-20, alice 20-08, ...
fn rota(overrides: Vec<Cover>) -> Rota {
    Rota::new(
        vec!["alice".into(), "bob".into(), "carol".into()],
        TimeDelta::hours(12),
        at("2026-11-23T08:00:00Z"),
        overrides,
    )
    .unwrap()
}

fn turn(who: &str, since: &str, until: &str) -> Option<Turn> {
    Some(Turn {
        who: who.into(),
        since: at(since),
        until: at(until),
    })
}

fn upcoming(who: &str, from: &str) -> Option<Upcoming> {
    Some(Upcoming {
        who: who.into(),
        from: at(from),
    })
}

#[test]
fn turns_change_exactly_on_the_shift_boundary() {
    let r = rota(vec![]);
    assert_eq!(
        r.on_call(at("2026-11-23T08:00:00Z"), &[]),
        turn("alice", "2026-11-23T08:00:00Z", "2026-11-23T20:00:00Z")
    );
    let just_before = at("2026-11-23T20:00:00Z") - TimeDelta::nanoseconds(1);
    assert_eq!(r.who_at(just_before, &[]), Some("alice"));
    assert_eq!(
        r.next(just_before, &[]),
        upcoming("bob", "2026-11-23T20:00:00Z")
    );
    assert_eq!(
        r.on_call(at("2026-11-23T20:00:00Z"), &[]),
        turn("bob", "2026-11-23T20:00:00Z", "2026-11-24T08:00:00Z")
    );
    assert_eq!(r.who_at(at("2026-11-24T08:00:00Z"), &[]), Some("carol"));
    // After the last responder, the first again.
    assert_eq!(
        r.on_call(at("2026-11-24T23:30:00Z"), &[]),
        turn("alice", "2026-11-24T20:00:00Z", "2026-11-25T08:00:00Z")
    );
    assert_eq!(
        r.next(at("2026-11-24T23:30:00Z"), &[]),
        upcoming("bob", "2026-11-25T08:00:00Z")
    );
}

#[test]
fn nobody_is_on_call_before_the_first_shift() {
    let r = rota(vec![]);
    let early = at("2026-11-23T07:59:59Z");
    assert_eq!(r.on_call(early, &[]), None);
    assert_eq!(
        r.next(early, &[]),
        upcoming("alice", "2026-11-23T08:00:00Z")
    );
    assert_eq!(r.shift_end(early), at("2026-11-23T08:00:00Z"));
}

#[test]
fn shift_end_is_the_end_of_the_shift_containing_the_time() {
    let r = rota(vec![]);
    assert_eq!(
        r.shift_end(at("2026-11-23T19:59:59Z")),
        at("2026-11-23T20:00:00Z")
    );
    assert_eq!(
        r.shift_end(at("2026-11-23T20:00:00Z")),
        at("2026-11-24T08:00:00Z")
    );
}

#[test]
fn an_override_wins_inside_its_window_only() {
    let r = rota(vec![cover(
        "dave",
        "2026-11-24T10:00:00Z",
        "2026-11-24T14:00:00Z",
    )]);
    let nine = at("2026-11-24T09:00:00Z");
    assert_eq!(
        r.on_call(nine, &[]),
        turn("carol", "2026-11-24T08:00:00Z", "2026-11-24T10:00:00Z")
    );
    assert_eq!(r.next(nine, &[]), upcoming("dave", "2026-11-24T10:00:00Z"));
    assert_eq!(
        r.on_call(at("2026-11-24T10:00:00Z"), &[]),
        turn("dave", "2026-11-24T10:00:00Z", "2026-11-24T14:00:00Z")
    );
    assert_eq!(
        r.next(at("2026-11-24T13:00:00Z"), &[]),
        upcoming("carol", "2026-11-24T14:00:00Z")
    );
    assert_eq!(
        r.on_call(at("2026-11-24T14:00:00Z"), &[]),
        turn("carol", "2026-11-24T14:00:00Z", "2026-11-24T20:00:00Z")
    );
}

#[test]
fn an_override_that_extends_a_turn_is_one_stretch() {
    let r = rota(vec![cover(
        "bob",
        "2026-11-24T08:00:00Z",
        "2026-11-24T10:00:00Z",
    )]);
    assert_eq!(
        r.on_call(at("2026-11-23T21:00:00Z"), &[]),
        turn("bob", "2026-11-23T20:00:00Z", "2026-11-24T10:00:00Z")
    );
    assert_eq!(
        r.next(at("2026-11-23T21:00:00Z"), &[]),
        upcoming("carol", "2026-11-24T10:00:00Z")
    );
}

#[test]
fn a_hand_off_covers_to_the_end_of_its_shift() {
    let r = rota(vec![]);
    let handed = [cover("bob", "2026-11-23T15:00:00Z", "2026-11-23T20:00:00Z")];
    assert_eq!(
        r.on_call(at("2026-11-23T14:59:00Z"), &handed),
        turn("alice", "2026-11-23T08:00:00Z", "2026-11-23T15:00:00Z")
    );
    assert_eq!(
        r.next(at("2026-11-23T14:59:00Z"), &handed),
        upcoming("bob", "2026-11-23T15:00:00Z")
    );
    // Bob's own shift follows, so he holds it through to the morning.
    assert_eq!(
        r.on_call(at("2026-11-23T16:00:00Z"), &handed),
        turn("bob", "2026-11-23T15:00:00Z", "2026-11-24T08:00:00Z")
    );
    assert_eq!(
        r.next(at("2026-11-23T16:00:00Z"), &handed),
        upcoming("carol", "2026-11-24T08:00:00Z")
    );
}

#[test]
fn the_latest_hand_off_wins_and_hand_offs_beat_overrides() {
    let r = rota(vec![cover(
        "dave",
        "2026-11-23T16:00:00Z",
        "2026-11-23T18:00:00Z",
    )]);
    let handed = [
        cover("bob", "2026-11-23T15:00:00Z", "2026-11-23T20:00:00Z"),
        cover("carol", "2026-11-23T17:00:00Z", "2026-11-23T20:00:00Z"),
    ];
    assert_eq!(r.who_at(at("2026-11-23T16:30:00Z"), &handed), Some("bob"));
    assert_eq!(
        r.on_call(at("2026-11-23T18:00:00Z"), &handed),
        turn("carol", "2026-11-23T17:00:00Z", "2026-11-23T20:00:00Z")
    );
    assert_eq!(
        r.next(at("2026-11-23T18:00:00Z"), &handed),
        upcoming("bob", "2026-11-23T20:00:00Z")
    );
}

#[test]
fn a_rota_of_one_reports_the_current_shift() {
    let r = Rota::new(
        vec!["alice".into()],
        TimeDelta::hours(24),
        at("2026-11-23T08:00:00Z"),
        vec![],
    )
    .unwrap();
    let noon = at("2026-11-24T12:00:00Z");
    assert_eq!(r.on_call(noon, &[]).map(|t| t.who), Some("alice".into()));
    assert_eq!(r.next(noon, &[]).map(|n| n.who), Some("alice".into()));
}

#[test]
fn a_rota_needs_responders_and_a_shift() {
    let start = at("2026-11-23T08:00:00Z");
    assert!(Rota::new(vec![], TimeDelta::hours(12), start, vec![]).is_none());
    assert!(Rota::new(vec!["a".into()], TimeDelta::zero(), start, vec![]).is_none());
}
