//! What differs between a hub's data in the SQLite file ("here") and in
//! PostgreSQL ("there"), in words a person can act on: row by row (every
//! table, keyed by its primary key, so the stores' own orders do not
//! matter), and as the hub reads it (the list in feed order, each incident
//! with its timeline and steps, the deliveries, the last hand-off). Values
//! come from the databases, so every line is made inert before it is
//! printed.
use std::collections::BTreeMap;
use std::fmt::Debug;

use serde::Serialize;

use crate::hub::store::copy::{HubRows, HubView, TABLES, Table, Value};

/// The longest a value is shown in a difference.
const SHOWN_CHARS: usize = 120;

/// Every difference between `here` (the SQLite file) and `there`
/// (PostgreSQL), each one line, sanitized.
pub fn differences(
    here: &HubRows,
    here_view: &HubView,
    there: &HubRows,
    there_view: &HubView,
) -> Vec<String> {
    let mut found = Vec::new();
    if here.change_seq != there.change_seq {
        found.push(format!(
            "the change number is {} in the SQLite file, {} in PostgreSQL",
            here.change_seq, there.change_seq
        ));
    }
    if here.hub_id != there.hub_id {
        found.push(format!(
            "the hub id is '{}' in the SQLite file, '{}' in PostgreSQL",
            here.hub_id, there.hub_id
        ));
    }
    for table in TABLES {
        rows(
            table,
            here.rows(table.name),
            there.rows(table.name),
            &mut found,
        );
    }
    view(here_view, there_view, &mut found);
    found.iter().map(|d| crate::sanitize::line(d)).collect()
}

fn rows(table: &Table, here: &[Vec<Value>], there: &[Vec<Value>], found: &mut Vec<String>) {
    let keyed = |rows: &[Vec<Value>]| -> BTreeMap<Vec<Value>, Vec<Value>> {
        rows.iter()
            .map(|r| (r.iter().take(table.key).cloned().collect(), r.clone()))
            .collect()
    };
    let (here, there) = (keyed(here), keyed(there));
    let what = table.what.0;
    for (key, row) in &here {
        let named = format!("{what} {}", key_text(key));
        let Some(other) = there.get(key) else {
            found.push(format!(
                "{named} is in the SQLite file but not in PostgreSQL"
            ));
            continue;
        };
        for ((column, a), b) in table.columns.iter().zip(row).zip(other) {
            if a != b {
                found.push(format!(
                    "{named}: {} is {} in the SQLite file, {} in PostgreSQL",
                    column.name,
                    short(&a.shown()),
                    short(&b.shown())
                ));
            }
        }
    }
    for key in there.keys().filter(|k| !here.contains_key(*k)) {
        found.push(format!(
            "{what} {} is in PostgreSQL but not in the SQLite file",
            key_text(key)
        ));
    }
}

fn key_text(key: &[Value]) -> String {
    let parts: Vec<String> = key
        .iter()
        .map(|v| match v {
            Value::Int(n) => format!("#{n}"),
            other => other.shown(),
        })
        .collect();
    parts.join(" ")
}

fn view(here: &HubView, there: &HubView, found: &mut Vec<String>) {
    let order = |v: &HubView| v.list.iter().map(|i| i.id).collect::<Vec<_>>();
    if order(here) != order(there) {
        found.push(format!(
            "the list reads {} from the SQLite file, {} from PostgreSQL",
            short(&format!("{:?}", order(here))),
            short(&format!("{:?}", order(there)))
        ));
    } else {
        for (a, b) in here.list.iter().zip(&there.list) {
            fields(&format!("incident #{} in the list", a.id), a, b, found);
        }
    }
    for (id, a) in &here.incidents {
        if let Some(b) = there.incidents.get(id) {
            results(
                &format!("incident #{id} as the hub reads it"),
                a,
                b,
                found,
                fields,
            );
        }
    }
    for (id, a) in &here.deliveries {
        if let Some(b) = there.deliveries.get(id) {
            let whose = match id {
                Some(id) => format!("incident #{id}'s deliveries"),
                None => "the hand-offs' deliveries".to_string(),
            };
            results(&whose, a, b, found, |w, a, b, f| each(w, a, b, f));
        }
    }
    results(
        "the last hand-off",
        &here.latest_handoff,
        &there.latest_handoff,
        found,
        fields,
    );
}

/// `a` and `b` compared by `inner` when both could be read.
fn results<T: PartialEq>(
    what: &str,
    a: &Result<T, String>,
    b: &Result<T, String>,
    found: &mut Vec<String>,
    inner: impl Fn(&str, &T, &T, &mut Vec<String>),
) {
    match (a, b) {
        (Ok(a), Ok(b)) => inner(what, a, b, found),
        (a, b) if a != b => {
            let said = |r: &Result<T, String>| match r {
                Ok(_) => "readable".to_string(),
                Err(e) => format!("unreadable ({})", short(e)),
            };
            found.push(format!(
                "{what}: {} in the SQLite file, {} in PostgreSQL",
                said(a),
                said(b)
            ));
        }
        _ => {}
    }
}

/// Lists compared item by item, when they are as long.
fn each<T: Serialize + PartialEq + Debug>(what: &str, a: &[T], b: &[T], found: &mut Vec<String>) {
    if a.len() != b.len() {
        found.push(format!(
            "{what}: {} in the SQLite file, {} in PostgreSQL",
            a.len(),
            b.len()
        ));
        return;
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        fields(&format!("{what}, number {}", i + 1), x, y, found);
    }
}

/// The fields of `a` and `b` that differ (as JSON), named.
fn fields<T: Serialize + PartialEq + Debug>(what: &str, a: &T, b: &T, found: &mut Vec<String>) {
    if a == b {
        return;
    }
    let (a, b) = (json(a), json(b));
    let described: Vec<String> = match (&a, &b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            let mut names: Vec<&String> = x.keys().chain(y.keys()).collect();
            names.sort();
            names.dedup();
            names
                .into_iter()
                .filter(|n| x.get(*n) != y.get(*n))
                .map(|n| {
                    format!(
                        "{what}: {n} is {} in the SQLite file, {} in PostgreSQL",
                        shown_json(x.get(n)),
                        shown_json(y.get(n))
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    };
    if described.is_empty() {
        found.push(format!(
            "{what}: {} in the SQLite file, {} in PostgreSQL",
            shown_json(Some(&a)),
            shown_json(Some(&b))
        ));
    } else {
        found.extend(described);
    }
}

fn json<T: Serialize + Debug>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_else(|_| serde_json::Value::String(format!("{v:?}")))
}

fn shown_json(v: Option<&serde_json::Value>) -> String {
    v.map_or("absent".to_string(), |v| short(&v.to_string()))
}

/// `text`, cut to [`SHOWN_CHARS`].
fn short(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{cut}…")
}
