//! One SQLite transaction as a change sees it (`store::Transaction`): the
//! reads a rule needs, the writes it decides, and the answers remembered
//! under Idempotency-Keys, each a statement or two on the transaction the
//! group-commit thread (or a reader) holds. Every call finishes before it
//! returns: nothing here waits.
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::hub::deliveries::DeliveryRecord;
use crate::hub::heartbeat::Beat;
use crate::hub::rota::Cover;
use crate::hub::rules::pages::NewDelivery;
use crate::hub::rules::{
    Actor, HandoffRecord, NewFollowupRecord, NewSquashRecord, Opening, Recorded, Unanswered,
    Update, Waiting,
};
use crate::hub::store::stored::{queue_time, snoozed_sql};
use crate::hub::store::{self, Remembered};
use crate::incident::{CloseFollowup, Followup, Handoff, Incident, NewOverride, Override, Squash};

use super::StoreError;
use super::rows::{
    find, history, incident_from_row, is_bad_value, open_with_key, parse_time, time_text,
};
use super::{deliveries, followups, handoffs, heartbeats, overrides, squashes, writes};

/// A transaction of the hub's database, in the store's terms.
pub struct SqliteTx<'a, 'conn> {
    tx: &'a Transaction<'conn>,
    /// Deliveries queued so far.
    queued: usize,
}

impl<'a, 'conn> SqliteTx<'a, 'conn> {
    pub fn new(tx: &'a Transaction<'conn>) -> Self {
        SqliteTx { tx, queued: 0 }
    }
}

impl store::Transaction for SqliteTx<'_, '_> {
    async fn incident(&mut self, id: u64) -> Result<Option<Incident>, StoreError> {
        find(self.tx, id)
    }

    async fn history(&mut self, id: u64) -> Result<Option<Incident>, StoreError> {
        history(self.tx, id)
    }

    async fn open_with_key(&mut self, key: &str) -> Result<Option<Incident>, StoreError> {
        open_with_key(self.tx, key)
    }

    async fn covers(&mut self, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError> {
        handoffs::covers(self.tx, since)
    }

    async fn open_owned_by(&mut self, who: &str) -> Result<Vec<u64>, StoreError> {
        handoffs::open_owned_by(self.tx, who)
    }

    async fn waiting(&mut self) -> Result<Vec<Waiting>, StoreError> {
        waiting(self.tx)
    }

    async fn insert(&mut self, by: &Actor<'_>, opening: &Opening) -> Result<u64, StoreError> {
        writes::insert(self.tx, by, opening)
    }

    async fn update(&mut self, by: &Actor<'_>, update: &Update) -> Result<(), StoreError> {
        writes::update(self.tx, by, update)
    }

    async fn record_handoff(
        &mut self,
        by: &Actor<'_>,
        record: &HandoffRecord,
    ) -> Result<Handoff, StoreError> {
        handoffs::record(self.tx, by, record)
    }

    async fn recall(&mut self, who: &str, key: &str) -> Result<Option<Remembered>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT request, status, body FROM idempotency WHERE who = ?1 AND key = ?2",
            )?
            .query_row(params![who, key], |r| {
                Ok(Remembered {
                    fingerprint: r.get(0)?,
                    status: r.get(1)?,
                    body: r.get(2)?,
                })
            })
            .optional()?)
    }

    async fn remember(
        &mut self,
        who: &str,
        key: &str,
        r: &Remembered,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached("DELETE FROM idempotency WHERE at < ?1")?
            .execute([time_text(forget_before)])?;
        self.tx
            .prepare_cached(
                "INSERT INTO idempotency (who, key, request, status, body, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                who,
                key,
                r.fingerprint,
                r.status,
                r.body,
                time_text(at)
            ])?;
        Ok(())
    }

    async fn queue(
        &mut self,
        now: DateTime<Utc>,
        incident: Option<u64>,
        new: &[NewDelivery],
    ) -> Result<(), StoreError> {
        self.queued += deliveries::queue(self.tx, now, incident, new)?;
        Ok(())
    }

    fn queued(&self) -> usize {
        self.queued
    }

    async fn cancel_waiting(&mut self, id: u64) -> Result<(), StoreError> {
        deliveries::cancel_waiting(self.tx, id)
    }

    async fn delivery(&mut self, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        deliveries::find(self.tx, id)
    }

    async fn record_delivery(&mut self, recorded: &Recorded) -> Result<(), StoreError> {
        deliveries::record(self.tx, recorded)
    }

    async fn unanswered(&mut self) -> Result<Vec<Unanswered>, StoreError> {
        deliveries::unanswered(self.tx)
    }

    async fn snoozed(&mut self, until: DateTime<Utc>) -> Result<Vec<Incident>, StoreError> {
        snoozed(self.tx, until)
    }

    async fn heartbeat(&mut self, name: &str) -> Result<Option<Beat>, StoreError> {
        heartbeats::one(self.tx, name)
    }

    async fn heartbeats(&mut self) -> Result<Vec<Beat>, StoreError> {
        heartbeats::all(self.tx)
    }

    async fn put_heartbeat(&mut self, beat: &Beat) -> Result<(), StoreError> {
        heartbeats::put(self.tx, beat)
    }

    async fn squashes(&mut self, after: Option<DateTime<Utc>>) -> Result<Vec<Squash>, StoreError> {
        squashes::since(self.tx, after)
    }

    async fn squashed_open(&mut self) -> Result<Vec<Incident>, StoreError> {
        squashes::squashed_open(self.tx)
    }

    async fn squash(&mut self, id: u64) -> Result<Option<Squash>, StoreError> {
        squashes::find(self.tx, id)
    }

    async fn insert_squash(
        &mut self,
        by: &Actor<'_>,
        record: &NewSquashRecord,
    ) -> Result<Squash, StoreError> {
        squashes::insert(self.tx, by, record)
    }

    async fn remove_squash(&mut self, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
        squashes::remove(self.tx, by, id)
    }

    async fn rota_override(&mut self, id: u64) -> Result<Option<Override>, StoreError> {
        overrides::find(self.tx, id)
    }

    async fn insert_override(
        &mut self,
        by: &Actor<'_>,
        new: &NewOverride,
    ) -> Result<Override, StoreError> {
        overrides::insert(self.tx, by, new)
    }

    async fn remove_override(&mut self, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
        overrides::remove(self.tx, by, id)
    }

    async fn followup(&mut self, id: u64) -> Result<Option<Followup>, StoreError> {
        followups::find(self.tx, id)
    }

    async fn insert_followup(
        &mut self,
        by: &Actor<'_>,
        record: &NewFollowupRecord,
    ) -> Result<Followup, StoreError> {
        followups::insert(self.tx, by, record)
    }

    async fn close_followup(
        &mut self,
        by: &Actor<'_>,
        id: u64,
        req: &CloseFollowup,
    ) -> Result<(), StoreError> {
        followups::close(self.tx, by, id, req)
    }
}

/// The unacknowledged incidents, lowest id first. One that cannot be read
/// is left out and logged: it must not stop the others climbing.
fn waiting(tx: &Transaction<'_>) -> Result<Vec<Waiting>, StoreError> {
    let rows: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, level_since FROM incidents WHERE status = 'triggered' ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut waiting = Vec::with_capacity(rows.len());
    for (id, since) in rows {
        let id = u64::try_from(id)
            .map_err(|_| StoreError::Corrupt(format!("incident id {id} is negative")))?;
        let read = parse_time(&since)
            .map_err(|detail| StoreError::Unreadable { id, detail })
            .and_then(|since| Ok((since, find(tx, id)?)));
        match read {
            Ok((level_since, Some(incident))) => waiting.push(Waiting {
                incident,
                level_since,
            }),
            Ok((_, None)) => {}
            Err(e @ StoreError::Unreadable { .. }) => {
                tracing::warn!(id, error = %e, "incident #{id} left out of the escalation pass");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(waiting)
}

/// The acknowledged incidents snoozed until `until` or before. One that
/// cannot be read is left out and logged: it must not keep the others
/// snoozed.
fn snoozed(tx: &Transaction<'_>, until: DateTime<Utc>) -> Result<Vec<Incident>, StoreError> {
    let mut stmt = tx.prepare_cached(&snoozed_sql("?1"))?;
    let mut rows = stmt.query([queue_time(until)])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        match incident_from_row(row) {
            Ok(incident) => found.push(incident),
            Err(e) if is_bad_value(&e) => {
                let id: i64 = row.get(0)?;
                tracing::warn!(id, error = %e, "incident #{id} left out of the snoozes' pass");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(found)
}
