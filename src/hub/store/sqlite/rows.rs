//! Rows to incidents and back: the columns, the feed order in SQL, and the
//! text forms of times, statuses and kinds as the database keeps them.
use rusqlite::{Connection, OptionalExtension, Row};

use crate::hub::store::stored::{parse_kind, parse_status};
use crate::incident::{Incident, Severity, TimelineEntry};

pub use crate::hub::store::stored::{INCIDENT_COLUMNS, parse_time, time_text};

use super::StoreError;

/// The feed order (open before resolved, then most severe, then newest, then
/// highest id), so lists stream out of SQLite already sorted instead of being
/// gathered and sorted in memory. `created_at` is RFC 3339 in UTC with 0, 3, 6
/// or 9 fractional digits ([`time_text`]); the whole seconds compare as text,
/// and the fraction is padded to nine digits so "…00Z" sorts before "…00.5Z".
pub const FEED_ORDER: &str = "ORDER BY status = 'resolved', \
     CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, \
     substr(created_at, 1, 19) DESC, \
     substr(CASE WHEN substr(created_at, 20, 1) = '.' \
                 THEN substr(created_at, 21, length(created_at) - 21) ELSE '' END \
            || '000000000', 1, 9) DESC, \
     id DESC";

pub fn incident_from_row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    let labels: String = r.get(6)?;
    Ok(Incident {
        id: get_u64(r, 0)?,
        dedup_key: r.get(1)?,
        title: r.get(2)?,
        service: r.get(3)?,
        severity: parse_col(r, 4, |s| s.parse::<Severity>())?,
        status: parse_col(r, 5, parse_status)?,
        labels: serde_json::from_str(&labels).map_err(|e| conversion(6, e))?,
        description: r.get(7)?,
        runbook: r.get(8)?,
        runbook_url: r.get(9)?,
        source: r.get(10)?,
        created_at: parse_col(r, 11, parse_time)?,
        updated_at: parse_col(r, 12, parse_time)?,
        owner: r.get(13)?,
        escalation_level: r.get(14)?,
        occurrences: get_u64(r, 15)?,
        version: get_u64(r, 16)?,
        squashed_by: r
            .get::<_, Option<i64>>(17)?
            .map(|v| u64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(17, v)))
            .transpose()?,
        helpers: parse_col(r, 18, |s| serde_json::from_str(s))?,
        major: r.get(19)?,
        incident_manager: r.get(20)?,
        snoozed_until: r
            .get::<_, Option<String>>(21)?
            .map(|t| parse_time(&t).map_err(|e| conversion(21, e)))
            .transpose()?,
        previous_owner: r.get(22)?,
        assigned_by: r.get(23)?,
        status_update: r
            .get::<_, Option<String>>(24)?
            .map(|s| serde_json::from_str(&s).map_err(|e| conversion(24, e)))
            .transpose()?,
        timeline: Vec::new(),
        steps: Default::default(),
    })
}

pub fn seq_in(conn: &Connection) -> Result<u64, StoreError> {
    let seq: i64 = conn.query_row("SELECT change_seq FROM hub WHERE id = 1", [], |r| r.get(0))?;
    to_u64(seq, "change_seq")
}

/// Whether `e` is a value in a row that this hub cannot read back (text
/// where a time belongs, a negative count, bad JSON), rather than the
/// database failing: the problem of that row alone.
pub fn is_bad_value(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::Utf8Error(..)
            | rusqlite::Error::InvalidColumnType(..)
    )
}

/// A failure reading incident `id`: [`StoreError::Unreadable`] when it is
/// the row, not the database.
fn reading(id: u64, e: rusqlite::Error) -> StoreError {
    if is_bad_value(&e) {
        StoreError::Unreadable {
            id,
            detail: e.to_string(),
        }
    } else {
        e.into()
    }
}

/// The incident, without its timeline, if it exists.
pub fn find(conn: &Connection, id: u64) -> Result<Option<Incident>, StoreError> {
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([to_i64(id)], incident_from_row)
        .optional()
        .map_err(|e| reading(id, e))
}

/// The open incident with dedup key `key`, if there is one: the one query
/// for it, used to fold repeats and to resolve by key.
pub fn open_with_key(conn: &Connection, key: &str) -> Result<Option<Incident>, StoreError> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE dedup_key = ?1 AND status <> 'resolved'"
    );
    conn.prepare_cached(&sql)?
        .query_row([key], |r| {
            Ok(incident_from_row(r).map_err(|e| match r.get::<_, i64>(0) {
                Ok(id) if is_bad_value(&e) => reading(u64::try_from(id).unwrap_or_default(), e),
                _ => e.into(),
            }))
        })
        .optional()?
        .transpose()
}

/// The incident with its timeline, oldest entry first.
pub fn require(conn: &Connection, id: u64) -> Result<Incident, StoreError> {
    history(conn, id)?.ok_or(StoreError::NotFound(id))
}

/// The incident with its timeline (oldest entry first) and steps, if it
/// exists.
pub fn history(conn: &Connection, id: u64) -> Result<Option<Incident>, StoreError> {
    let Some(mut incident) = find(conn, id)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT at, who, kind, text, taken_at FROM timeline WHERE incident_id = ?1 ORDER BY id",
    )?;
    incident.timeline = stmt
        .query_map([to_i64(id)], |r| {
            Ok(TimelineEntry {
                at: parse_col(r, 0, parse_time)?,
                who: r.get(1)?,
                kind: parse_col(r, 2, parse_kind)?,
                text: r.get(3)?,
                taken_at: r
                    .get::<_, Option<String>>(4)?
                    .map(|t| parse_time(&t).map_err(|e| conversion(4, e)))
                    .transpose()?,
            })
        })?
        .collect::<Result<_, _>>()
        .map_err(|e| reading(id, e))?;
    let mut stmt = conn.prepare_cached(
        "SELECT runbook, step FROM steps WHERE incident_id = ?1 ORDER BY runbook, step",
    )?;
    let rows = stmt.query_map([to_i64(id)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?))
    })?;
    for row in rows {
        let (runbook, step) = row.map_err(|e| reading(id, e))?;
        incident.steps.entry(runbook).or_default().insert(step);
    }
    Ok(Some(incident))
}

fn parse_col<T, E: std::fmt::Display>(
    r: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<T> {
    let s: String = r.get(idx)?;
    parse(&s).map_err(|e| conversion(idx, e))
}

fn get_u64(r: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let v: i64 = r.get(idx)?;
    u64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(idx, v))
}

fn conversion(idx: usize, e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        Box::new(std::io::Error::other(e.to_string())),
    )
}

pub fn to_u64(v: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is negative ({v})")))
}

/// Ids and counters beyond i64 cannot exist in SQLite; such a value from a
/// client simply matches nothing.
pub fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::incident::Status;

    /// What the feed order means, in Rust: the SQL must agree with it.
    fn sort_for_feed(incidents: &mut [(Status, Severity, DateTime<Utc>, i64)]) {
        incidents.sort_by(|a, b| {
            (!a.0.is_open(), a.1)
                .cmp(&(!b.0.is_open(), b.1))
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| b.3.cmp(&a.3))
        });
    }

    #[test]
    fn the_sql_feed_order_is_the_feed_order() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE incidents (id INTEGER PRIMARY KEY, status TEXT, severity TEXT, created_at TEXT)",
        )
        .unwrap();
        let t = |s: &str| parse_time(s).unwrap();
        // Same second with every fraction width; a later second; ties by id.
        let times = [
            "2026-11-23T08:00:00Z",
            "2026-11-23T08:00:00.500Z",
            "2026-11-23T08:00:00.500001Z",
            "2026-11-23T08:00:00.000000001Z",
            "2026-11-23T08:00:00.499999999Z",
            "2026-11-23T08:00:01Z",
            "2026-11-24T07:59:59.900Z",
        ];
        let mut expected = Vec::new();
        let mut id: i64 = 0;
        for status in [Status::Resolved, Status::Triggered, Status::Acknowledged] {
            for severity in [Severity::Info, Severity::Critical, Severity::Warning] {
                for time in times.iter().chain(&times[..2]) {
                    id += 1;
                    let status_text = match status {
                        Status::Triggered => "triggered",
                        Status::Acknowledged => "acknowledged",
                        Status::Resolved => "resolved",
                    };
                    conn.execute(
                        "INSERT INTO incidents VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![id, status_text, severity.as_str(), time],
                    )
                    .unwrap();
                    expected.push((status, severity, t(time), id));
                }
            }
        }
        sort_for_feed(&mut expected);
        let got: Vec<i64> = conn
            .prepare(&format!("SELECT id FROM incidents {FEED_ORDER}"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let want: Vec<i64> = expected.iter().map(|e| e.3).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn stored_times_have_the_shape_the_feed_order_reads() {
        for nanos in [0, 500_000_000, 500_000, 1] {
            let t = DateTime::from_timestamp(1_795_420_800, nanos).unwrap();
            let text = time_text(t);
            assert!(text.ends_with('Z'), "{text}");
            assert_eq!(&text[10..11], "T");
            assert!(text.len() == 20 || &text[19..20] == ".", "{text}");
        }
    }
}
