//! A hub's data as rows, whatever store holds it: what `oncall migrate`
//! reads out of a SQLite file, writes into PostgreSQL, and then reads back
//! out of both to compare. Both stores keep the same tables with the same
//! columns in the same text forms (`stored`), so the rows go over as they
//! are, ids and all; [`TABLES`] is that shape, once, for both stores' SQL.
//! Beside the rows, [`HubView`] is the data as each store's own read paths
//! give it to the hub (an incident with its timeline and steps, the
//! deliveries of each, the last hand-off), so the comparison also checks
//! that the hub on the new store reads what it read on the old one.
use std::collections::BTreeMap;

use crate::hub::deliveries::DeliveryRecord;
use crate::incident::{Handoff, Incident};

use super::{Store, StoreError};

/// What a column holds, as PostgreSQL needs to be told it (SQLite takes
/// anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// BIGINT.
    Int,
    /// INTEGER (32 bits).
    Int4,
    Text,
    Bytes,
    Bool,
}

/// One column: its name in PostgreSQL, where SQLite keeps it, what it holds
/// and whether it may be NULL.
pub struct Column {
    pub name: &'static str,
    pub sqlite: &'static str,
    pub kind: Kind,
    pub null: bool,
}

/// One table: its name, its columns, and the order its rows are read in.
pub struct Table {
    pub name: &'static str,
    /// How many of the first columns name a row (its primary key).
    pub key: usize,
    /// What a person calls one row of it, singular and plural.
    pub what: (&'static str, &'static str),
    pub columns: &'static [Column],
    pub order: &'static str,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        sqlite: name,
        kind,
        null: false,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        null: true,
        ..col(name, kind)
    }
}

use Kind::{Bool, Bytes, Int, Int4, Text};

/// Every table that holds the hub's data, parents before children (the
/// order they are written in). The `hub` row (change number, hub id) is
/// copied on its own ([`HubRows`]).
pub const TABLES: &[Table] = &[
    Table {
        name: "incidents",
        key: 1,
        what: ("incident", "incidents"),
        columns: &[
            col("id", Int),
            col("dedup_key", Text),
            col("title", Text),
            col("service", Text),
            col("severity", Text),
            col("status", Text),
            col("labels", Text),
            col("description", Text),
            opt("runbook", Text),
            opt("runbook_url", Text),
            col("source", Text),
            col("created_at", Text),
            col("updated_at", Text),
            opt("owner", Text),
            col("escalation_level", Int),
            col("occurrences", Int),
            col("version", Int),
            col("change_seq", Int),
            col("level_since", Text),
            opt("squashed_by", Int),
            col("helpers", Text),
            col("major", Bool),
            opt("incident_manager", Text),
            opt("snoozed_until", Text),
            opt("previous_owner", Text),
            opt("assigned_by", Text),
            opt("status_update", Text),
        ],
        order: "id",
    },
    Table {
        name: "timeline",
        key: 1,
        what: ("timeline entry", "timeline entries"),
        columns: &[
            col("id", Int),
            col("incident_id", Int),
            col("at", Text),
            col("who", Text),
            col("kind", Text),
            col("text", Text),
            opt("taken_at", Text),
        ],
        order: "id",
    },
    Table {
        name: "steps",
        key: 3,
        what: ("step", "steps"),
        columns: &[
            col("incident_id", Int),
            col("runbook", Text),
            col("step", Int),
        ],
        order: "incident_id, runbook, step",
    },
    Table {
        name: "handoffs",
        key: 1,
        what: ("hand-off", "hand-offs"),
        columns: &[
            col("id", Int),
            col("from_who", Text),
            col("to_who", Text),
            col("at", Text),
            opt("until", Text),
            col("note", Text),
            col("moved", Text),
        ],
        order: "id",
    },
    Table {
        name: "idempotency",
        key: 2,
        what: ("idempotency record", "idempotency records"),
        columns: &[
            col("who", Text),
            col("key", Text),
            col("request", Text),
            col("status", Int4),
            col("body", Bytes),
            col("at", Text),
        ],
        order: "who, key",
    },
    Table {
        name: "deliveries",
        key: 1,
        what: ("delivery", "deliveries"),
        columns: &[
            col("id", Text),
            // The order deliveries were queued in: SQLite's rowid.
            Column {
                sqlite: "rowid",
                ..col("queued_order", Int)
            },
            opt("incident_id", Int),
            col("recipient_kind", Text),
            col("recipient", Text),
            col("contact_index", Int),
            col("via", Text),
            col("contact_to", Text),
            col("event", Text),
            opt("paged", Text),
            opt("detail", Text),
            col("round", Int),
            col("started_at", Text),
            col("due_at", Text),
            col("state", Text),
            col("attempts", Int),
            col("next_attempt_at", Text),
            opt("lease_until", Text),
            opt("last_error", Text),
            opt("answered_at", Text),
            col("stopped", Bool),
        ],
        order: "queued_order",
    },
    Table {
        name: "heartbeats",
        key: 1,
        what: ("heartbeat", "heartbeats"),
        columns: &[
            col("name", Text),
            col("state", Text),
            col("since", Text),
            opt("last_ping", Text),
            opt("last_status", Text),
            opt("exit_code", Int),
            opt("run_id", Text),
            opt("log", Text),
            opt("run_started", Text),
            opt("due", Text),
        ],
        order: "name",
    },
    Table {
        name: "squashes",
        key: 1,
        what: ("squash", "squashes"),
        columns: &[
            col("id", Int),
            col("matchers", Text),
            col("starts", Text),
            col("until", Text),
            col("reason", Text),
            col("created_by", Text),
            col("created_at", Text),
            opt("removed_by", Text),
            opt("removed_at", Text),
        ],
        order: "id",
    },
    Table {
        name: "followups",
        key: 1,
        what: ("follow-up", "follow-ups"),
        columns: &[
            col("id", Int),
            col("incident_id", Int),
            col("text", Text),
            col("owner", Text),
            opt("due", Text),
            col("status", Text),
            opt("note", Text),
            col("created_by", Text),
            col("created_at", Text),
            opt("closed_by", Text),
            opt("closed_at", Text),
        ],
        order: "id",
    },
    Table {
        name: "overrides",
        key: 1,
        what: ("override", "overrides"),
        columns: &[
            col("id", Int),
            col("responder", Text),
            col("starts", Text),
            col("until", Text),
            col("created_by", Text),
            col("created_at", Text),
            opt("removed_by", Text),
            opt("removed_at", Text),
        ],
        order: "id",
    },
];

/// The tables whose ids PostgreSQL numbers itself (identity columns): after
/// a copy, their next id must come after the copied ones.
pub const NUMBERED: &[(&str, &str)] = &[
    ("incidents", "id"),
    ("timeline", "id"),
    ("handoffs", "id"),
    ("deliveries", "queued_order"),
    ("squashes", "id"),
    ("followups", "id"),
    ("overrides", "id"),
];

/// One value of one column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

impl Value {
    /// The value as a person reads it in a difference.
    pub fn shown(&self) -> String {
        match self {
            Value::Null => "NULL".to_string(),
            Value::Int(v) => v.to_string(),
            Value::Text(t) => format!("'{t}'"),
            Value::Bytes(b) => format!("{} bytes", b.len()),
            Value::Bool(b) => b.to_string(),
        }
    }
}

/// A hub's data, row by row: the tables in [`TABLES`]' order, each with its
/// rows in the table's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HubRows {
    /// The number of the last change: what list ETags and cursors count.
    pub change_seq: i64,
    /// The database's name in ETags and the hub id header.
    pub hub_id: String,
    pub tables: Vec<Vec<Vec<Value>>>,
}

impl HubRows {
    /// The rows of table `name`.
    pub fn rows(&self, name: &str) -> &[Vec<Value>] {
        TABLES
            .iter()
            .position(|t| t.name == name)
            .and_then(|i| self.tables.get(i))
            .map_or(&[], Vec::as_slice)
    }
}

/// A hub's data as the store's own read paths give it to the hub.
#[derive(Debug)]
pub struct HubView {
    /// The whole list, in feed order (as `GET /api/v1/incidents?status=all`).
    pub list: Vec<Incident>,
    /// Each incident read alone, with its timeline and steps, or why it
    /// cannot be read.
    pub incidents: BTreeMap<u64, Result<Incident, String>>,
    /// Each incident's deliveries (`None`: those of no incident, the
    /// hand-offs'), in the order they were queued, or why they cannot be
    /// read.
    pub deliveries: BTreeMap<Option<u64>, Result<Vec<DeliveryRecord>, String>>,
    /// The last hand-off.
    pub latest_handoff: Result<Option<Handoff>, String>,
}

/// What `store`'s read paths give for the incidents `ids` (and those of no
/// incident): the view a hub on it has of its data.
pub async fn view_of(store: &impl Store, ids: &[u64]) -> Result<HubView, StoreError> {
    let (_, list) = store.list(false, 0).await?;
    let said = |e: StoreError| e.to_string();
    let mut view = HubView {
        list,
        incidents: BTreeMap::new(),
        deliveries: BTreeMap::new(),
        latest_handoff: store.latest_handoff(None).await.map_err(said),
    };
    view.deliveries
        .insert(None, store.deliveries(None).await.map_err(said));
    for &id in ids {
        view.incidents.insert(id, store.get(id).await.map_err(said));
        view.deliveries
            .insert(Some(id), store.deliveries(Some(id)).await.map_err(said));
    }
    Ok(view)
}
