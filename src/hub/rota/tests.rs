use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn cover(who: &str, start: &str, end: &str) -> Cover {
    Cover {
        who: who.into(),
        start: at(start),
        end: at(end),
        made: at(start),
    }
}

/// alice 23rd 08-20, bob 20-08, carol 24th 08-20, alice 20-08, ...
fn rota(overrides: Vec<Cover>) -> Rota {
    Rota::new(
        vec!["alice".into(), "bob".into(), "carol".into()],
        TimeDelta::hours(12),
        at("2026-11-23T08:00:00Z"),
        overrides
            .into_iter()
            .map(|c| Cover {
                made: DateTime::<Utc>::UNIX_EPOCH,
                ..c
            })
            .collect(),
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

fn made(who: &str, start: &str, end: &str, when: &str) -> Cover {
    Cover {
        made: at(when),
        ..cover(who, start, end)
    }
}

#[test]
fn the_cover_made_last_wins_whenever_it_starts() {
    let r = rota(vec![]);
    // A hand-off to bob made at 15:00; an override for dave made at 16:00
    // but starting before the hand-off did: dave holds their overlap.
    let covers = [
        made(
            "bob",
            "2026-11-23T15:00:00Z",
            "2026-11-23T20:00:00Z",
            "2026-11-23T15:00:00Z",
        ),
        made(
            "dave",
            "2026-11-23T14:00:00Z",
            "2026-11-23T17:00:00Z",
            "2026-11-23T16:00:00Z",
        ),
    ];
    assert_eq!(r.who_at(at("2026-11-23T14:30:00Z"), &covers), Some("dave"));
    assert_eq!(r.who_at(at("2026-11-23T16:30:00Z"), &covers), Some("dave"));
    assert_eq!(r.who_at(at("2026-11-23T17:00:00Z"), &covers), Some("bob"));
    // Made the other way round, the hand-off made last wins its window.
    let covers = [
        covers[1].clone(),
        Cover {
            made: at("2026-11-23T17:30:00Z"),
            ..covers[0].clone()
        },
    ];
    assert_eq!(r.who_at(at("2026-11-23T16:30:00Z"), &covers), Some("bob"));
    assert_eq!(r.who_at(at("2026-11-23T14:30:00Z"), &covers), Some("dave"));
}

#[test]
fn a_config_override_counts_as_made_first() {
    let r = rota(vec![cover(
        "dave",
        "2026-11-23T10:00:00Z",
        "2026-11-23T12:00:00Z",
    )]);
    let api = [made(
        "erin",
        "2026-11-23T11:00:00Z",
        "2026-11-23T13:00:00Z",
        "2026-11-20T00:00:00Z",
    )];
    assert_eq!(r.who_at(at("2026-11-23T10:30:00Z"), &api), Some("dave"));
    assert_eq!(r.who_at(at("2026-11-23T11:30:00Z"), &api), Some("erin"));
    assert_eq!(r.who_at(at("2026-11-23T13:00:00Z"), &api), Some("alice"));
}

#[test]
fn on_call_during_names_everyone_who_holds_a_window_once() {
    let r = rota(vec![]);
    let covers = [made(
        "dave",
        "2026-11-23T19:00:00Z",
        "2026-11-23T21:00:00Z",
        "2026-11-23T09:00:00Z",
    )];
    assert_eq!(
        r.on_call_during(
            at("2026-11-23T18:00:00Z"),
            at("2026-11-24T09:00:00Z"),
            &covers
        ),
        vec!["alice", "dave", "bob", "carol"]
    );
    assert_eq!(
        r.on_call_during(at("2026-11-23T09:00:00Z"), at("2026-11-23T10:00:00Z"), &[]),
        vec!["alice"]
    );
    assert!(
        r.on_call_during(at("2026-11-23T09:00:00Z"), at("2026-11-23T09:00:00Z"), &[])
            .is_empty()
    );
}

mod precedence {
    use proptest::prelude::*;

    use super::*;

    fn hour(h: i64) -> DateTime<Utc> {
        at("2026-11-23T08:00:00Z") + TimeDelta::hours(h)
    }

    fn arb_cover() -> impl Strategy<Value = Cover> {
        (0usize..4, 0i64..48, 1i64..24, 0i64..1000).prop_map(|(who, start, len, made)| Cover {
            who: ["dave", "erin", "frank", "gina"][who].to_string(),
            start: hour(start),
            end: hour(start + len),
            made: hour(-2000 + made),
        })
    }

    proptest! {
        /// At every hour, the answer is the covering cover made last, or the
        /// turn when none covers it; the order covers are given in does not
        /// matter when they were made at different times.
        #[test]
        fn the_latest_made_covering_cover_decides(
            covers in proptest::collection::vec(arb_cover(), 0..6),
            t in 0i64..80,
        ) {
            let r = rota(vec![]);
            let t = hour(t);
            let mut made: Vec<_> = covers.iter().map(|c| c.made).collect();
            made.sort();
            made.dedup();
            prop_assume!(made.len() == covers.len());
            let expected = covers
                .iter()
                .filter(|c| c.start <= t && t < c.end)
                .max_by_key(|c| c.made)
                .map(|c| c.who.clone())
                .or_else(|| r.who_at(t, &[]).map(str::to_string));
            prop_assert_eq!(r.who_at(t, &covers).map(str::to_string), expected.clone());
            let mut reversed = covers.clone();
            reversed.reverse();
            prop_assert_eq!(r.who_at(t, &reversed).map(str::to_string), expected);
        }

        /// Whoever holds a moment of a window is among those on call during it.
        #[test]
        fn on_call_during_misses_nobody(
            covers in proptest::collection::vec(arb_cover(), 0..6),
            start in 0i64..60,
            len in 1i64..30,
            probe in 0i64..30,
        ) {
            let r = rota(vec![]);
            prop_assume!(probe < len);
            let during = r.on_call_during(hour(start), hour(start + len), &covers);
            let who = r.who_at(hour(start + probe), &covers).map(str::to_string);
            if let Some(who) = who {
                prop_assert!(during.contains(&who), "{who} missing from {during:?}");
            }
        }
    }
}
