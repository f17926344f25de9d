//! Text from feeds is untrusted: monitoring systems and other people write it,
//! and a terminal obeys escape sequences. Everything that reaches the screen
//! passes through here once, when it arrives.
use crate::incident::Incident;

/// Removes escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC
/// forms), C0 and C1 control characters and bidirectional overrides. Tabs
/// become a space; newlines are kept only when `keep_newlines` (descriptions
/// and notes have lines; titles and labels are one line).
pub fn clean(text: &str, keep_newlines: bool) -> String {
    // Fast path: most text has nothing to remove.
    if !needs_cleaning(text, keep_newlines) {
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
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines => {}
            '\t' => out.push(' '),
            c if is_control(c) || is_bidi(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// One line: newlines and tabs become spaces.
pub fn line(text: &str) -> String {
    clean(&text.replace(['\n', '\r'], " "), false)
}

/// Whether `text` holds anything `clean` would remove. Printable ASCII is
/// checked a byte at a time (nearly all text is); anything else char by char.
fn needs_cleaning(text: &str, keep_newlines: bool) -> bool {
    let plain = |b: u8| (0x20..0x7f).contains(&b) || (keep_newlines && b == b'\n');
    // In blocks, without stopping early inside one, so the check vectorises.
    if text
        .as_bytes()
        .chunks(32)
        .all(|block| block.iter().fold(true, |ok, &b| ok & plain(b)))
    {
        return false;
    }
    text.chars().any(|c| is_suspect(c, keep_newlines))
}

fn is_suspect(c: char, keep_newlines: bool) -> bool {
    if c == '\n' && keep_newlines {
        return false;
    }
    is_control(c) || is_bidi(c)
}

fn is_control(c: char) -> bool {
    c.is_control() // C0, DEL and C1
}

/// Bidirectional embeddings, overrides and isolates can make text display in
/// an order other than the one it is read in ("Trojan Source").
fn is_bidi(c: char) -> bool {
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
    for field in [&mut inc.owner, &mut inc.runbook, &mut inc.runbook_url]
        .into_iter()
        .flatten()
    {
        line_in_place(field);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(
            clean("disk /var 95% full — db-3", false),
            "disk /var 95% full — db-3"
        );
    }

    #[test]
    fn csi_and_osc_are_removed() {
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m", false), "red");
        assert_eq!(clean("a\u{1b}]0;pwned\u{7}b", false), "ab");
        assert_eq!(
            clean("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b", false),
            "alinkb"
        );
        assert_eq!(clean("a\u{1b}P+q\u{1b}\\b", false), "ab");
        assert_eq!(clean("a\u{9b}2Jb", false), "ab");
        assert_eq!(clean("a\u{1b}(Bb", false), "ab");
        assert_eq!(clean("a\u{1b}cb", false), "ab");
    }

    #[test]
    fn controls_and_bidi_are_removed() {
        assert_eq!(clean("a\u{7}\u{8}\u{0}b\u{202e}c\u{2066}d", false), "abcd");
        assert_eq!(clean("a\tb", false), "a b");
        assert_eq!(clean("a\r\nb", true), "a\nb");
        assert_eq!(line("a\nb"), "a b");
    }

    #[test]
    fn unterminated_sequences_do_not_swallow_the_world_forever() {
        assert_eq!(clean("a\u{1b}[", false), "a");
        assert_eq!(clean("a\u{1b}]title without end", false), "a");
        assert_eq!(clean("a\u{1b}", false), "a");
    }

    proptest::proptest! {
        /// A feed's list, however broken, is read or refused; what is read
        /// is inert once cleaned.
        #[test]
        fn any_feed_list_is_read_or_refused_and_cleaned(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            title in "[\\x00-\\x7f\\u{9b}\\u{202e}]{0,60}",
        ) {
            let _ = serde_json::from_slice::<crate::incident::IncidentList>(&bytes);
            let json = serde_json::json!({"cursor": 1, "incidents": [{
                "id": 1, "dedup_key": title, "title": title, "service": title, "severity": "info",
                "status": "triggered", "labels": {"k": title}, "description": title, "source": title,
                "created_at": "2026-11-23T03:00:00Z", "updated_at": "2026-11-23T03:00:00Z",
                "owner": title, "escalation_level": 1, "occurrences": 1, "version": 1,
                "timeline": [{"at": "2026-11-23T03:00:00Z", "who": title, "kind": "note", "text": title}]
            }]});
            let mut list: crate::incident::IncidentList = serde_json::from_value(json).unwrap();
            let inc = &mut list.incidents[0];
            incident(inc);
            let ok = |s: &str| s.chars().all(|c| !c.is_control() && !is_bidi(c));
            proptest::prop_assert!(ok(&inc.title) && ok(&inc.service) && ok(inc.owner.as_deref().unwrap_or("")));
            proptest::prop_assert!(inc.labels.values().all(&ok) && ok(&inc.timeline[0].who));
            proptest::prop_assert!(inc.timeline[0].text.chars().all(|c| c == '\n' || !c.is_control()));
        }

        #[test]
        fn output_never_holds_escape_or_control(s in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}]*") {
            let out = clean(&s, true);
            proptest::prop_assert!(out.chars().all(|c| c == '\n' || (!c.is_control() && !is_bidi(c))));
        }
    }
}
