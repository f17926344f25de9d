//! Text from feeds is untrusted: monitoring systems and other people write it,
//! and a terminal obeys escape sequences. Everything that reaches the screen
//! passes through here once, when it arrives.
use std::collections::{BTreeMap, BTreeSet};

use crate::incident::{Handoff, Incident, OnCall, Targets};

/// Removes escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC
/// forms), C0 and C1 control characters and bidirectional overrides. Tabs
/// become a space; newlines are kept only when `keep_newlines` (descriptions
/// and notes have lines; titles and labels are one line).
pub fn clean(text: &str, keep_newlines: bool) -> String {
    strip(
        text,
        Keep {
            newlines: keep_newlines,
            tabs: false,
        },
    )
}

/// One line: newlines and tabs become spaces.
pub fn line(text: &str) -> String {
    clean(&text.replace(['\n', '\r'], " "), false)
}

/// A document whose layout means something (a runbook's markdown): as
/// `clean` with newlines, but tabs are kept, for code blocks to expand them.
pub fn document(text: &str) -> String {
    strip(
        text,
        Keep {
            newlines: true,
            tabs: true,
        },
    )
}

/// The first character of `text` that `clean` would remove (escape,
/// control, bidi), tabs and newlines included: an identifier has none.
pub fn first_unsafe(text: &str) -> Option<char> {
    text.chars().find(|&c| is_control(c) || is_bidi(c))
}

/// The first character of `text` a terminal would obey or that would
/// reorder it: as `first_unsafe`, but tabs and newlines are fine (free text
/// and documents have them).
pub fn first_obeyed(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c != '\t' && c != '\n' && (is_control(c) || is_bidi(c)))
}

/// What `c` (a character `first_unsafe` found) is, in words a sender can act
/// on: "an escape (U+001B)".
pub fn describe(c: char) -> String {
    let what = match c {
        '\u{1b}' => "an escape",
        '\u{80}'..='\u{9f}' => "a C1 control character",
        c if is_bidi(c) => "a bidirectional override",
        _ => "a control character",
    };
    format!("{what} (U+{:04X})", u32::from(c))
}

/// What a cleaning keeps that it otherwise would not.
#[derive(Debug, Clone, Copy)]
struct Keep {
    newlines: bool,
    tabs: bool,
}

fn strip(text: &str, keep: Keep) -> String {
    // Fast path: most text has nothing to remove.
    if !needs_stripping(text, keep) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 introducers: CSI, OSC, DCS, SOS, PM, APC as single code points.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' if keep.newlines => out.push('\n'),
            '\r' if keep.newlines => {}
            '\t' if keep.tabs => out.push('\t'),
            '\t' => out.push(' '),
            c if is_control(c) || is_bidi(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn needs_cleaning(text: &str, keep_newlines: bool) -> bool {
    needs_stripping(
        text,
        Keep {
            newlines: keep_newlines,
            tabs: false,
        },
    )
}

/// Whether `text` holds anything `strip` would remove. Printable ASCII is
/// checked a byte at a time (nearly all text is); anything else char by char.
fn needs_stripping(text: &str, keep: Keep) -> bool {
    let plain = |b: u8| {
        (0x20..0x7f).contains(&b) || (keep.newlines && b == b'\n') || (keep.tabs && b == b'\t')
    };
    // In blocks, without stopping early inside one, so the check vectorises.
    if text
        .as_bytes()
        .chunks(32)
        .all(|block| block.iter().fold(true, |ok, &b| ok & plain(b)))
    {
        return false;
    }
    text.chars().any(|c| is_suspect(c, keep))
}

fn is_suspect(c: char, keep: Keep) -> bool {
    if (c == '\n' && keep.newlines) || (c == '\t' && keep.tabs) {
        return false;
    }
    is_control(c) || is_bidi(c)
}

fn is_control(c: char) -> bool {
    c.is_control() // C0, DEL and C1
}

/// Bidirectional embeddings, overrides and isolates can make text display in
/// an order other than the one it is read in ("Trojan Source").
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string(chars),
        // Intermediate bytes then one final byte (e.g. "ESC ( B").
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        // Two-byte forms ("ESC c", "ESC 7"): the one character is dropped.
        Some(_) | None => {}
    }
}

/// Parameters and intermediates, up to and including the final byte.
fn skip_csi(chars: &mut Chars) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Not a CSI byte: the sequence was malformed; stop here and drop it.
            break;
        }
    }
}

/// OSC/DCS/SOS/PM/APC bodies end at BEL, ST (ESC \) or the C1 ST.
fn skip_string(chars: &mut Chars) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Cleans every text field of an incident in place.
pub fn incident(inc: &mut Incident) {
    for field in [
        &mut inc.title,
        &mut inc.service,
        &mut inc.dedup_key,
        &mut inc.source,
    ] {
        line_in_place(field);
    }
    for field in [
        &mut inc.owner,
        &mut inc.runbook,
        &mut inc.runbook_url,
        &mut inc.incident_manager,
        &mut inc.previous_owner,
        &mut inc.assigned_by,
    ]
    .into_iter()
    .flatten()
    {
        line_in_place(field);
    }
    for helper in &mut inc.helpers {
        line_in_place(helper);
    }
    if let Some(update) = &mut inc.status_update {
        line_in_place(&mut update.by);
        clean_in_place(&mut update.text, true);
    }
    clean_in_place(&mut inc.description, true);
    // Rebuilt only when something must change (names are the map's order).
    if inc
        .labels
        .iter()
        .any(|(k, v)| needs_cleaning(k, false) || needs_cleaning(v, false))
    {
        inc.labels = inc.labels.iter().map(|(k, v)| (line(k), line(v))).collect();
    }
    for entry in &mut inc.timeline {
        line_in_place(&mut entry.who);
        clean_in_place(&mut entry.text, true);
    }
    // Runbook ids are keys here; two that clean to the same id merge.
    if inc.steps.keys().any(|k| needs_cleaning(k, false)) {
        let mut steps: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for (runbook, done) in std::mem::take(&mut inc.steps) {
            steps.entry(line(&runbook)).or_default().extend(done);
        }
        inc.steps = steps;
    }
}

/// Cleans every text of who is on call and of the escalation policies.
pub fn oncall(oncall: &mut OnCall) {
    if let Some(now) = &mut oncall.now {
        line_in_place(&mut now.who);
    }
    if let Some(next) = &mut oncall.next {
        line_in_place(&mut next.who);
    }
    for policy in &mut oncall.policies {
        policy.services.iter_mut().for_each(line_in_place);
        for level in &mut policy.levels {
            line_in_place(&mut level.name);
            level.who.iter_mut().for_each(line_in_place);
            if let Targets::Named(names) = &mut level.targets {
                names.iter_mut().for_each(line_in_place);
            }
        }
    }
}

/// Cleans the names and the note of a hand-off.
pub fn handoff(h: &mut Handoff) {
    line_in_place(&mut h.from);
    line_in_place(&mut h.to);
    clean_in_place(&mut h.note, true);
}

/// Every name and sentence of a noise report, as it arrives from the hub.
pub fn report(r: &mut crate::report::NoiseReport) {
    line_in_place(&mut r.timezone);
    for a in &mut r.alerts {
        line_in_place(&mut a.alert);
        line_in_place(&mut a.service);
    }
    for s in &mut r.services {
        line_in_place(&mut s.service);
    }
    for p in &mut r.responders {
        line_in_place(&mut p.responder);
    }
    for a in &mut r.noisiest {
        line_in_place(&mut a.alert);
        line_in_place(&mut a.service);
        line_in_place(&mut a.action);
        if let Some(t) = &mut a.threshold {
            line_in_place(t);
        }
        a.squash = std::mem::take(&mut a.squash)
            .into_iter()
            .map(|(k, v)| (line(&k), line(&v)))
            .collect();
    }
}

/// `line`, without a new string when there is nothing to clean (nearly always:
/// a changed feed of 10,000 incidents is cleaned on every poll).
fn line_in_place(text: &mut String) {
    if needs_cleaning(text, false) {
        *text = line(text);
    }
}

fn clean_in_place(text: &mut String, keep_newlines: bool) {
    if needs_cleaning(text, keep_newlines) {
        *text = clean(text, keep_newlines);
    }
}

/// A squash as the hub sent it: its reason, matchers and names made inert.
pub fn squash(s: &mut crate::incident::Squash) {
    s.reason = line(&s.reason);
    s.created_by = line(&s.created_by);
    s.removed_by = s.removed_by.as_deref().map(line);
    s.matchers = std::mem::take(&mut s.matchers)
        .into_iter()
        .map(|(k, v)| (line(&k), line(&v)))
        .collect();
}

pub fn followup(f: &mut crate::incident::Followup) {
    f.incident_title = line(&f.incident_title);
    f.text = line(&f.text);
    f.owner = line(&f.owner);
    f.note = f.note.as_deref().map(line);
    f.created_by = line(&f.created_by);
    f.closed_by = f.closed_by.as_deref().map(line);
}

#[cfg(test)]
mod tests;
