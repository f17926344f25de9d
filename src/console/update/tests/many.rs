//! Many incidents at once: the list grouped by alert or service, groups
//! opened and closed, rows marked one by one or as a range, and an action
//! on a group or on the marked rows sent per incident, with one question
//! first, pending on each row, and what the hub refused kept on its row.
use super::*;
use crate::console::model::{Grouping, Row};

/// A storm: thirty "Disk /var on host-N" pages of one alert, beside the
/// polled list's three.
fn storm() -> Model {
    let mut m = polled();
    let mut incidents: Vec<Incident> = m.list.incidents.iter().cloned().collect();
    for n in 0..30 {
        let id = 100 + n;
        incidents.push(
            Incident::builder(id, &format!("Disk /var on host-{n}"), t0())
                .severity(if n == 7 {
                    Severity::Critical
                } else {
                    Severity::High
                })
                .status(Status::Triggered)
                .service("storage")
                .label("alertname", "DiskFull")
                .created_at(t0() - chrono::Duration::minutes(n as i64))
                .build(),
        );
    }
    poll(&mut m, incidents);
    m
}

/// What each row is: `#id`, or `=key(members)`.
fn rows(m: &Model) -> Vec<String> {
    m.list
        .rows
        .iter()
        .map(|r| match r {
            Row::Incident { index, member } => format!(
                "{}#{}",
                if *member { "  " } else { "" },
                m.list.incidents[*index].id
            ),
            Row::Group(g) => {
                let g = &m.list.groups[*g];
                format!("={}({})", g.key, g.members.len())
            }
        })
        .collect()
}

/// The requests `cmds` send: (incident, action).
fn acts(cmds: &[Command]) -> Vec<(u64, Action)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Feed(Request::Act { id, action, .. }) => Some((*id, action.clone())),
            _ => None,
        })
        .collect()
}

fn tickets(cmds: &[Command]) -> Vec<u64> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Feed(Request::Act { ticket, .. }) => Some(*ticket),
            _ => None,
        })
        .collect()
}

#[test]
fn equals_groups_by_alert_then_service_then_not() {
    let mut m = storm();
    assert_eq!(m.list.rows.len(), 33);
    ch(&mut m, '=');
    assert_eq!(m.list.grouping, Grouping::Alert);
    // The storm is one row where its worst member would be; the three
    // others, of one alert each, stay rows of their own.
    assert_eq!(rows(&m), ["#2", "=DiskFull(30)", "#1", "#3"]);
    let g = &m.list.groups[0];
    assert_eq!(
        (g.worst, g.triggered, g.acknowledged),
        (Severity::Critical, 30, 0)
    );
    assert!(
        said(&m).text.contains("grouped by alert: 1 group"),
        "{}",
        said(&m).text
    );
    ch(&mut m, '=');
    assert_eq!(m.list.grouping, Grouping::Service);
    assert_eq!(rows(&m)[1], "=storage(30)");
    ch(&mut m, '=');
    assert_eq!(m.list.grouping, Grouping::Off);
    assert_eq!(m.list.rows.len(), 33);
}

#[test]
fn without_an_alertname_the_service_and_title_shape_group() {
    let mut m = polled();
    let mut incidents: Vec<Incident> = m.list.incidents.iter().cloned().collect();
    for n in 0..3 {
        incidents.push(
            Incident::builder(50 + n, &format!("Queue {n} backed up"), t0())
                .service("billing")
                .build(),
        );
    }
    poll(&mut m, incidents);
    ch(&mut m, '=');
    assert!(
        rows(&m).contains(&"=billing: Queue # backed up(3)".to_string()),
        "{:?}",
        rows(&m)
    );
}

#[test]
fn enter_opens_a_group_to_its_members_and_closes_it_again() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, 'j');
    assert!(m.list.selected_group().is_some());
    // The group's worst member stands for it in the detail pane.
    assert_eq!(m.list.selected, Some(107));
    key(&mut m, KeyCode::Enter);
    assert_eq!(rows(&m).len(), 4 + 30);
    assert_eq!(rows(&m)[2], "  #107");
    assert!(
        m.list.selected_group().is_some(),
        "the cursor stays on the group"
    );
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    assert_eq!(m.list.selected, Some(100));
    // Enter on a member closes its group, the cursor on the group.
    key(&mut m, KeyCode::Enter);
    assert_eq!(rows(&m).len(), 4);
    assert_eq!(m.list.cursor, 1);
    assert!(m.list.selected_group().is_some());
}

#[test]
fn acknowledging_a_group_asks_once_then_sends_each_with_its_own_ticket() {
    let mut m = storm();
    // Three keys: group, acknowledge, yes (the storm's worst member is
    // critical, so the group is where the cursor already was).
    let mut m2 = storm();
    ch(&mut m2, 'j');
    assert_eq!(m2.list.selected, Some(107));
    ch(&mut m2, '=');
    assert!(
        m2.list.selected_group().is_some(),
        "grouping keeps the cursor on it"
    );
    ch(&mut m, '=');
    ch(&mut m, 'j');
    assert!(
        ch(&mut m, 'a').is_empty(),
        "nothing is sent before the answer"
    );
    assert_eq!(m.key_context(), crate::console::keys::Context::ConfirmBatch);
    let cmds = ch(&mut m, 'y');
    let sent = acts(&cmds);
    assert_eq!(sent.len(), 30);
    assert!(
        sent.iter()
            .all(|(_, a)| matches!(a, Action::Acknowledge { version: Some(_) }))
    );
    let mut ids: Vec<u64> = sent.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    assert_eq!(ids, (100..130).collect::<Vec<_>>());
    // Each its own ticket, so each its own Idempotency-Key in the outbox.
    let mut t = tickets(&cmds);
    t.dedup();
    assert_eq!(t.len(), 30);
    // Pending on every member's row.
    assert!((100..130).all(|id| m.pending_for(id).is_some()));
    assert_eq!(m.mode, Mode::Normal);
}

#[test]
fn any_other_key_cancels_the_question() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, 'j');
    ch(&mut m, 'a');
    assert!(ch(&mut m, 'x').is_empty());
    assert!(said(&m).text.starts_with("Cancelled"), "{}", said(&m).text);
    assert!(m.actions.pending.is_empty());
}

#[test]
fn answers_are_summed_up_and_refusals_kept_on_their_rows() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, 'j');
    ch(&mut m, 'a');
    let cmds = ch(&mut m, 'y');
    let sent: Vec<(u64, u64)> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Feed(Request::Act { ticket, id, .. }) => Some((*ticket, *id)),
            _ => None,
        })
        .collect();
    for (n, (ticket, id)) in sent.iter().enumerate() {
        let result = if n < 2 {
            Err(FeedError::Rejected {
                status: 409,
                code: "resolved".into(),
                message: "it is resolved".into(),
                incident: None,
            })
        } else {
            let mut inc = m.incident(*id).unwrap().clone();
            inc.status = Status::Acknowledged;
            inc.owner = Some("alex".into());
            inc.version += 1;
            Ok(inc)
        };
        acted(&mut m, *ticket, *id, result);
        if n + 1 < sent.len() {
            assert!(
                !m.actions.batches.is_empty(),
                "not summed up before the last answer"
            );
        }
    }
    let text = said(&m).text;
    assert!(
        text.starts_with("Acknowledged 28 of 30; 2 not done"),
        "{text}"
    );
    assert!(m.actions.batches.is_empty() && m.actions.pending.is_empty());
    let refused: Vec<u64> = m.actions.refused.keys().copied().collect();
    assert_eq!(
        refused,
        vec![sent[0].1, sent[1].1]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        m.actions.refused[&sent[0].1],
        "the hub refused: it is resolved"
    );
    // A later action on the incident clears its mark.
    m.list.grouping = Grouping::Off;
    ch(&mut m, '=');
    ch(&mut m, '=');
    ch(&mut m, '=');
    let pos = m.list.rows.iter().position(|r| matches!(r, Row::Incident { index, .. } if m.list.incidents[*index].id == sent[0].1)).unwrap();
    m.list.cursor = pos;
    m.list.selected = Some(sent[0].1);
    ch(&mut m, 'n');
    typed(&mut m, "looked");
    key(&mut m, KeyCode::Enter);
    assert!(!m.actions.refused.contains_key(&sent[0].1));
}

#[test]
fn v_marks_rows_and_actions_go_to_the_marked_ones() {
    let mut m = storm();
    // #2 then the first storm incident: v marks and moves down.
    ch(&mut m, 'v');
    assert_eq!(m.list.cursor, 1);
    ch(&mut m, 'v');
    assert_eq!(m.list.marked.len(), 2);
    assert!(said(&m).text.starts_with("2 marked"), "{}", said(&m).text);
    // v again on a marked row unmarks it.
    ch(&mut m, 'k');
    ch(&mut m, 'v');
    assert_eq!(m.list.marked.len(), 1);
    ch(&mut m, 'j');
    ch(&mut m, 'v');
    // Resolve: the prompt says how many, Enter sends one each.
    ch(&mut m, 'r');
    assert_eq!(m.key_context(), crate::console::keys::Context::Resolve);
    typed(&mut m, "disk cleaned");
    let cmds = key(&mut m, KeyCode::Enter);
    let sent = acts(&cmds);
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|(_, a)| *a
        == Action::Resolve {
            note: Some("disk cleaned".into())
        }));
    assert!(
        m.list.marked.is_empty(),
        "what was sent is no longer marked"
    );
}

#[test]
fn shift_v_marks_a_range_and_esc_clears_marks_before_filters() {
    let mut m = storm();
    ch(&mut m, '!');
    ch(&mut m, 'v'); // #2, cursor to row 1
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    ch(&mut m, 'V'); // rows 0 to 4
    assert_eq!(m.list.marked.len(), 5);
    key(&mut m, KeyCode::Esc);
    assert!(m.list.marked.is_empty());
    assert!(m.list.quick.triggered, "the first Esc takes only the marks");
    key(&mut m, KeyCode::Esc);
    assert!(!m.list.quick.triggered);
}

#[test]
fn marking_a_group_marks_all_of_it_and_a_filter_unmarks_what_it_hides() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, 'j');
    ch(&mut m, 'v');
    assert_eq!(m.list.marked.len(), 30);
    ch(&mut m, '/');
    typed(&mut m, "host-1");
    key(&mut m, KeyCode::Enter);
    // host-1 and host-10 to host-19: only what is shown stays marked.
    assert_eq!(m.list.marked.len(), 11);
}

#[test]
fn one_at_a_time_keys_say_so_on_a_group() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, 'j');
    assert!(ch(&mut m, 'T').is_empty());
    assert!(said(&m).error);
    assert!(
        said(&m).text.contains("one incident at a time"),
        "{}",
        said(&m).text
    );
}

#[test]
fn a_group_of_incidents_already_mine_has_nothing_to_acknowledge() {
    let mut m = storm();
    let mine: Vec<Incident> = (100..130)
        .map(|id| {
            let mut inc = m.incident(id).unwrap().clone();
            inc.status = Status::Acknowledged;
            inc.owner = Some("alex".into());
            inc.version += 1;
            inc
        })
        .collect();
    delta(&mut m, mine);
    ch(&mut m, '=');
    ch(&mut m, 'j');
    assert!(ch(&mut m, 'a').is_empty());
    assert_eq!(m.mode, Mode::Normal);
    assert!(
        said(&m).text.contains("None of the 30"),
        "{}",
        said(&m).text
    );
}

#[test]
fn hash_opens_the_group_that_holds_the_incident() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, '#');
    typed(&mut m, "115");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.list.selected, Some(115));
    assert!(m.list.selected_group().is_none(), "on the member's own row");
    assert!(m.list.open.contains("DiskFull"));
}

#[test]
fn a_group_resolved_down_to_one_leaves_the_cursor_on_what_is_left() {
    let mut m = polled();
    let mut incidents: Vec<Incident> = m.list.incidents.iter().cloned().collect();
    for n in 0..3 {
        incidents.push(
            Incident::builder(60 + n, &format!("Disk /var on host-{n}"), t0())
                .severity(Severity::Critical)
                .status(Status::Triggered)
                .label("alertname", "DiskFull")
                .created_at(t0() - chrono::Duration::minutes(n as i64))
                .build(),
        );
    }
    poll(&mut m, incidents);
    ch(&mut m, '=');
    ch(&mut m, 'g');
    assert!(m.list.selected_group().is_some());
    // Two of the three resolved: no group any more; the cursor stays where
    // the group was, on the one still open, not among the resolved.
    let resolved: Vec<Incident> = [60, 61]
        .iter()
        .map(|id| {
            let mut inc = m.incident(*id).unwrap().clone();
            inc.status = Status::Resolved;
            inc.version += 1;
            inc
        })
        .collect();
    delta(&mut m, resolved);
    assert!(m.list.groups.is_empty());
    assert_eq!(m.list.row_incident(m.list.cursor).map(|i| i.id), Some(62));
    assert_eq!(m.list.selected, Some(62));
}

#[test]
fn a_new_page_of_the_storm_keeps_what_the_group_shows() {
    let mut m = storm();
    ch(&mut m, '=');
    ch(&mut m, 'j');
    assert_eq!(m.list.selected, Some(107));
    // A newer critical page of the same alert: first in the group now, but
    // the detail and runbook stay on what the responder was reading.
    let newer = Incident::builder(200, "Disk /var on host-99", t0())
        .severity(Severity::Critical)
        .status(Status::Triggered)
        .service("storage")
        .label("alertname", "DiskFull")
        .created_at(t0())
        .build();
    delta(&mut m, vec![newer]);
    assert!(m.list.selected_group().is_some_and(|g| g.has(200)));
    assert_eq!(m.list.selected, Some(107));
}

#[test]
fn acknowledging_leaves_out_what_others_hold_and_sends_the_versions_seen() {
    let mut m = storm();
    let held: Vec<Incident> = (100..103)
        .map(|id| {
            let mut inc = m.incident(id).unwrap().clone();
            inc.status = Status::Acknowledged;
            inc.owner = Some("sam".into());
            inc.version += 1;
            inc
        })
        .collect();
    delta(&mut m, held);
    ch(&mut m, '=');
    ch(&mut m, 'j');
    ch(&mut m, 'a');
    let Mode::Batch(ask) = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!((ask.ids.len(), ask.left_out), (27, 3));
    // #110 changes while the question is on screen: the version asked about
    // goes to the hub, which refuses it as changed.
    let seen = m.incident(110).unwrap().version;
    let mut moved = m.incident(110).unwrap().clone();
    moved.version += 1;
    moved.occurrences += 1;
    delta(&mut m, vec![moved]);
    let cmds = ch(&mut m, 'y');
    let sent = acts(&cmds);
    assert_eq!(sent.len(), 27);
    assert!(sent.contains(&(
        110,
        Action::Acknowledge {
            version: Some(seen)
        }
    )));
}

#[test]
fn the_help_scrolls_only_when_it_does_not_fit() {
    let mut m = storm();
    update(&mut m, Msg::Resize(80, 24));
    ch(&mut m, '?');
    ch(&mut m, 'j');
    assert_eq!(m.mode, Mode::Help { scroll: 1 });
    // Tall enough for all of it: j closes it, as any key does.
    update(&mut m, Msg::Resize(120, 60));
    ch(&mut m, 'x');
    ch(&mut m, '?');
    ch(&mut m, 'j');
    assert_eq!(m.mode, Mode::Normal);
}
