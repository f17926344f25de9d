//! Writing the hand-off note from a shift's incidents. Pure: the same shift
//! gives the same note, so it is tested line by line.
use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};

use crate::incident::{EventKind, Followup, Incident, Squash, SquashState, Status, level_name};
use crate::runbook::{Library, markdown};

/// An acknowledged incident with nothing in its timeline for this long is
/// called out: somebody holds it, but is anybody working it?
pub const UNTOUCHED: Duration = Duration::hours(2);

/// An alert that repeated this many times is worth tuning.
pub const NOISY_REPEATS: u64 = 5;

/// Resolved by the monitor that opened it within this long: it fixed itself.
const SELF_RESOLVED: Duration = Duration::minutes(15);

/// What the note is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// The outgoing responder.
    pub from: String,
    /// The incoming one, when the rota (or the responder) names them.
    pub to: Option<String>,
    /// When the outgoing shift began.
    pub since: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// Open incidents and those resolved since `since`, with their timelines.
    pub incidents: Vec<Incident>,
    /// The squashes in force or scheduled at `since` or later, and those
    /// that ended since: made, expired or removed during the shift, or
    /// still quieting alerts for the next one.
    pub squashes: Vec<Squash>,
    /// Every open follow-up, whoever owns it, in the hub's order (overdue
    /// first): listed in every note until done or dropped.
    pub followups: Vec<Followup>,
}

/// The note in markdown. `words` is the responder's own line, if any. The
/// note is printed, shown, saved and sent as it is, so it is cleaned whole:
/// whatever its parts held, no escape sequence, control character (but the
/// newlines) or bidi override is in it.
pub fn compose(shift: &Shift, library: &Library, words: &str) -> String {
    crate::sanitize::clean(&write(shift, library, words), true)
}

fn write(shift: &Shift, library: &Library, words: &str) -> String {
    let mut out = String::new();
    let to = shift.to.as_deref().unwrap_or("the next responder");
    let _ = writeln!(out, "# Hand-off from {} to {to}", shift.from);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} · shift since {}",
        stamp(shift.now),
        stamp(shift.since)
    );

    let mut open: Vec<&Incident> = shift
        .incidents
        .iter()
        .filter(|i| i.status.is_open())
        .collect();
    open.sort_by_key(|i| (i.severity, std::cmp::Reverse(i.created_at)));
    section(&mut out, "Open", open.len());
    for inc in &open {
        let _ = writeln!(out, "- {}", headline(inc));
        let owner = inc.owner.as_deref().unwrap_or("nobody");
        let _ = writeln!(
            out,
            "  - owner {owner} · {} · {}{}",
            inc.status,
            level_name(inc.escalation_level),
            repeats(inc)
        );
        if let Some(note) = last_note(inc) {
            let _ = writeln!(
                out,
                "  - last note ({}, {}): {}",
                note.who,
                stamp(note.at),
                one_line(&note.text)
            );
        }
        for (runbook, done) in &inc.steps {
            let _ = writeln!(
                out,
                "  - runbook {runbook}: {}",
                steps(library, runbook, done)
            );
        }
    }

    let mine: Vec<String> = open
        .iter()
        .filter(|i| i.owner.as_deref() == Some(shift.from.as_str()))
        .map(|i| format!("#{}", i.id))
        .collect();
    section(
        &mut out,
        &format!("Moving from {} to {to}", shift.from),
        mine.len(),
    );
    if !mine.is_empty() {
        let _ = writeln!(out, "{}", mine.join(", "));
    }

    let resolved: Vec<&Incident> = shift
        .incidents
        .iter()
        .filter(|i| i.status == Status::Resolved && i.updated_at >= shift.since)
        .collect();
    section(&mut out, "Resolved this shift", resolved.len());
    for inc in &resolved {
        let _ = writeln!(out, "- {}", headline(inc));
        if let Some(r) = inc
            .timeline
            .iter()
            .rev()
            .find(|e| e.kind == EventKind::Resolved)
        {
            let text = if r.text.is_empty() {
                String::new()
            } else {
                format!(": {}", one_line(&r.text))
            };
            let _ = writeln!(out, "  - resolved by {} at {}{text}", r.who, stamp(r.at));
        }
        for note in inc.timeline.iter().filter(|e| e.kind == EventKind::Note) {
            let _ = writeln!(out, "  - note ({}): {}", note.who, one_line(&note.text));
        }
    }

    let stale: Vec<&&Incident> = open
        .iter()
        .filter(|i| i.status == Status::Acknowledged && shift.now - last_touch(i) >= UNTOUCHED)
        .collect();
    section(
        &mut out,
        "Acknowledged but untouched for 2h or more",
        stale.len(),
    );
    for inc in stale {
        let owner = inc.owner.as_deref().unwrap_or("nobody");
        let _ = writeln!(
            out,
            "- {} (held by {owner}, last touched {})",
            headline(inc),
            stamp(last_touch(inc))
        );
    }

    followups(&mut out, &shift.followups);

    let noise: Vec<(&Incident, String)> = shift
        .incidents
        .iter()
        .filter_map(|i| noise(i).map(|why| (i, why)))
        .collect();
    section(&mut out, "Noise to squash", noise.len());
    for (inc, why) in noise {
        let _ = writeln!(out, "- {} ({why})", headline(inc));
    }

    section(&mut out, "Squashes", shift.squashes.len());
    for squash in &shift.squashes {
        let _ = writeln!(
            out,
            "- #{} {}: {}",
            squash.id,
            squash.matchers_text(),
            one_line(&squash.reason)
        );
        let _ = writeln!(
            out,
            "  - made by {} at {} · {}",
            squash.created_by,
            stamp(squash.created_at),
            squash_state(squash, shift.now)
        );
    }

    let _ = writeln!(out, "\n## From {}\n", shift.from);
    let words = words.trim();
    let _ = writeln!(
        out,
        "{}",
        if words.is_empty() {
            "(nothing added)"
        } else {
            words
        }
    );
    out
}

/// The open follow-ups, overdue ones first and marked; no section when
/// there are none, so a quiet shift's note stays short.
fn followups(out: &mut String, followups: &[Followup]) {
    let mut open: Vec<&Followup> = followups.iter().filter(|f| f.is_open()).collect();
    if open.is_empty() {
        return;
    }
    open.sort_by_key(|f| !f.overdue);
    section(out, "Open follow-ups", open.len());
    for f in open {
        let due = match (f.due, f.overdue) {
            (Some(due), true) => format!(" · OVERDUE since {}", stamp(due)),
            (Some(due), false) => format!(" · due {}", stamp(due)),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            out,
            "- follow-up #{} for {}: {}{due}",
            f.id,
            f.owner,
            one_line(&f.text)
        );
        let _ = writeln!(
            out,
            "  - from #{} {} · added by {} at {}",
            f.incident_id,
            one_line(&f.incident_title),
            f.created_by,
            stamp(f.created_at)
        );
    }
}

/// Where a squash stands at `now`, as the next shift needs to know it.
fn squash_state(squash: &Squash, now: DateTime<Utc>) -> String {
    match (squash.state(now), &squash.removed_by, squash.removed_at) {
        (SquashState::Over, Some(who), Some(at)) => format!("removed by {who} at {}", stamp(at)),
        (SquashState::Over, _, _) => format!("expired at {}", stamp(squash.until)),
        (SquashState::Scheduled, _, _) => format!(
            "maintenance window from {} until {}",
            stamp(squash.starts),
            stamp(squash.until)
        ),
        (SquashState::InForce, _, _) => format!("in force until {}", stamp(squash.until)),
    }
}

fn section(out: &mut String, title: &str, count: usize) {
    let _ = writeln!(out, "\n## {title} ({count})\n");
    if count == 0 {
        let _ = writeln!(out, "None.");
    }
}

fn headline(inc: &Incident) -> String {
    format!(
        "#{} [{}] {} ({})",
        inc.id, inc.severity, inc.title, inc.service
    )
}

fn repeats(inc: &Incident) -> String {
    if inc.occurrences > 1 {
        format!(" · repeated ×{}", inc.occurrences)
    } else {
        String::new()
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn last_note(inc: &Incident) -> Option<&crate::incident::TimelineEntry> {
    inc.timeline
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::Note)
}

/// When a person last did something to it (repeats of the alert and the
/// hub's reports of its pages do not count).
fn last_touch(inc: &Incident) -> DateTime<Utc> {
    inc.timeline
        .iter()
        .rev()
        .find(|e| !matches!(e.kind, EventKind::Repeated | EventKind::Paged))
        .map_or(inc.created_at, |e| e.at)
}

fn steps(library: &Library, runbook: &str, done: &BTreeSet<u32>) -> String {
    let total = library
        .get(runbook)
        .map(|rb| markdown::render(&rb.body, 80, &BTreeSet::new()).steps.len());
    let list: Vec<String> = done.iter().map(|s| (s + 1).to_string()).collect();
    match total {
        Some(total) => format!(
            "{} of {total} steps done (step {})",
            done.len(),
            list.join(", ")
        ),
        None => format!("steps {} done", list.join(", ")),
    }
}

/// Why an incident looks like noise, if it does.
fn noise(inc: &Incident) -> Option<String> {
    if inc.occurrences >= NOISY_REPEATS {
        return Some(format!("repeated {} times", inc.occurrences));
    }
    if inc.status != Status::Resolved {
        return None;
    }
    let opened = inc.timeline.iter().find(|e| e.kind == EventKind::Opened)?;
    let resolved = inc
        .timeline
        .iter()
        .rev()
        .find(|e| e.kind == EventKind::Resolved)?;
    let took = resolved.at - opened.at;
    (resolved.who == opened.who && took <= SELF_RESOLVED)
        .then(|| format!("resolved by itself after {} min", took.num_minutes().max(1)))
}

#[cfg(test)]
mod tests;
