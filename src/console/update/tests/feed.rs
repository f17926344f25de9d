//! What the feed brings: a failure keeps the last good list, something new
//! for this responder rings the bell, a start from the saved copy.
use super::*;

#[test]
fn feed_failure_keeps_the_last_good_state_and_says_why() {
    let mut m = polled();
    m.now = t0() + chrono::Duration::seconds(30);
    update(
        &mut m,
        Msg::Feed(FeedEvent::Failed {
            error: FeedError::Timeout(10),
            retry_in: Duration::from_secs(4),
        }),
    );
    assert_eq!(ids(&m), [2, 1, 3]);
    match m.feed.health(m.now) {
        Health::Stale { secs: 30, reason } => {
            assert!(reason.contains("no answer within 10s"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert_eq!(m.feed.health(m.now), Health::Live);
}

#[test]
fn the_bell_rings_once_when_something_new_reaches_me_but_not_at_start() {
    let mut m = model();
    let mut mine = inc(1, Severity::High, Status::Triggered, "first", "");
    mine.owner = Some("alex".into());
    assert!(
        poll(&mut m, vec![mine.clone()])
            .iter()
            .all(|c| *c != Command::Bell),
        "not for what was there at start"
    );
    let mut new = inc(7, Severity::High, Status::Triggered, "new", "");
    new.owner = Some("alex".into());
    let cmds = delta(&mut m, vec![new.clone()]);
    assert!(cmds.contains(&Command::Bell), "{cmds:?}");
    // Polled again, unchanged owner: no second ring.
    new.version = 2;
    let cmds = delta(&mut m, vec![new]);
    assert!(!cmds.contains(&Command::Bell), "{cmds:?}");
    // Someone else's new incident: no ring.
    let mut theirs = inc(8, Severity::High, Status::Triggered, "theirs", "");
    theirs.owner = Some("sam".into());
    assert!(!delta(&mut m, vec![theirs]).contains(&Command::Bell));
    // bell = false in the config: never.
    m.setup.bell = false;
    let mut other = inc(9, Severity::High, Status::Triggered, "quiet", "");
    other.owner = Some("alex".into());
    assert!(!delta(&mut m, vec![other]).contains(&Command::Bell));
}

fn notifications(cmds: &[Command]) -> Vec<(String, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Notify { title, body } => Some((title.clone(), body.clone())),
            _ => None,
        })
        .collect()
}

fn mine(id: u64, title: &str) -> Incident {
    let mut inc = inc(id, Severity::Critical, Status::Triggered, title, "");
    inc.service = "db".into();
    inc.owner = Some("alex".into());
    inc
}

#[test]
fn a_page_for_me_raises_a_desktop_notification_unless_the_terminal_has_my_attention() {
    let mut m = model();
    poll(&mut m, vec![]);
    // The terminal has not said where the focus is: notify.
    let cmds = delta(&mut m, vec![mine(7, "db-1 down")]);
    assert_eq!(
        notifications(&cmds),
        [(
            "oncall: #7 critical · db".to_string(),
            "db-1 down".to_string()
        )]
    );
    assert!(cmds.contains(&Command::Bell));
    // Focused: the bell is enough.
    update(&mut m, Msg::Focus(true));
    let cmds = delta(&mut m, vec![mine(8, "db-2 down")]);
    assert!(notifications(&cmds).is_empty(), "{cmds:?}");
    assert!(cmds.contains(&Command::Bell));
    // Away from the terminal again: notify, naming the worst and the count.
    update(&mut m, Msg::Focus(false));
    let mut low = mine(10, "disk filling");
    low.severity = Severity::Warning;
    let cmds = delta(&mut m, vec![low, mine(9, "db-3 down")]);
    assert_eq!(
        notifications(&cmds),
        [(
            "oncall: #9 critical · db".to_string(),
            "db-3 down (and 1 more)".to_string()
        )]
    );
    // notify = false in [console]: the bell only.
    m.setup.notify = false;
    let cmds = delta(&mut m, vec![mine(11, "db-4 down")]);
    assert!(notifications(&cmds).is_empty() && cmds.contains(&Command::Bell));
}

#[test]
fn an_acknowledgement_that_ran_out_pages_me_again() {
    let mut m = model();
    let mut acked = mine(7, "db-1 down");
    acked.status = Status::Acknowledged;
    poll(&mut m, vec![acked]);
    // The hub put it back to triggered (its ack timeout): it needs me again.
    let cmds = delta(&mut m, vec![mine(7, "db-1 down")]);
    assert!(cmds.contains(&Command::Bell), "{cmds:?}");
    assert_eq!(notifications(&cmds).len(), 1);
}

#[test]
fn the_notification_text_is_cleaned() {
    let mut m = model();
    poll(&mut m, vec![]);
    let evil = mine(7, "db\u{1b}]0;pwned\u{7} down\u{202e}");
    let cmds = delta(&mut m, vec![evil]);
    let (title, body) = &notifications(&cmds)[0];
    for text in [title, body] {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || crate::sanitize::is_bidi(c)),
            "{text:?}"
        );
    }
}

#[test]
fn the_console_starts_from_its_cache_marked_stale() {
    let mut m = model();
    let cached = crate::feed::cache::CachedFeed {
        saved_at: t0() - chrono::Duration::minutes(20),
        incidents: vec![inc(4, Severity::High, Status::Triggered, "Cached one", "")].into(),
        oncall: Some(oncall_alex_then_sam()),
        resume: Some(crate::feed::Resume {
            cursor: 3,
            hub: "h1".into(),
        }),
    };
    super::super::restore(&mut m, cached);
    assert_eq!(m.list.resume.as_ref().map(|r| r.cursor), Some(3));
    update(&mut m, Msg::Resize(120, 40));
    assert_eq!(ids(&m), [4]);
    assert_eq!(m.list.selected, Some(4));
    assert!(
        matches!(m.feed.health(m.now), Health::Stale { secs: 1200, .. }),
        "{:?}",
        m.feed.health(m.now)
    );
    assert!(m.oncall.is_some());
    // Polling writes the cache again, but no more than every few seconds.
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![inc(5, Severity::Info, Status::Triggered, "new", "")],
            full: true,
            resume: Some(crate::feed::Resume {
                cursor: 7,
                hub: "h1".into(),
            }),
        }),
    );
    assert!(m.cache.due);
    let cmds = update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(1)));
    // The incidents and the cursor they are as of are saved together.
    assert!(
        matches!(&cmds[..], [Command::SaveCache(c)]
            if c.incidents.len() == 1 && c.resume.as_ref().map(|r| r.cursor) == Some(7)),
        "{cmds:?}"
    );
    if let [Command::SaveCache(c)] = &cmds[..] {
        assert!(
            Arc::ptr_eq(&c.incidents, &m.list.incidents),
            "the cache is written from the list itself, not a copy of it"
        );
    }
    delta(&mut m, vec![]);
    assert!(
        update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(2))).is_empty(),
        "spaced out"
    );
    assert_eq!(
        update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(7))).len(),
        1
    );
}

#[test]
fn the_hub_that_answers_is_kept_and_one_of_another_database_is_said() {
    let mut m = polled();
    let answering = |hub: &str, other_database| {
        Msg::Feed(FeedEvent::Answering {
            hub: hub.into(),
            other_database,
        })
    };
    m.dirty = false;
    update(&mut m, answering("hub-a:8080", false));
    assert_eq!(m.feed.answering.as_deref(), Some("hub-a:8080"));
    assert!(m.dirty && m.message.is_none());
    m.dirty = false;
    update(&mut m, answering("hub-a:8080", false));
    assert!(!m.dirty, "the same hub again changes nothing on screen");
    update(&mut m, answering("hub-b:8080", true));
    assert_eq!(m.feed.answering.as_deref(), Some("hub-b:8080"));
    let message = said(&m);
    assert!(message.error, "{message:?}");
    assert!(
        message
            .text
            .starts_with("hub-b:8080 answers from another database than hub-a:8080"),
        "{message:?}"
    );
}

#[test]
fn heartbeats_are_kept_as_received_and_redrawn_only_when_they_change() {
    use crate::incident::{Heartbeat, HeartbeatState};
    let mut m = polled();
    let beat = |state| Heartbeat {
        name: "backup".into(),
        service: "backups".into(),
        severity: Severity::High,
        schedule: "every 1h".into(),
        grace: "10m".into(),
        state,
        last_ping: None,
        last_status: None,
        exit_code: None,
        next_due: None,
        runbook: None,
    };
    m.take_dirty();
    update(
        &mut m,
        Msg::Feed(FeedEvent::Heartbeats(vec![beat(HeartbeatState::Late)])),
    );
    assert!(m.take_dirty());
    assert_eq!(m.heartbeats[0].state, HeartbeatState::Late);
    update(
        &mut m,
        Msg::Feed(FeedEvent::Heartbeats(vec![beat(HeartbeatState::Late)])),
    );
    assert!(!m.take_dirty(), "the same list draws nothing");
    update(&mut m, Msg::Feed(FeedEvent::Heartbeats(Vec::new())));
    assert!(m.take_dirty() && m.heartbeats.is_empty());
}
