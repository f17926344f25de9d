//! The note's sections, built from a scripted shift.
use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::incident::{Severity, TimelineEntry};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap()
}

fn entry(t: DateTime<Utc>, who: &str, kind: EventKind, text: &str) -> TimelineEntry {
    TimelineEntry {
        at: t,
        who: who.into(),
        kind,
        text: text.into(),
        taken_at: None,
    }
}

fn incident(
    id: u64,
    severity: Severity,
    status: Status,
    title: &str,
    owner: Option<&str>,
    timeline: Vec<TimelineEntry>,
) -> Incident {
    Incident::builder(id, title, at(9, 0))
        .service("db")
        .severity(severity)
        .status(status)
        .source("alertmanager")
        .owner(owner)
        .timeline(timeline)
        .build()
}

/// A day shift of alice's, handed to bob at 20:00.
fn shift() -> Shift {
    use EventKind::*;
    let mut db = incident(
        1,
        Severity::Critical,
        Status::Acknowledged,
        "db-1 refusing connections",
        Some("alice"),
        vec![
            entry(at(18, 0), "alertmanager", Opened, "opened via alertmanager"),
            entry(at(18, 5), "alice", Acknowledged, ""),
            entry(
                at(19, 40),
                "alice",
                Note,
                "Vendor ticket\nopened, case 4471823",
            ),
        ],
    );
    db.steps.insert("database".into(), BTreeSet::from([0, 2]));
    db.escalation_level = 2;
    let mut flappy = incident(
        2,
        Severity::Warning,
        Status::Triggered,
        "HTTP 5xx on checkout",
        None,
        vec![
            entry(at(10, 0), "alertmanager", Opened, ""),
            entry(at(19, 0), "alertmanager", Repeated, "repeated (12 times)"),
        ],
    );
    flappy.occurrences = 12;
    let untouched = incident(
        3,
        Severity::High,
        Status::Acknowledged,
        "RAID degraded on db-2",
        Some("sam"),
        vec![
            entry(at(9, 0), "alertmanager", Opened, ""),
            entry(at(9, 30), "sam", Acknowledged, ""),
            entry(at(19, 30), "alertmanager", Repeated, ""),
            entry(
                at(19, 31),
                "the hub",
                Paged,
                "paged sam by email: delivered (250 OK)",
            ),
        ],
    );
    let fixed = incident(
        4,
        Severity::High,
        Status::Resolved,
        "Backup failed",
        Some("alice"),
        vec![
            entry(at(11, 0), "alertmanager", Opened, ""),
            entry(at(11, 10), "alice", Note, "Pruned old dumps"),
            entry(
                at(11, 30),
                "alice",
                Resolved,
                "space freed, backup rerun ok",
            ),
        ],
    );
    let blip = incident(
        5,
        Severity::Info,
        Status::Resolved,
        "Clock skew on worker-7",
        None,
        vec![
            entry(at(12, 0), "alertmanager", Opened, ""),
            entry(
                at(12, 4),
                "alertmanager",
                Resolved,
                "resolved by Alertmanager",
            ),
        ],
    );
    let bobs = incident(
        6,
        Severity::Warning,
        Status::Acknowledged,
        "Queue backlog",
        Some("bob"),
        vec![entry(at(19, 50), "bob", Acknowledged, "")],
    );
    Shift {
        from: "alice".into(),
        to: Some("bob".into()),
        since: at(8, 0),
        now: at(20, 0),
        incidents: vec![db, flappy, untouched, fixed, blip, bobs],
        squashes: Vec::new(),
        followups: Vec::new(),
    }
}

fn section<'a>(note: &'a str, title: &str) -> &'a str {
    let start = note
        .find(&format!("## {title}"))
        .unwrap_or_else(|| panic!("no section {title}:\n{note}"));
    let rest = &note[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

#[test]
fn the_header_names_both_responders_and_the_shift() {
    let note = compose(&shift(), &Library::shipped(), "");
    assert!(note.starts_with("# Hand-off from alice to bob\n\n2026-11-23 20:00 UTC · shift since 2026-11-23 08:00 UTC\n"), "{note}");
}

#[test]
fn open_incidents_with_owner_status_level_last_note_and_steps() {
    let note = compose(&shift(), &Library::shipped(), "");
    let open = section(&note, "Open");
    assert!(open.starts_with("## Open (4)"), "{open}");
    let db = open
        .split("\n- ")
        .find(|b| b.starts_with("#1 "))
        .expect("#1 listed");
    assert!(
        db.contains("#1 [critical] db-1 refusing connections (db)"),
        "{db}"
    );
    assert!(db.contains("owner alice · acknowledged · 2nd line"), "{db}");
    assert!(
        db.contains("last note (alice, 2026-11-23 19:40 UTC): Vendor ticket opened, case 4471823"),
        "{db}"
    );
    assert!(db.contains("runbook database: 2 of "), "{db}");
    assert!(db.contains("(step 1, 3)"), "{db}");
    // Most severe first.
    assert!(
        open.find("#1 ").unwrap() < open.find("#3 ").unwrap()
            && open.find("#3 ").unwrap() < open.find("#2 ").unwrap()
    );
}

#[test]
fn what_moves_is_exactly_what_the_outgoing_responder_holds() {
    let note = compose(&shift(), &Library::shipped(), "");
    let moving = section(&note, "Moving from alice to bob");
    assert!(
        moving.starts_with("## Moving from alice to bob (1)"),
        "{moving}"
    );
    assert!(
        moving.contains("#1") && !moving.contains("#6") && !moving.contains("#4"),
        "{moving}"
    );
}

#[test]
fn resolved_this_shift_with_their_notes() {
    let note = compose(&shift(), &Library::shipped(), "");
    let resolved = section(&note, "Resolved this shift");
    assert!(
        resolved.starts_with("## Resolved this shift (2)"),
        "{resolved}"
    );
    assert!(
        resolved
            .contains("resolved by alice at 2026-11-23 11:30 UTC: space freed, backup rerun ok"),
        "{resolved}"
    );
    assert!(
        resolved.contains("note (alice): Pruned old dumps"),
        "{resolved}"
    );
}

#[test]
fn acknowledged_and_untouched_ignores_repeats_and_pages() {
    let note = compose(&shift(), &Library::shipped(), "");
    let stale = section(&note, "Acknowledged but untouched");
    assert!(stale.contains("(1)"), "{stale}");
    assert!(
        stale.contains(
            "#3 [high] RAID degraded on db-2 (db) (held by sam, last touched 2026-11-23 09:30 UTC)"
        ),
        "{stale}"
    );
    assert!(
        !stale.contains("#1 "),
        "alice noted #1 20 minutes ago: {stale}"
    );
}

#[test]
fn noise_is_repeats_and_alerts_that_resolved_themselves() {
    let note = compose(&shift(), &Library::shipped(), "");
    let noise = section(&note, "Noise to squash");
    assert!(noise.starts_with("## Noise to squash (2)"), "{noise}");
    assert!(
        noise.contains("#2 [warning] HTTP 5xx on checkout (db) (repeated 12 times)"),
        "{noise}"
    );
    assert!(
        noise.contains("#5 [info] Clock skew on worker-7 (db) (resolved by itself after 4 min)"),
        "{noise}"
    );
    assert!(!noise.contains("#4 "), "a person resolved #4: {noise}");
}

#[test]
fn the_responders_own_words_close_the_note() {
    let note = compose(&shift(), &Library::shipped(), "  watch db-1 after 22:00  ");
    assert!(
        note.ends_with("## From alice\n\nwatch db-1 after 22:00\n"),
        "{note}"
    );
    let quiet = compose(
        &Shift {
            incidents: Vec::new(),
            to: None,
            ..shift()
        },
        &Library::shipped(),
        "",
    );
    assert!(
        quiet.starts_with("# Hand-off from alice to the next responder"),
        "{quiet}"
    );
    assert!(quiet.contains("## Open (0)\n\nNone."), "{quiet}");
    assert!(quiet.ends_with("(nothing added)\n"), "{quiet}");
}

#[test]
fn the_note_is_clean_whatever_the_shift_held() {
    // A shift read past the console's cleaning (an older client, a test):
    // raw sequences in a ticked runbook's id, names, notes and words.
    let evil = "\u{1b}]52;c;eA==\u{7}\u{1b}]0;t\u{7}\u{1b}[2J\u{1b}[?1049l\u{1b}P+q\u{1b}\\\u{9b}2J\u{9d}0;t\u{9c}\u{202e}";
    let mut raw = shift();
    raw.from = format!("alice{evil}");
    raw.to = Some(format!("bob{evil}"));
    let db = &mut raw.incidents[0];
    db.steps.insert(format!("disk{evil}"), BTreeSet::from([1]));
    db.title = format!("db-1 {evil}down");
    db.timeline
        .push(entry(at(19, 50), evil, EventKind::Note, evil));
    let note = compose(&raw, &Library::shipped(), evil);
    let bad: Vec<char> = note
        .chars()
        .filter(|&c| c != '\n' && (c.is_control() || crate::sanitize::is_bidi(c)))
        .collect();
    assert!(bad.is_empty(), "{bad:?} in {note}");
    assert!(note.contains("  - runbook disk: steps 2 done"), "{note}");
    assert!(note.starts_with("# Hand-off from alice to bob\n"), "{note}");
}

fn squash(id: u64, starts: DateTime<Utc>, until: DateTime<Utc>, reason: &str) -> Squash {
    Squash {
        id,
        matchers: [("alertname", "DiskFull"), ("service", "db")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        starts,
        until,
        reason: reason.into(),
        created_by: "alice".into(),
        created_at: starts,
        removed_by: None,
        removed_at: None,
    }
}

#[test]
fn the_shifts_squashes_say_what_quiets_alerts_and_what_stopped() {
    let mut removed = squash(3, at(10, 0), at(16, 0), "disk swap");
    removed.removed_by = Some("bob".into());
    removed.removed_at = Some(at(12, 30));
    let shift = Shift {
        squashes: vec![
            squash(2, at(9, 0), at(11, 0), "noisy during the\nbackup"),
            removed,
            squash(4, at(19, 0), at(23, 0), "reindex"),
            squash(5, at(22, 0), at(23, 30), "db upgrade"),
        ],
        ..shift()
    };
    let note = compose(&shift, &Library::shipped(), "");
    assert_eq!(
        section(&note, "Squashes"),
        "## Squashes (4)\n\n\
         - #2 alertname=DiskFull, service=db: noisy during the backup\n\
         \x20 - made by alice at 2026-11-23 09:00 UTC · expired at 2026-11-23 11:00 UTC\n\
         - #3 alertname=DiskFull, service=db: disk swap\n\
         \x20 - made by alice at 2026-11-23 10:00 UTC · removed by bob at 2026-11-23 12:30 UTC\n\
         - #4 alertname=DiskFull, service=db: reindex\n\
         \x20 - made by alice at 2026-11-23 19:00 UTC · in force until 2026-11-23 23:00 UTC\n\
         - #5 alertname=DiskFull, service=db: db upgrade\n\
         \x20 - made by alice at 2026-11-23 22:00 UTC · maintenance window from 2026-11-23 22:00 UTC until 2026-11-23 23:30 UTC\n"
    );
    let quiet = compose(&shift_without_squashes(), &Library::shipped(), "");
    assert!(quiet.contains("## Squashes (0)\n\nNone."), "{quiet}");
}

fn shift_without_squashes() -> Shift {
    shift()
}

fn followup(id: u64, owner: &str, due: Option<DateTime<Utc>>, overdue: bool) -> Followup {
    Followup {
        id,
        incident_id: 1,
        incident_title: "db-1 refusing\nconnections".into(),
        text: format!("task {id}"),
        owner: owner.into(),
        due,
        status: crate::incident::FollowupStatus::Open,
        note: None,
        created_by: "alice".into(),
        created_at: at(10, 0),
        closed_by: None,
        closed_at: None,
        overdue,
    }
}

#[test]
fn every_open_followup_is_listed_overdue_first() {
    let shift = Shift {
        followups: vec![
            followup(2, "bob", Some(at(23, 0)), false),
            followup(3, "carol", Some(at(19, 0)), true),
            followup(4, "alice", None, false),
        ],
        ..shift()
    };
    let note = compose(&shift, &Library::shipped(), "");
    assert_eq!(
        section(&note, "Open follow-ups"),
        "## Open follow-ups (3)\n\n\
         - follow-up #3 for carol: task 3 · OVERDUE since 2026-11-23 19:00 UTC\n\
         \x20 - from #1 db-1 refusing connections · added by alice at 2026-11-23 10:00 UTC\n\
         - follow-up #2 for bob: task 2 · due 2026-11-23 23:00 UTC\n\
         \x20 - from #1 db-1 refusing connections · added by alice at 2026-11-23 10:00 UTC\n\
         - follow-up #4 for alice: task 4\n\
         \x20 - from #1 db-1 refusing connections · added by alice at 2026-11-23 10:00 UTC\n"
    );
    let none = compose(&shift_without_squashes(), &Library::shipped(), "");
    assert!(!none.contains("follow-up"), "{none}");
}
