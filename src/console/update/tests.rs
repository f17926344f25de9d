//! The console's behaviour, key by key, without a terminal.
mod feed_health;
mod handoff;
mod list;
mod panes;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::update;
use crate::console::model::{FeedStatus, Focus, Health, Mode, Model};
use crate::console::msg::{Command, Msg};
use crate::feed::{Action, FeedError, FeedEvent, Request, WorkerEvent};
use crate::incident::{Incident, Severity, Status};
use crate::runbook::Library;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
}

fn inc(id: u64, severity: Severity, status: Status, title: &str, alert: &str) -> Incident {
    let mut labels = BTreeMap::new();
    if !alert.is_empty() {
        labels.insert("alertname".to_string(), alert.to_string());
    }
    Incident {
        id,
        dedup_key: format!("k{id}"),
        title: title.to_string(),
        service: "api".to_string(),
        severity,
        status,
        labels: labels.into(),
        description: String::new(),
        runbook: None,
        runbook_url: None,
        source: "test".to_string(),
        created_at: t0() - chrono::Duration::minutes(id as i64),
        updated_at: t0(),
        owner: None,
        escalation_level: 1,
        occurrences: 1,
        version: 1,
        timeline: Vec::new(),
        steps: Default::default(),
    }
}

fn model() -> Model {
    let feed = FeedStatus::new("hub", Duration::from_secs(2));
    Model::new("alex".into(), feed, Arc::new(Library::shipped()), t0())
}

/// A model that has polled: #1 warning, #2 critical (selected first), #3 resolved.
fn polled() -> Model {
    let mut m = model();
    let cmds = update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![
                inc(
                    1,
                    Severity::Warning,
                    Status::Triggered,
                    "Disk /var filling",
                    "NodeFilesystemSpaceFillingUp",
                ),
                inc(
                    2,
                    Severity::Critical,
                    Status::Triggered,
                    "Packet loss on edge-lb-1",
                    "HostNetworkReceiveErrors",
                ),
                inc(
                    3,
                    Severity::Info,
                    Status::Acknowledged,
                    "Clock skew on worker-7",
                    "NodeClockSkewDetected",
                ),
            ],
            full: true,
            resume: None,
        }),
    );
    assert_eq!(cmds, vec![Command::Feed(Request::Fetch { id: 2 })]);
    m
}

fn key(m: &mut Model, code: KeyCode) -> Vec<Command> {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(m: &mut Model, c: char) -> Vec<Command> {
    key(m, KeyCode::Char(c))
}

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        ch(m, c);
    }
}

fn ids(m: &Model) -> Vec<u64> {
    m.visible.iter().map(|&i| m.incidents[i].id).collect()
}

#[test]
fn list_is_sorted_most_severe_first_and_selects_the_top() {
    let m = polled();
    assert_eq!(ids(&m), [2, 1, 3]);
    assert_eq!(m.selected, Some(2));
    assert_eq!(m.feed.health(m.now), Health::Live);
}

#[test]
fn moving_selects_and_fetches_the_next_incident() {
    let mut m = polled();
    assert_eq!(
        ch(&mut m, 'j'),
        vec![Command::Feed(Request::Fetch { id: 1 })]
    );
    assert_eq!(m.selected, Some(1));
    key(&mut m, KeyCode::Down);
    assert_eq!(m.selected, Some(3));
    key(&mut m, KeyCode::Down);
    assert_eq!(m.selected, Some(3), "stops at the end");
    ch(&mut m, 'g');
    assert_eq!(m.selected, Some(2));
    ch(&mut m, 'G');
    assert_eq!(m.selected, Some(3));
}

#[test]
fn acknowledge_sends_with_version_and_shows_pending_until_confirmed() {
    let mut m = polled();
    let cmds = ch(&mut m, 'a');
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::Act {
            ticket: 1,
            id: 2,
            action: Action::Acknowledge { version: Some(1) }
        })]
    );
    assert_eq!(
        m.pending_for(2).map(|p| p.action.verb()),
        Some("acknowledge")
    );
    let mut acked = inc(
        2,
        Severity::Critical,
        Status::Acknowledged,
        "Packet loss on edge-lb-1",
        "HostNetworkReceiveErrors",
    );
    acked.owner = Some("alex".into());
    acked.version = 2;
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Acted {
            ticket: 1,
            id: 2,
            result: Ok(acked),
        }),
    );
    assert!(m.pending_for(2).is_none());
    let now = m.incident(2).unwrap();
    assert_eq!(
        (now.status, now.owner.as_deref()),
        (Status::Acknowledged, Some("alex"))
    );
    assert!(m.message.as_ref().unwrap().text.contains("Acknowledged #2"));
    // Already mine: no second request.
    assert!(ch(&mut m, 'a').is_empty());
}

#[test]
fn a_lost_race_shows_who_won_and_their_state() {
    let mut m = polled();
    ch(&mut m, 'a');
    let mut theirs = inc(
        2,
        Severity::Critical,
        Status::Acknowledged,
        "Packet loss on edge-lb-1",
        "",
    );
    theirs.owner = Some("sam".into());
    theirs.version = 2;
    let err = FeedError::Rejected {
        status: 409,
        code: "conflict".into(),
        message: "already acknowledged by sam".into(),
        incident: Some(Box::new(theirs)),
    };
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Acted {
            ticket: 1,
            id: 2,
            result: Err(err),
        }),
    );
    let msg = m.message.clone().unwrap();
    assert!(
        msg.error && msg.text.contains("already acknowledged by sam"),
        "{msg:?}"
    );
    assert_eq!(m.incident(2).unwrap().owner.as_deref(), Some("sam"));
    assert!(m.pending.is_empty());
}

#[test]
fn an_unreachable_hub_is_a_message_not_a_crash() {
    let mut m = polled();
    ch(&mut m, 'a');
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Acted {
            ticket: 1,
            id: 2,
            result: Err(FeedError::Unreachable("http://hub".into())),
        }),
    );
    let msg = m.message.clone().unwrap();
    assert!(
        msg.error && msg.text.contains("cannot reach http://hub"),
        "{msg:?}"
    );
    assert_eq!(m.incident(2).unwrap().status, Status::Triggered);
}

#[test]
fn escalate_asks_first_and_says_where_it_goes() {
    let mut m = polled();
    assert!(ch(&mut m, 'e').is_empty());
    assert_eq!(m.mode, Mode::ConfirmEscalate { id: 2, from: 1 });
    assert!(ch(&mut m, 'n').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    ch(&mut m, 'e');
    let cmds = ch(&mut m, 'y');
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::Act {
            ticket: 1,
            id: 2,
            action: Action::Escalate { note: None }
        })]
    );
}

#[test]
fn escalate_past_the_last_level_is_refused_locally() {
    let mut m = polled();
    let mut top = m.incident(2).unwrap().clone();
    top.escalation_level = 3;
    top.version = 5;
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![top],
            full: false,
            resume: None,
        }),
    );
    assert!(ch(&mut m, 'e').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    assert!(m.message.unwrap().text.contains("3rd line, the last level"));
}

#[test]
fn resolve_takes_an_optional_note() {
    let mut m = polled();
    ch(&mut m, 'r');
    typed(&mut m, "rolled back");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::Act {
            ticket: 1,
            id: 2,
            action: Action::Resolve {
                note: Some("rolled back".into())
            }
        })]
    );
    ch(&mut m, 'j');
    ch(&mut m, 'r');
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::Act {
            ticket: 2,
            id: 1,
            action: Action::Resolve { note: None }
        })]
    );
}

#[test]
fn notes_must_have_text_and_esc_cancels() {
    let mut m = polled();
    ch(&mut m, 'n');
    assert!(key(&mut m, KeyCode::Enter).is_empty());
    assert!(m.message.clone().unwrap().error);
    ch(&mut m, 'n');
    typed(&mut m, "q is text here, not quit");
    assert!(!m.quit);
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
    ch(&mut m, 'n');
    typed(&mut m, "vendor called back");
    let cmds = key(&mut m, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Command::Feed(Request::Act {
            ticket: 1,
            id: 2,
            action: Action::Note {
                text: "vendor called back".into()
            }
        })]
    );
}

#[test]
fn filter_narrows_as_you_type_and_esc_clears() {
    let mut m = polled();
    ch(&mut m, '/');
    typed(&mut m, "disk");
    assert_eq!(ids(&m), [1]);
    assert_eq!(m.selected, Some(1));
    key(&mut m, KeyCode::Enter);
    assert_eq!(ids(&m), [1], "Enter keeps the filter");
    key(&mut m, KeyCode::Esc);
    assert_eq!(ids(&m), [2, 1, 3]);
    ch(&mut m, '/');
    typed(&mut m, "nothing like this");
    assert!(m.visible.is_empty());
    assert_eq!(m.selected, None);
    assert!(ch(&mut m, 'a').is_empty(), "typing goes to the filter");
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut m = polled();
    ch(&mut m, '?');
    assert_eq!(m.mode, Mode::Help);
    assert!(
        ch(&mut m, 'q').is_empty(),
        "q closes help, it does not quit"
    );
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(ch(&mut m, 'q'), vec![Command::Quit]);
}

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
fn nothing_changed_means_no_redraw() {
    let mut m = polled();
    m.take_dirty();
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert!(!m.take_dirty());
    update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(5)));
    assert!(
        !m.take_dirty(),
        "same minute, feed live: nothing on screen changes"
    );
    update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(61)));
    assert!(m.take_dirty(), "ages move on at the minute");
}

#[test]
fn delta_polls_merge_and_keep_the_selection() {
    let mut m = polled();
    ch(&mut m, 'j');
    assert_eq!(m.selected, Some(1));
    let new = inc(
        9,
        Severity::Critical,
        Status::Triggered,
        "UPS on battery",
        "UpsOnBattery",
    );
    let mut resolved = m.incident(2).unwrap().clone();
    resolved.status = Status::Resolved;
    resolved.version = 2;
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![new, resolved],
            full: false,
            resume: None,
        }),
    );
    assert_eq!(ids(&m), [9, 1, 3, 2]);
    assert_eq!(
        m.selected,
        Some(1),
        "the cursor stays on the incident, not the row"
    );
    // An older version arriving late does not overwrite a newer one.
    let stale = inc(
        2,
        Severity::Critical,
        Status::Triggered,
        "Packet loss on edge-lb-1",
        "",
    );
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![stale],
            full: false,
            resume: None,
        }),
    );
    assert_eq!(m.incident(2).unwrap().status, Status::Resolved);
}

#[test]
fn the_matched_runbook_follows_the_selection_and_digits_pick_others() {
    let mut m = polled();
    assert_eq!(m.matches[0].id, "network");
    assert_eq!(m.runbook.as_ref().unwrap().id, "network");
    ch(&mut m, 'j');
    assert_eq!(m.runbook.as_ref().unwrap().id, "disk-full");
    let n = m.matches.len();
    if n >= 2 {
        ch(&mut m, '2');
        assert_eq!(m.runbook.as_ref().unwrap().id, m.matches[1].id);
    }
    ch(&mut m, '9');
    assert!(m.message.clone().unwrap().error);
}

#[test]
fn tab_moves_the_keys_to_the_runbook() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.focus, Focus::Runbook);
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    assert_eq!(
        (m.runbook_cursor, m.runbook_scroll),
        (2, 0),
        "the cursor moves, the page stays"
    );
    assert_eq!(m.selected, Some(2), "the list did not move");
    ch(&mut m, 'G');
    let last = m.runbook.as_ref().unwrap().doc.lines.len() - 1;
    assert_eq!(m.runbook_cursor, last);
    assert!(
        m.runbook_scroll > 0 && m.runbook_scroll <= last,
        "the page follows the cursor"
    );
    ch(&mut m, 'g');
    assert_eq!((m.runbook_cursor, m.runbook_scroll), (0, 0));
}

#[test]
fn terminate_quits() {
    let mut m = polled();
    assert_eq!(update(&mut m, Msg::Terminate), vec![Command::Quit]);
}

/// The selected incident's detail as the hub would send it, with `steps` ticked.
fn detail_with_steps(m: &mut Model, id: u64, runbook: &str, steps: &[u32]) {
    let mut d = m.incident(id).unwrap().clone();
    d.steps
        .insert(runbook.to_string(), steps.iter().copied().collect());
    update(m, Msg::Worker(WorkerEvent::Fetched { id, result: Ok(d) }));
}

#[test]
fn space_from_the_list_ticks_the_first_step_not_done() {
    let mut m = polled();
    assert_eq!(m.runbook.as_ref().unwrap().id, "network");
    let first_text = m.runbook.as_ref().unwrap().doc.steps[0].text.clone();
    let cmds = ch(&mut m, ' ');
    match &cmds[..] {
        [
            Command::Feed(Request::Act {
                id: 2,
                action:
                    Action::Step {
                        runbook,
                        step: 0,
                        done: true,
                        text,
                    },
                ..
            }),
        ] => {
            assert_eq!(runbook, "network");
            assert_eq!(text.as_deref(), Some(first_text.as_str()));
        }
        other => panic!("{other:?}"),
    }
    // Shown as done at once, while it is on its way.
    assert!(m.runbook.as_ref().unwrap().doc.steps[0].done);
    // The hub confirms; then the next space ticks the second step.
    detail_with_steps(&mut m, 2, "network", &[0]);
    let confirmed = m.details[&2].clone();
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Acted {
            ticket: 1,
            id: 2,
            result: Ok(confirmed),
        }),
    );
    assert!(m.runbook.as_ref().unwrap().doc.steps[0].done);
    let cmds = ch(&mut m, ' ');
    assert!(
        matches!(
            &cmds[..],
            [Command::Feed(Request::Act {
                action: Action::Step {
                    step: 1,
                    done: true,
                    ..
                },
                ..
            })]
        ),
        "{cmds:?}"
    );
}

#[test]
fn a_refused_tick_is_undone_on_screen() {
    let mut m = polled();
    ch(&mut m, ' ');
    assert!(m.runbook.as_ref().unwrap().doc.steps[0].done);
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Acted {
            ticket: 1,
            id: 2,
            result: Err(FeedError::Unreachable("http://hub".into())),
        }),
    );
    assert!(!m.runbook.as_ref().unwrap().doc.steps[0].done);
    assert!(
        m.message
            .clone()
            .unwrap()
            .text
            .contains("Could not tick #2")
    );
}

#[test]
fn space_in_the_runbook_goes_to_the_next_step_then_toggles_it() {
    let mut m = polled();
    detail_with_steps(&mut m, 2, "network", &[0]);
    key(&mut m, KeyCode::Tab);
    assert!(
        ch(&mut m, ' ').is_empty(),
        "the cursor is not on a step yet"
    );
    let first = m.runbook.as_ref().unwrap().doc.steps[0].line;
    assert_eq!(m.runbook_cursor, first);
    assert!(m.runbook_scroll <= first);
    let cmds = ch(&mut m, ' ');
    assert!(
        matches!(
            &cmds[..],
            [Command::Feed(Request::Act {
                action: Action::Step {
                    step: 0,
                    done: false,
                    ..
                },
                ..
            })]
        ),
        "unticks: {cmds:?}"
    );
}

#[test]
fn y_copies_the_code_block_under_the_cursor() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    assert!(
        ch(&mut m, 'y').is_empty(),
        "first y moves to the next code block"
    );
    let block = m.runbook.as_ref().unwrap().doc.code_blocks[0].clone();
    assert_eq!(m.runbook_cursor, block.first_line);
    assert_eq!(
        ch(&mut m, 'y'),
        vec![Command::Copy(block.text.trim_end().to_string())]
    );
    assert!(m.message.clone().unwrap().text.starts_with("Copied `"));
}

#[test]
fn o_opens_the_shown_runbook() {
    let mut m = polled();
    match &ch(&mut m, 'o')[..] {
        [
            Command::OpenRunbook {
                id,
                file: None,
                text,
            },
        ] => {
            assert_eq!(id, "network");
            assert!(text.contains("# Network faults"));
        }
        other => panic!("{other:?}"),
    }
    update(&mut m, Msg::External(Err("Could not run `nope`".into())));
    assert!(m.message.clone().unwrap().error);
}

#[test]
fn b_searches_all_runbooks_and_shows_the_pick_until_another_incident() {
    let mut m = polled();
    ch(&mut m, 'b');
    typed(&mut m, "restart safely");
    let Mode::Browse { hits, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(hits[0].id, "restarts", "{hits:?}");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(m.runbook.as_ref().unwrap().id, "restarts");
    assert_eq!(m.focus, Focus::Runbook);
    ch(&mut m, '1');
    assert_eq!(
        m.runbook.as_ref().unwrap().id,
        "network",
        "1 goes back to the matches"
    );
    ch(&mut m, 'b');
    typed(&mut m, "backups");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'j');
    assert_eq!(
        m.runbook.as_ref().unwrap().id,
        m.matches[0].id,
        "another incident shows its own match"
    );
    ch(&mut m, 'b');
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
}

fn oncall_alex_then_sam() -> crate::incident::OnCall {
    use crate::incident::{LevelView, NextShift, OnCall, PolicyView, Shift, Targets};
    let level = |n: u32, name: &str, who: Option<&str>, targets: Targets| LevelView {
        level: n,
        name: name.into(),
        who: who.map(str::to_string),
        targets,
        after: None,
    };
    OnCall {
        now: Some(Shift {
            who: "alex".into(),
            since: t0() - chrono::Duration::hours(6),
            until: t0() + chrono::Duration::minutes(30),
        }),
        next: Some(NextShift {
            who: "sam".into(),
            from: t0() + chrono::Duration::minutes(30),
        }),
        shift: None,
        policies: vec![
            PolicyView {
                services: vec!["api".into()],
                levels: vec![
                    level(1, "1st line", Some("alex"), Targets::OnCall),
                    level(
                        2,
                        "app team",
                        Some("dave"),
                        Targets::Named(vec!["dave".into()]),
                    ),
                ],
            },
            PolicyView {
                services: vec!["*".into()],
                levels: vec![level(1, "1st line", Some("alex"), Targets::OnCall)],
            },
        ],
    }
}

fn with_rota(m: &mut Model) {
    update(
        m,
        Msg::Feed(FeedEvent::Rota {
            oncall: oncall_alex_then_sam(),
            handoff: None,
        }),
    );
}

#[test]
fn escalation_says_which_level_and_person_it_reaches_and_stops_at_the_policys_last() {
    let mut m = polled();
    with_rota(&mut m);
    let inc = m.incident(2).unwrap().clone();
    let t = m.escalation_target(&inc).unwrap();
    assert_eq!(
        (t.from.as_str(), t.to.as_str(), t.who.as_deref()),
        ("1st line", "app team", Some("dave"))
    );
    let mut top = inc;
    top.escalation_level = 2;
    top.version = 9;
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![top],
            full: false,
            resume: None,
        }),
    );
    assert!(ch(&mut m, 'e').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(
        m.message.clone().unwrap().text,
        "#2 is already at app team, the last level of the api policy."
    );
}

#[test]
fn the_bell_rings_once_when_something_new_reaches_me_but_not_at_start() {
    let mut m = model();
    let mut mine = inc(1, Severity::High, Status::Triggered, "first", "");
    mine.owner = Some("alex".into());
    assert!(
        update(
            &mut m,
            Msg::Feed(FeedEvent::Polled {
                incidents: vec![mine.clone()],
                full: true,
                resume: None,
            })
        )
        .iter()
        .all(|c| *c != Command::Bell),
        "not for what was there at start"
    );
    let mut new = inc(7, Severity::High, Status::Triggered, "new", "");
    new.owner = Some("alex".into());
    let cmds = update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![new.clone()],
            full: false,
            resume: None,
        }),
    );
    assert!(cmds.contains(&Command::Bell), "{cmds:?}");
    // Polled again, unchanged owner: no second ring.
    new.version = 2;
    let cmds = update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![new],
            full: false,
            resume: None,
        }),
    );
    assert!(!cmds.contains(&Command::Bell), "{cmds:?}");
    // Someone else's new incident: no ring.
    let mut theirs = inc(8, Severity::High, Status::Triggered, "theirs", "");
    theirs.owner = Some("sam".into());
    assert!(
        !update(
            &mut m,
            Msg::Feed(FeedEvent::Polled {
                incidents: vec![theirs],
                full: false,
                resume: None,
            })
        )
        .contains(&Command::Bell)
    );
    // bell = false in the config: never.
    m.bell = false;
    let mut other = inc(9, Severity::High, Status::Triggered, "quiet", "");
    other.owner = Some("alex".into());
    assert!(
        !update(
            &mut m,
            Msg::Feed(FeedEvent::Polled {
                incidents: vec![other],
                full: false,
                resume: None,
            })
        )
        .contains(&Command::Bell)
    );
}

fn shift_for_alex(to: Option<&str>) -> crate::handoff::Shift {
    crate::handoff::Shift {
        from: "alex".into(),
        to: to.map(str::to_string),
        since: t0() - chrono::Duration::hours(8),
        now: t0(),
        incidents: Vec::new(),
    }
}

#[test]
fn h_gathers_the_shift_then_enter_saves_and_sends_the_note() {
    let mut m = polled();
    assert_eq!(
        ch(&mut m, 'H'),
        vec![Command::Feed(Request::PrepareHandoff {
            me: "alex".into(),
            now: t0()
        })]
    );
    assert!(ch(&mut m, 'H').is_empty(), "one at a time");
    update(
        &mut m,
        Msg::Worker(WorkerEvent::HandoffReady(Ok(shift_for_alex(Some("sam"))))),
    );
    assert!(
        matches!(m.mode, Mode::Handoff { to: None, .. }),
        "{:?}",
        m.mode
    );
    typed(&mut m, "db-1 is fragile");
    let cmds = key(&mut m, KeyCode::Enter);
    match &cmds[..] {
        [
            Command::Feed(Request::SendHandoff {
                from,
                to,
                note,
                dir,
                ..
            }),
        ] => {
            assert_eq!((from.as_str(), to.as_deref()), ("alex", Some("sam")));
            assert!(
                note.starts_with("# Hand-off from alex to sam")
                    && note.ends_with("db-1 is fragile\n"),
                "{note}"
            );
            assert!(dir.ends_with("handoffs"));
        }
        other => panic!("{other:?}"),
    }
    let done = crate::incident::Handoff {
        id: 3,
        from: "alex".into(),
        to: "sam".into(),
        at: t0(),
        note: String::new(),
        moved: vec![2, 1],
        until: None,
    };
    update(
        &mut m,
        Msg::Worker(WorkerEvent::HandedOff {
            saved: Some(Ok("/data/handoffs/n.md".into())),
            result: Ok(done),
        }),
    );
    assert_eq!(
        m.message.clone().unwrap().text,
        "Handed over to sam: 2 incidents moved; the note is in /data/handoffs/n.md."
    );
}

#[test]
fn a_hand_off_the_hub_did_not_take_says_where_the_note_is() {
    let mut m = polled();
    ch(&mut m, 'H');
    update(
        &mut m,
        Msg::Worker(WorkerEvent::HandoffReady(Ok(shift_for_alex(None)))),
    );
    assert!(
        matches!(m.mode, Mode::Handoff { to: Some(_), .. }),
        "no rota: asks who first"
    );
    key(&mut m, KeyCode::Enter);
    assert!(m.message.clone().unwrap().error, "a name is needed");
    typed(&mut m, "priya");
    key(&mut m, KeyCode::Enter);
    let cmds = key(&mut m, KeyCode::Enter);
    assert!(
        matches!(&cmds[..], [Command::Feed(Request::SendHandoff { to: Some(t), .. })] if t == "priya"),
        "{cmds:?}"
    );
    // The hub is down: the note is on disk, the hand-off waits in the outbox.
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Queued {
            ticket: None,
            what: "hand-off to priya".into(),
        }),
    );
    let msg = m.message.clone().unwrap();
    assert!(
        msg.text
            .starts_with("Queued hand-off to priya: the hub cannot be reached"),
        "{msg:?}"
    );
    // The hub refuses it when it is back: said, with where the note is.
    update(
        &mut m,
        Msg::Worker(WorkerEvent::HandedOff {
            saved: Some(Ok("/d/n.md".into())),
            result: Err(FeedError::Rejected {
                status: 400,
                code: "bad_request".into(),
                message: "'priya' is not a responder of this hub".into(),
                incident: None,
            }),
        }),
    );
    let msg = m.message.clone().unwrap();
    assert!(msg.error && msg.text.contains("The hub refused the hand-off: 'priya' is not a responder of this hub; the note is in /d/n.md"), "{msg:?}");
    // Esc cancels without sending.
    ch(&mut m, 'H');
    update(
        &mut m,
        Msg::Worker(WorkerEvent::HandoffReady(Ok(shift_for_alex(Some("sam"))))),
    );
    assert!(key(&mut m, KeyCode::Esc).is_empty());
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn a_hand_off_to_me_opens_until_dismissed_and_stays_dismissed() {
    let mut m = polled();
    let note = crate::incident::Handoff {
        id: 4,
        from: "sam".into(),
        to: "alex".into(),
        at: t0(),
        note: "# Hand-off\n\nall quiet".into(),
        moved: vec![],
        until: Some(t0() + chrono::Duration::hours(8)),
    };
    update(
        &mut m,
        Msg::Feed(FeedEvent::Rota {
            oncall: oncall_alex_then_sam(),
            handoff: Some(note.clone()),
        }),
    );
    assert_eq!(m.mode, Mode::ReadHandoff { scroll: 0 });
    ch(&mut m, 'j');
    assert_eq!(m.mode, Mode::ReadHandoff { scroll: 1 });
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        vec![Command::RememberDismissed(4)]
    );
    assert_eq!(m.mode, Mode::Normal);
    update(
        &mut m,
        Msg::Feed(FeedEvent::Rota {
            oncall: oncall_alex_then_sam(),
            handoff: Some(note.clone()),
        }),
    );
    assert_eq!(m.mode, Mode::Normal, "dismissed stays dismissed");
    // One for someone else, or from a shift long over, does not open.
    let mut old = note.clone();
    old.id = 5;
    old.until = Some(t0() - chrono::Duration::hours(1));
    update(
        &mut m,
        Msg::Feed(FeedEvent::Rota {
            oncall: oncall_alex_then_sam(),
            handoff: Some(old),
        }),
    );
    assert_eq!(m.mode, Mode::Normal);
    // Arriving while typing a note waits for the prompt to close.
    let mut fresh = note;
    fresh.id = 6;
    ch(&mut m, 'n');
    update(
        &mut m,
        Msg::Feed(FeedEvent::Rota {
            oncall: oncall_alex_then_sam(),
            handoff: Some(fresh),
        }),
    );
    assert!(matches!(m.mode, Mode::Prompt { .. }));
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::ReadHandoff { scroll: 0 });
}

#[test]
fn an_alertmanager_feed_says_what_it_cannot_do() {
    let mut m = polled();
    m.feed.hub = false;
    for (c, words) in [
        ('e', "Escalation needs the oncall hub"),
        ('r', "resolving needs the oncall hub"),
        ('n', "notes need the oncall hub"),
        ('H', "Hand-off needs the oncall hub"),
        (' ', "shared runbook steps need the oncall hub"),
    ] {
        assert!(ch(&mut m, c).is_empty(), "{c}");
        assert_eq!(m.mode, Mode::Normal, "{c}");
        let msg = m.message.clone().unwrap();
        assert!(msg.error && msg.text.contains(words), "{c}: {msg:?}");
    }
    assert_eq!(
        ch(&mut m, 'a').len(),
        1,
        "acknowledge still works: it becomes a silence"
    );
}

#[test]
fn a_change_that_cannot_be_sent_waits_in_the_outbox_and_says_so() {
    let mut m = polled();
    ch(&mut m, 'a');
    update(&mut m, Msg::Worker(WorkerEvent::Waiting(1)));
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Queued {
            ticket: Some(1),
            what: "acknowledge #2".into(),
        }),
    );
    assert!(m.pending_for(2).unwrap().queued);
    assert_eq!(m.waiting, 1);
    let msg = m.message.clone().unwrap();
    assert!(
        msg.text
            .starts_with("Queued acknowledge #2: the hub cannot be reached"),
        "{msg:?}"
    );
    // The hub is back: the answer clears it.
    let mut acked = m.incident(2).unwrap().clone();
    acked.status = Status::Acknowledged;
    acked.owner = Some("alex".into());
    acked.version = 2;
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Acted {
            ticket: 1,
            id: 2,
            result: Ok(acked),
        }),
    );
    update(&mut m, Msg::Worker(WorkerEvent::Waiting(0)));
    assert!(m.pending.is_empty() && m.waiting == 0);
    // One kept from an earlier run, refused now: reported, once.
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Replayed {
            what: "note #3".into(),
            result: Err(FeedError::Rejected {
                status: 404,
                code: "not_found".into(),
                message: "there is no incident #3".into(),
                incident: None,
            }),
        }),
    );
    assert_eq!(
        m.message.clone().unwrap().text,
        "The hub refused note #3, kept from before: there is no incident #3."
    );
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
    super::restore(&mut m, cached);
    assert_eq!(m.resume.as_ref().map(|r| r.cursor), Some(3));
    update(&mut m, Msg::Resize(120, 40));
    assert_eq!(ids(&m), [4]);
    assert_eq!(m.selected, Some(4));
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
    assert!(m.cache_due);
    let cmds = update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(1)));
    // The incidents and the cursor they are as of are saved together.
    assert!(
        matches!(&cmds[..], [Command::SaveCache(c)]
            if c.incidents.len() == 1 && c.resume.as_ref().map(|r| r.cursor) == Some(7)),
        "{cmds:?}"
    );
    if let [Command::SaveCache(c)] = &cmds[..] {
        assert!(
            Arc::ptr_eq(&c.incidents, &m.incidents),
            "the cache is written from the list itself, not a copy of it"
        );
    }
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![],
            full: false,
            resume: None,
        }),
    );
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
fn the_clock_redraws_only_when_an_age_on_screen_changes() {
    // Opened half a minute off the minute: ages turn at :30, not at :00.
    let mut m = polled();
    for inc in Arc::make_mut(&mut m.incidents) {
        inc.created_at -= chrono::Duration::seconds(30);
    }
    live_at(&mut m, 15);
    assert!(!live_at(&mut m, 28), "no age has turned yet");
    assert!(live_at(&mut m, 31), "ages turned at :30 past");
    assert!(
        !live_at(&mut m, 61),
        "the wall-clock minute alone changes nothing on screen"
    );
}

#[test]
fn the_clock_ignores_ages_of_rows_scrolled_out_of_view() {
    let mut m = polled();
    m.size = (120, 12);
    let rows = crate::console::layout::list_rows(m.size, None);
    // Rows in view opened on the minute; one far below opened at :30.
    let mut many: Vec<Incident> = (1..=rows as u64 + 5)
        .map(|id| inc(id, Severity::Warning, Status::Triggered, "disk", ""))
        .collect();
    let last = many.len() - 1;
    many[last].created_at -= chrono::Duration::seconds(30);
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: many,
            full: true,
            resume: None,
        }),
    );
    live_at(&mut m, 15);
    assert!(!live_at(&mut m, 31), "only an unseen row's age turned");
    assert!(live_at(&mut m, 61), "rows in view turned");
}

/// The clock at `secs` past t0 with the feed answering as usual (an
/// unchanged poll two seconds before); whether the screen needs drawing again.
fn live_at(m: &mut Model, secs: i64) -> bool {
    update(m, Msg::Tick(t0() + chrono::Duration::seconds(secs - 2)));
    update(m, Msg::Feed(FeedEvent::Unchanged));
    m.take_dirty();
    update(m, Msg::Tick(t0() + chrono::Duration::seconds(secs)));
    update(m, Msg::Feed(FeedEvent::Unchanged));
    m.take_dirty()
}
