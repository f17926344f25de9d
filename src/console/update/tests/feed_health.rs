//! The feed's health over time: a minute stale rings once, coming back is
//! said, and nothing received is not the same as nothing open.
use super::*;

fn at(secs: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::seconds(secs)
}

/// The clock at `secs`, with the feed failing: the commands asked for.
fn failing_at(m: &mut Model, secs: i64) -> Vec<Command> {
    let mut cmds = update(m, Msg::Tick(at(secs)));
    cmds.extend(update(
        m,
        Msg::Feed(FeedEvent::Failed {
            error: FeedError::Unreachable("http://hub:8080".into()),
            retry_in: Duration::from_secs(4),
        }),
    ));
    cmds
}

fn bells(cmds: &[Command]) -> usize {
    cmds.iter().filter(|c| **c == Command::Bell).count()
}

#[test]
fn a_feed_stale_for_a_minute_rings_once_and_says_when_it_is_back() {
    let mut m = polled();
    let mut rung = 0;
    for secs in [5, 30, 59, 60] {
        rung += bells(&failing_at(&mut m, secs));
    }
    assert_eq!(rung, 0, "a minute is not yet more than a minute");
    assert!(!m.feed.health(m.now).alarming());
    m.take_dirty();
    assert_eq!(bells(&failing_at(&mut m, 61)), 1, "past the minute: once");
    assert!(m.feed.health(m.now).alarming() && m.take_dirty());
    for secs in 62..200 {
        assert_eq!(bells(&failing_at(&mut m, secs)), 0, "{secs}");
    }
    // In whole minutes now: no frame until the minute turns.
    m.take_dirty();
    failing_at(&mut m, 200);
    assert!(!m.take_dirty(), "still 3m");
    failing_at(&mut m, 240);
    assert!(m.take_dirty(), "4m");
    // Back: said, once, with how long it was away.
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert_eq!(m.feed.health(m.now), Health::Live);
    assert_eq!(
        m.message.clone().map(|msg| msg.text),
        Some("Feed back: live again after 4m offline.".to_string())
    );
    m.message = None;
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert_eq!(m.message, None);
    // A second outage rings again; with the bell off it only turns red.
    assert_eq!(bells(&failing_at(&mut m, 302)), 1);
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    m.setup.bell = false;
    assert_eq!(bells(&failing_at(&mut m, 400)), 0);
    assert!(m.feed.health(m.now).alarming() && m.feed.alarmed);
}

#[test]
fn a_short_blip_neither_rings_nor_says_it_is_back() {
    let mut m = polled();
    failing_at(&mut m, 20);
    update(&mut m, Msg::Tick(at(40)));
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert_eq!(m.message, None);
    assert_eq!(m.feed.health(m.now), Health::Live);
}

#[test]
fn a_console_started_from_an_old_copy_does_not_ring_for_its_age() {
    let mut m = model();
    let cached = crate::feed::cache::CachedFeed {
        saved_at: t0() - chrono::Duration::minutes(20),
        incidents: vec![inc(4, Severity::High, Status::Triggered, "Cached", "")].into(),
        oncall: None,
        resume: None,
    };
    super::super::restore(&mut m, cached);
    assert!(m.feed.health(m.now).alarming());
    assert_eq!(bells(&failing_at(&mut m, 1)), 0);
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert_eq!(
        m.message.clone().map(|msg| msg.text),
        Some("Feed back: live again after 20m offline.".to_string())
    );
}

#[test]
fn nothing_received_is_not_nothing_open() {
    let mut m = model();
    assert!(!m.feed.known());
    failing_at(&mut m, 5);
    assert!(!m.feed.known(), "a failure tells nothing about incidents");
    assert!(matches!(m.feed.health(m.now), Health::Offline { .. }));
    poll(&mut m, Vec::new());
    assert!(m.feed.known(), "an empty answer is an answer: nothing open");
    assert_eq!(m.list.open_counts, [0; 4]);
}
