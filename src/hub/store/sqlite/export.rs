//! A hub's SQLite file read out whole for `oncall migrate`: every row of
//! its tables ([`copy::TABLES`]), and the same data as the hub's own read
//! paths give it (lists, an incident with its history, deliveries, the last
//! hand-off), all in one read transaction, so the rows and the view are one
//! snapshot. The file is opened read-only: nothing in it changes, not even
//! the leases of pages in flight, which a hub starting on it would release.
//!
//! A hub still serving the file may change it after the snapshot, and those
//! changes would not be copied: the hub is stopped first. One writing at the
//! moment of the read makes the file busy, said as such.
use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};

use crate::hub::store::copy::{Column, HubRows, HubView, Kind, TABLES, Table, Value};
use crate::hub::store::{Gather, StoreError};

use super::file::{Found, inspect, unreadable};
use super::rows::{history, to_u64};
use super::{deliveries, feed_in, handoffs, schema};

/// How long a read waits for a writer to finish before the file counts as
/// busy.
const BUSY_WAIT: Duration = Duration::from_secs(2);

/// The rows of the hub database at `path`, and what the hub reads from
/// them. A file that is missing, not a hub's, busy, or of another schema
/// version is refused, saying what to do.
pub fn export(path: &Path) -> Result<(HubRows, HubView), StoreError> {
    let shown = path.display();
    let refuse = |why: String| StoreError::Refused(format!("{shown} {why}"));
    match inspect(path) {
        Found::Database => {}
        Found::Missing => {
            return Err(refuse(
                "does not exist: name the hub's database file (what `oncall serve --db` was given)"
                    .into(),
            ));
        }
        Found::Not(why) => {
            return Err(refuse(format!(
                "{why}, so it is not an oncall hub database"
            )));
        }
        Found::Unreadable(e) => return Err(unreadable(path, e)),
    }
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| busy_or(path, e))?;
    conn.busy_timeout(BUSY_WAIT).map_err(|e| busy_or(path, e))?;
    let tx = conn.transaction().map_err(|e| busy_or(path, e))?;
    check_version(&tx, path)?;
    let rows = read_rows(&tx).map_err(|e| in_file(path, e))?;
    let view = read_view(&tx, &rows).map_err(|e| in_file(path, e))?;
    tx.commit().map_err(|e| busy_or(path, e))?;
    Ok((rows, view))
}

/// The file holds a hub's data at this build's schema version.
fn check_version(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let shown = path.display();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| busy_or(path, e))?;
    let has_hub: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hub')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| busy_or(path, e))?;
    let known = schema::current_version();
    if version == 0 || !has_hub {
        Err(StoreError::Refused(format!(
            "{shown} is a SQLite database but not an oncall hub's (it has no hub table)"
        )))
    } else if version > known {
        Err(StoreError::Refused(format!(
            "{shown} was written by a newer oncall (schema {version}, this one knows up to {known}): \
             migrate it with that oncall"
        )))
    } else if version < known {
        Err(StoreError::Refused(format!(
            "{shown} was written by an older oncall (schema {version}, this one writes {known}): \
             start this oncall's hub on it once (`oncall serve --db {shown}`) to bring it up to date, \
             stop it, then migrate"
        )))
    } else {
        Ok(())
    }
}

/// A failure of SQLite on `path`: a busy file said as such.
fn busy_or(path: &Path, e: rusqlite::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Busy(_) => StoreError::Refused(format!(
            "{} is busy: a hub is writing to it. Stop the hub serving it (`oncall serve --db {}`), then migrate",
            path.display(),
            path.display()
        )),
        e => in_file(path, e),
    }
}

fn in_file(path: &Path, e: StoreError) -> StoreError {
    match e {
        StoreError::Db(m) => StoreError::Db(format!("{}: {m}", path.display())),
        StoreError::Corrupt(m) => StoreError::Corrupt(format!("{}: {m}", path.display())),
        e => e,
    }
}

fn read_rows(conn: &Connection) -> Result<HubRows, StoreError> {
    let (change_seq, hub_id) =
        conn.query_row("SELECT change_seq, hub_id FROM hub WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let tables = TABLES
        .iter()
        .map(|table| table_rows(conn, table))
        .collect::<Result<_, _>>()?;
    Ok(HubRows {
        change_seq,
        hub_id,
        tables,
    })
}

fn table_rows(conn: &Connection, table: &Table) -> Result<Vec<Vec<Value>>, StoreError> {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            if c.sqlite == c.name {
                c.name.to_string()
            } else {
                format!("{} AS {}", c.sqlite, c.name)
            }
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        table.name,
        table.order
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let values = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| value(row, i, column))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|why| {
                StoreError::Corrupt(format!("{} row {}: {why}", table.name, out.len() + 1))
            })?;
        out.push(values);
    }
    Ok(out)
}

/// Column `i` of `row` as `column` holds it, or why it cannot be.
fn value(row: &Row<'_>, i: usize, column: &Column) -> Result<Value, String> {
    let found = row.get_ref(i).map_err(|e| e.to_string())?;
    Ok(match (found, column.kind) {
        (ValueRef::Null, _) if column.null => Value::Null,
        (ValueRef::Integer(v), Kind::Int | Kind::Int4) => Value::Int(v),
        (ValueRef::Integer(v), Kind::Bool) => Value::Bool(v != 0),
        (ValueRef::Text(t), Kind::Text) => Value::Text(
            String::from_utf8(t.to_vec())
                .map_err(|_| format!("{} is not UTF-8 text", column.name))?,
        ),
        (ValueRef::Blob(b) | ValueRef::Text(b), Kind::Bytes) => Value::Bytes(b.to_vec()),
        (other, kind) => {
            return Err(format!(
                "{} holds {:?} where {kind:?} belongs",
                column.name,
                other.data_type()
            ));
        }
    })
}

/// What the hub's read paths make of the rows: the list, each incident
/// with its history, each incident's deliveries and the hand-offs', and the
/// last hand-off.
fn read_view(conn: &Connection, rows: &HubRows) -> Result<HubView, StoreError> {
    let mut list = Gather::default();
    feed_in(conn, false, 0, &mut list)?;
    let mut view = HubView {
        list: list.0,
        incidents: Default::default(),
        deliveries: Default::default(),
        latest_handoff: handoffs::latest(conn, None).map_err(|e| e.to_string()),
    };
    view.deliveries.insert(
        None,
        deliveries::of_incident(conn, None).map_err(|e| e.to_string()),
    );
    for row in rows.rows("incidents") {
        let Some(Value::Int(id)) = row.first() else {
            continue;
        };
        let id = to_u64(*id, "incident id")?;
        let incident = history(conn, id)
            .map_err(|e| e.to_string())
            .and_then(|found| found.ok_or_else(|| format!("there is no incident #{id}")));
        view.incidents.insert(id, incident);
        view.deliveries.insert(
            Some(id),
            deliveries::of_incident(conn, Some(id)).map_err(|e| e.to_string()),
        );
    }
    Ok(view)
}
