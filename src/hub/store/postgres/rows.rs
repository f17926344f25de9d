//! Rows to incidents, in PostgreSQL: the feed order in SQL, an incident read
//! from its row, and an incident with its timeline and steps. Values are
//! kept in the same text forms as in SQLite (`store::stored`); a row whose
//! values this hub cannot read is that incident's problem
//! ([`StoreError::Unreadable`]), not the database's.
use deadpool_postgres::Transaction;
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, ToSql};

use crate::hub::store::stored::{INCIDENT_COLUMNS, parse_kind, parse_status, parse_time};
use crate::incident::{Incident, Severity, TimelineEntry};

use super::StoreError;

/// The feed order (open before resolved, then most severe, then newest, then
/// highest id), as `sqlite::rows::FEED_ORDER`: `created_at` holds 0, 3, 6 or
/// 9 fraction digits, so the whole seconds compare as text and the fraction
/// is padded to nine digits. Compared byte by byte, whatever the database's
/// collation.
pub const FEED_ORDER: &str = "ORDER BY status = 'resolved', \
     CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, \
     substr(created_at, 1, 19) COLLATE \"C\" DESC, \
     rpad(CASE WHEN substr(created_at, 20, 1) = '.' \
               THEN substr(created_at, 21, length(created_at) - 21) ELSE '' END, \
          9, '0') COLLATE \"C\" DESC, \
     id DESC";

/// Column `idx` of `r`, or why it cannot be read.
pub fn get<'a, T: FromSql<'a>>(r: &'a Row, idx: usize) -> Result<T, String> {
    r.try_get(idx).map_err(|e| format!("column {idx}: {e}"))
}

/// Column `idx` of `r`, a count or an id that cannot be negative.
pub fn get_u64(r: &Row, idx: usize) -> Result<u64, String> {
    let v: i64 = get(r, idx)?;
    u64::try_from(v).map_err(|_| format!("column {idx} is negative ({v})"))
}

/// An incident from the first columns of `r` ([`INCIDENT_COLUMNS`]).
pub fn incident_from_row(r: &Row) -> Result<Incident, String> {
    let labels: String = get(r, 6)?;
    let level: i64 = get(r, 14)?;
    Ok(Incident {
        id: get_u64(r, 0)?,
        dedup_key: get(r, 1)?,
        title: get(r, 2)?,
        service: get(r, 3)?,
        severity: get::<&str>(r, 4)?
            .parse::<Severity>()
            .map_err(|e| e.to_string())?,
        status: parse_status(get(r, 5)?)?,
        labels: serde_json::from_str(&labels).map_err(|e| format!("labels: {e}"))?,
        description: get(r, 7)?,
        runbook: get(r, 8)?,
        runbook_url: get(r, 9)?,
        source: get(r, 10)?,
        created_at: parse_time(get(r, 11)?)?,
        updated_at: parse_time(get(r, 12)?)?,
        owner: get(r, 13)?,
        escalation_level: u32::try_from(level)
            .map_err(|_| format!("escalation level {level} is out of range"))?,
        occurrences: get_u64(r, 15)?,
        version: get_u64(r, 16)?,
        squashed_by: get::<Option<i64>>(r, 17)?
            .map(|v| u64::try_from(v).map_err(|_| format!("squashed_by {v} is negative")))
            .transpose()?,
        helpers: serde_json::from_str(get(r, 18)?).map_err(|e| format!("helpers: {e}"))?,
        major: get(r, 19)?,
        incident_manager: get(r, 20)?,
        snoozed_until: get::<Option<&str>>(r, 21)?.map(parse_time).transpose()?,
        previous_owner: get(r, 22)?,
        assigned_by: get(r, 23)?,
        status_update: get::<Option<&str>>(r, 24)?
            .map(|s| serde_json::from_str(s).map_err(|e| format!("status_update: {e}")))
            .transpose()?,
        timeline: Vec::new(),
        steps: Default::default(),
    })
}

/// The incident of row `r`, or [`StoreError::Unreadable`] naming it.
pub fn incident_in(r: &Row) -> Result<Incident, StoreError> {
    incident_from_row(r).map_err(|detail| StoreError::Unreadable {
        id: row_id(r),
        detail,
    })
}

/// The id in the first column of `r`, for messages.
pub fn row_id(r: &Row) -> u64 {
    get_u64(r, 0).unwrap_or_default()
}

/// The number of the last change, as the transaction sees it.
pub async fn seq_in(tx: &Transaction<'_>) -> Result<u64, StoreError> {
    let row = tx
        .query_one("SELECT change_seq FROM hub WHERE id = 1", &[])
        .await?;
    get_u64(&row, 0).map_err(StoreError::Corrupt)
}

/// The incident, without its timeline, if it exists.
pub async fn find(tx: &Transaction<'_>, id: u64) -> Result<Option<Incident>, StoreError> {
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1");
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query_opt(&stmt, &[&to_i64(id)])
        .await?
        .map(|r| incident_in(&r))
        .transpose()
}

/// The open incident with dedup key `key`, if there is one.
pub async fn open_with_key(
    tx: &Transaction<'_>,
    key: &str,
) -> Result<Option<Incident>, StoreError> {
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE dedup_key = $1 AND status <> 'resolved'"
    );
    let stmt = tx.prepare_cached(&sql).await?;
    tx.query_opt(&stmt, &[&key])
        .await?
        .map(|r| incident_in(&r))
        .transpose()
}

/// The incident with its timeline (oldest entry first) and steps, if it
/// exists. The three reads go out together (tokio-postgres pipelines the
/// requests of futures polled together): one round trip, not three, on a
/// path every change answered takes.
pub async fn history(tx: &Transaction<'_>, id: u64) -> Result<Option<Incident>, StoreError> {
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1");
    let one = tx.prepare_cached(&sql).await?;
    let timeline = tx
        .prepare_cached(
            "SELECT at, who, kind, text, taken_at FROM timeline WHERE incident_id = $1 ORDER BY id",
        )
        .await?;
    let steps = tx
        .prepare_cached(
            "SELECT runbook, step FROM steps WHERE incident_id = $1 ORDER BY runbook, step",
        )
        .await?;
    let key = to_i64(id);
    let by_id: [&(dyn ToSql + Sync); 1] = [&key];
    let (row, entries, marks) = futures::try_join!(
        tx.query_opt(&one, &by_id),
        tx.query(&timeline, &by_id),
        tx.query(&steps, &by_id),
    )?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut incident = incident_in(&row)?;
    let unreadable = |detail| StoreError::Unreadable { id, detail };
    for r in entries {
        let entry = (|| -> Result<TimelineEntry, String> {
            Ok(TimelineEntry {
                at: parse_time(get(&r, 0)?)?,
                who: get(&r, 1)?,
                kind: parse_kind(get(&r, 2)?)?,
                text: get(&r, 3)?,
                taken_at: get::<Option<&str>>(&r, 4)?.map(parse_time).transpose()?,
            })
        })()
        .map_err(unreadable)?;
        incident.timeline.push(entry);
    }
    for r in marks {
        let runbook: String = get(&r, 0).map_err(unreadable)?;
        let step: i64 = get(&r, 1).map_err(unreadable)?;
        let step = u32::try_from(step).map_err(|_| unreadable(format!("step {step}")))?;
        incident.steps.entry(runbook).or_default().insert(step);
    }
    Ok(Some(incident))
}

/// The incident with its timeline.
pub async fn require(tx: &Transaction<'_>, id: u64) -> Result<Incident, StoreError> {
    history(tx, id).await?.ok_or(StoreError::NotFound(id))
}

/// Ids and counters beyond i64 cannot be stored; such a value from a client
/// simply matches nothing.
pub fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
