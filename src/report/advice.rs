//! What would silence one noisy alert, said plainly: a squash with the
//! matchers that catch it and nothing else, or, when it resolves by itself
//! or keeps reopening, the threshold change that would stop it firing at
//! all (a squash would only hide it).
use std::collections::BTreeMap;

use super::{Advice, AlertFigures};

/// "once", "twice", "3 times".
fn times(n: u64) -> String {
    match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

/// `value` as it goes between the quotes of a matcher: a quote or a
/// backslash in it escaped, so that the matcher reads back as it was (as in
/// Alertmanager's and Prometheus' matchers).
fn quoted(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The advice for `alert`.
pub fn advice(alert: &AlertFigures) -> Advice {
    let f = &alert.figures;
    let mut squash = BTreeMap::new();
    if alert.alertname {
        squash.insert("alertname".to_string(), alert.alert.clone());
    }
    squash.insert("service".to_string(), alert.service.clone());
    let matchers = squash
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", quoted(v)))
        .collect::<Vec<_>>()
        .join(", ");
    let widened = if alert.alertname {
        String::new()
    } else {
        format!(
            " (it has no alertname label, so this squashes every alert of {}; give it one to squash it alone)",
            alert.service
        )
    };
    let threshold = if f.incidents > 0 && f.self_resolved * 2 >= f.incidents {
        Some(format!(
            "{} of its {} incidents resolved by themselves within 5 minutes: make it wait longer before it fires (a `for:` of 5m or more), or raise its threshold",
            f.self_resolved, f.incidents
        ))
    } else if f.incidents > 0 && f.flapping * 2 >= f.incidents {
        Some(format!(
            "{} of its {} incidents reopened within an hour of resolving: it flaps, so widen its threshold or add hysteresis (a longer `for:`, or a lower value to clear at)",
            f.flapping, f.incidents
        ))
    } else {
        None
    };
    let action = match &threshold {
        Some(change) => {
            format!("Change the alert: {change}. Until then, squash {matchers}{widened}.")
        }
        None if f.pages == 0 && f.squashed > 0 => format!(
            "Squashed already: a squash kept {} of its {} incidents quiet (raised {}); fix its cause, or change the alert, before the squash ends.",
            f.squashed,
            f.incidents,
            times(f.occurrences)
        ),
        None if f.pages == 0 => format!(
            "Nothing to silence: it paged nobody (raised {}). Squash {matchers}{widened} only if even its list entries are noise.",
            times(f.occurrences)
        ),
        None => format!(
            "Squash {matchers}{widened} while its cause is fixed: it paged {} ({} at night).",
            times(f.pages),
            f.night_pages
        ),
    };
    Advice {
        alert: alert.alert.clone(),
        service: alert.service.clone(),
        pages: f.pages,
        occurrences: f.occurrences,
        squash,
        threshold,
        action,
    }
}
