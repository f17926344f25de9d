//! The limits on what clients may send. Each refusal names the limit, so the
//! sender can fix the request without reading our code.
//!
//! Free text (titles, descriptions, label values, notes) is stored as sent
//! and cleaned wherever it is shown. Identifiers and names (service, dedup
//! key, label names, runbook ids, responder names) are compared, used as keys
//! and printed bare, so a control character, an escape sequence or a bidi
//! override in one is refused.
use crate::incident::limits::*;
use crate::incident::{HandoffRequest, NewIncident, NewSquash, StepRequest};

use super::error::ApiError;

/// Checks `new` and returns it tidied: title, service and dedup key trimmed,
/// an empty dedup key treated as none.
pub fn new_incident(mut new: NewIncident) -> Result<NewIncident, ApiError> {
    new.title = required("title", &new.title, MAX_TITLE_CHARS)?;
    new.service = required("service", &new.service, MAX_SERVICE_CHARS)?;
    identifier("service", &new.service)?;
    new.dedup_key = match new.dedup_key.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(key) => {
            if key.chars().count() > MAX_DEDUP_KEY_CHARS {
                return Err(ApiError::bad_request(format!(
                    "dedup_key is longer than {MAX_DEDUP_KEY_CHARS} characters"
                )));
            }
            identifier("dedup_key", key)?;
            Some(key.to_string())
        }
    };
    for (field, value) in [
        ("runbook", &new.runbook),
        ("runbook_url", &new.runbook_url),
        ("source", &new.source),
    ] {
        if let Some(value) = value {
            identifier(field, value)?;
        }
    }
    if new.description.len() > MAX_DESCRIPTION_BYTES {
        return Err(ApiError::bad_request(format!(
            "description is longer than {} KiB",
            MAX_DESCRIPTION_BYTES / 1024
        )));
    }
    if new.labels.len() > MAX_LABELS {
        return Err(ApiError::bad_request(format!(
            "an incident may carry at most {MAX_LABELS} labels, this one has {}",
            new.labels.len()
        )));
    }
    for (key, value) in &new.labels {
        identifier("a label name", key)?;
        if key.chars().count() > MAX_LABEL_KEY_CHARS {
            return Err(ApiError::bad_request(format!(
                "label names are at most {MAX_LABEL_KEY_CHARS} characters; '{}...' is longer",
                key.chars().take(32).collect::<String>()
            )));
        }
        if value.chars().count() > MAX_LABEL_VALUE_CHARS {
            return Err(ApiError::bad_request(format!(
                "label values are at most {MAX_LABEL_VALUE_CHARS} characters; the value of '{}' is longer",
                key.chars().take(32).collect::<String>()
            )));
        }
    }
    Ok(new)
}

/// A squash: at least one matcher and no more than an incident has labels,
/// each a label name and a value fit to compare (names and values are
/// shown bare, so neither may hold control characters), and a reason. Its
/// times are checked by `rules::plan_squash`, which knows what now is.
pub fn squash(mut req: NewSquash) -> Result<NewSquash, ApiError> {
    if req.matchers.is_empty() {
        return Err(ApiError::bad_request(
            "a squash needs at least one matcher, like {\"alertname\": \"DiskFull\"}: with none it would quiet everything",
        ));
    }
    if req.matchers.len() > MAX_LABELS {
        return Err(ApiError::bad_request(format!(
            "a squash may have at most {MAX_LABELS} matchers"
        )));
    }
    let mut matchers = std::collections::BTreeMap::new();
    for (name, value) in std::mem::take(&mut req.matchers) {
        let name = required("a matcher's name", &name, MAX_LABEL_KEY_CHARS)?;
        identifier("a matcher's name", &name)?;
        let value = required(
            &format!("the value of matcher '{name}'"),
            &value,
            MAX_LABEL_VALUE_CHARS,
        )?;
        identifier(&format!("the value of matcher '{name}'"), &value)?;
        matchers.insert(name, value);
    }
    req.matchers = matchers;
    req.reason = required("reason", &req.reason, MAX_NOTE_BYTES)?;
    Ok(req)
}

/// The text of a note: something to say, and not a book.
pub fn note_text(text: &str) -> Result<&str, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request("a note needs some text"));
    }
    optional_note(Some(text)).map(|_| text)
}

/// A follow-up's text: like a note's, and one line of at most
/// [`MAX_FOLLOWUP_CHARS`] characters (it is listed, not read at length).
pub fn followup_text(text: &str) -> Result<&str, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request("text: a follow-up needs some text"));
    }
    if text.chars().count() > MAX_FOLLOWUP_CHARS {
        return Err(ApiError::bad_request(format!(
            "text: a follow-up is at most {MAX_FOLLOWUP_CHARS} characters; put the detail in a note"
        )));
    }
    Ok(text)
}

/// The longest follow-up text.
pub const MAX_FOLLOWUP_CHARS: usize = 500;

/// A runbook step: a runbook id as the library names them, a step number a
/// runbook could have.
pub fn step(mut req: StepRequest) -> Result<StepRequest, ApiError> {
    req.runbook = required("runbook", &req.runbook, MAX_RUNBOOK_CHARS)?;
    identifier("runbook", &req.runbook)?;
    if req.step >= MAX_STEPS {
        return Err(ApiError::bad_request(format!(
            "step must be below {MAX_STEPS}"
        )));
    }
    if let Some(t) = &req.text
        && t.chars().count() > MAX_STEP_TEXT_CHARS
    {
        return Err(ApiError::bad_request(format!(
            "a step's text is at most {MAX_STEP_TEXT_CHARS} characters"
        )));
    }
    Ok(req)
}

/// A hand-off: a note within its limit, and a `to` that is a name or absent
/// (blank counts as absent: the rota decides).
pub fn handoff(mut req: HandoffRequest) -> Result<HandoffRequest, ApiError> {
    if req.note.len() > MAX_HANDOFF_NOTE_BYTES {
        return Err(ApiError::bad_request(format!(
            "a hand-off note is at most {} KiB",
            MAX_HANDOFF_NOTE_BYTES / 1024
        )));
    }
    req.to = name("to", req.to.as_deref())?;
    Ok(req)
}

/// A responder's name given as a filter or a target (`?to=`, `"to"`): blank
/// is none; anything else must be fit to be a name.
pub fn name(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => {
            identifier(field, v)?;
            Ok(Some(v.to_string()))
        }
    }
}

/// Refuses an identifier or name holding anything a terminal would obey or
/// that would read in another order: control characters (escape sequences
/// start with one) and bidi overrides. The value itself is not echoed back.
pub fn identifier(field: &str, value: &str) -> Result<(), ApiError> {
    match crate::sanitize::first_unsafe(value) {
        None => Ok(()),
        Some(c) => Err(ApiError::bad_request(format!(
            "{field} holds {}: names and ids may not hold control characters, escape sequences or bidi overrides",
            crate::sanitize::describe(c)
        ))),
    }
}

/// The optional note of acknowledge, escalate and resolve.
pub fn optional_note(note: Option<&str>) -> Result<(), ApiError> {
    match note {
        Some(n) if n.len() > MAX_NOTE_BYTES => Err(ApiError::bad_request(format!(
            "a note is at most {} KiB",
            MAX_NOTE_BYTES / 1024
        ))),
        _ => Ok(()),
    }
}

fn required(field: &str, value: &str, max_chars: usize) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::bad_request(format!("{field} must not be empty")));
    }
    if value.chars().count() > max_chars {
        return Err(ApiError::bad_request(format!(
            "{field} is longer than {max_chars} characters"
        )));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewIncident {
        NewIncident {
            title: "  disk full  ".into(),
            service: " db ".into(),
            dedup_key: Some("  ".into()),
            ..NewIncident::default()
        }
    }

    #[test]
    fn tidies_a_valid_incident() {
        let v = new_incident(valid()).unwrap();
        assert_eq!(v.title, "disk full");
        assert_eq!(v.service, "db");
        assert_eq!(v.dedup_key, None);
    }

    #[test]
    fn refuses_each_limit_by_name() {
        let cases: Vec<(NewIncident, &str)> = vec![
            (
                NewIncident {
                    title: " ".into(),
                    ..valid()
                },
                "title",
            ),
            (
                NewIncident {
                    service: "".into(),
                    ..valid()
                },
                "service",
            ),
            (
                NewIncident {
                    title: "x".repeat(1_001),
                    ..valid()
                },
                "1000",
            ),
            (
                NewIncident {
                    description: "x".repeat(64 * 1024 + 1),
                    ..valid()
                },
                "64 KiB",
            ),
            (
                NewIncident {
                    labels: (0..65).map(|i| (format!("k{i}"), "v".into())).collect(),
                    ..valid()
                },
                "64 labels",
            ),
            (
                NewIncident {
                    labels: [("k".repeat(257), "v".into())].into(),
                    ..valid()
                },
                "256",
            ),
            (
                NewIncident {
                    labels: [("k".into(), "v".repeat(1_025))].into(),
                    ..valid()
                },
                "1024",
            ),
        ];
        for (new, needle) in cases {
            match new_incident(new) {
                Err(ApiError::BadRequest(msg)) => assert!(msg.contains(needle), "{msg}"),
                other => panic!("expected a 400 naming {needle}, got {other:?}"),
            }
        }
        // Exactly at the limits is fine.
        let at_limit = NewIncident {
            title: "é".repeat(1_000),
            description: "x".repeat(64 * 1024),
            labels: (0..64)
                .map(|i| (format!("k{i}"), "v".repeat(1_024)))
                .collect(),
            ..valid()
        };
        assert!(new_incident(at_limit).is_ok());
    }

    #[test]
    fn identifiers_with_escapes_are_refused_by_field_free_text_is_not() {
        let evil = "db\u{1b}]52;c;eA==\u{7}";
        let cases: Vec<(NewIncident, &str)> = vec![
            (
                NewIncident {
                    service: evil.into(),
                    ..valid()
                },
                "service holds an escape (U+001B)",
            ),
            (
                NewIncident {
                    dedup_key: Some("k\u{202e}1".into()),
                    ..valid()
                },
                "dedup_key holds a bidirectional override",
            ),
            (
                NewIncident {
                    labels: [(evil.into(), "v".into())].into(),
                    ..valid()
                },
                "a label name holds",
            ),
            (
                NewIncident {
                    runbook: Some(evil.into()),
                    ..valid()
                },
                "runbook holds",
            ),
            (
                NewIncident {
                    runbook_url: Some("http://x/\u{9b}2J".into()),
                    ..valid()
                },
                "runbook_url holds a C1 control character",
            ),
            (
                NewIncident {
                    source: Some(evil.into()),
                    ..valid()
                },
                "source holds",
            ),
        ];
        for (new, needle) in cases {
            match new_incident(new) {
                Err(ApiError::BadRequest(msg)) => {
                    assert!(msg.contains(needle), "{msg}");
                    assert!(!msg.contains('\u{1b}'), "the value is not echoed: {msg}");
                }
                other => panic!("expected a 400 naming {needle}, got {other:?}"),
            }
        }
        let free = NewIncident {
            title: evil.into(),
            description: evil.into(),
            labels: [("k".into(), evil.into())].into(),
            ..valid()
        };
        assert!(new_incident(free).is_ok(), "free text is stored as sent");

        let tick = StepRequest {
            runbook: evil.into(),
            step: 0,
            done: true,
            text: Some(evil.into()),
        };
        assert!(
            matches!(step(tick), Err(ApiError::BadRequest(m)) if m.starts_with("runbook holds"))
        );
        let to_bidi = HandoffRequest {
            to: Some("bob\u{202e}".into()),
            note: evil.into(),
        };
        assert!(
            matches!(handoff(to_bidi), Err(ApiError::BadRequest(m)) if m.starts_with("to holds"))
        );
        assert_eq!(name("to", Some("  ")).unwrap(), None);
        assert_eq!(name("to", Some(" bob ")).unwrap().as_deref(), Some("bob"));
    }

    #[test]
    fn notes_need_text_within_limits() {
        assert!(note_text("  ").is_err());
        assert_eq!(note_text(" checked the disk ").unwrap(), "checked the disk");
        assert!(note_text(&"x".repeat(16 * 1024 + 1)).is_err());
        assert!(optional_note(None).is_ok());
    }
}
