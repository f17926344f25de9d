//! One PostgreSQL transaction as a change sees it (`store::Transaction`):
//! the reads a rule needs, the writes it decides, and the answers
//! remembered under Idempotency-Keys. A writing transaction holds the
//! writes lock from its start (see `mod.rs`), so what it reads cannot
//! change under it before it commits.
use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;

use crate::hub::deliveries::DeliveryRecord;
use crate::hub::heartbeat::Beat;
use crate::hub::rota::Cover;
use crate::hub::rules::pages::NewDelivery;
use crate::hub::rules::{
    Actor, HandoffRecord, NewFollowupRecord, NewSquashRecord, Opening, Recorded, Unanswered,
    Update, Waiting,
};
use crate::hub::store::stored::{parse_time, queue_time, snoozed_sql, time_text};
use crate::hub::store::{self, Remembered};
use crate::incident::{CloseFollowup, Followup, Handoff, Incident, NewOverride, Override, Squash};

use super::StoreError;
use super::rows::{find, get, get_u64, history, incident_from_row, open_with_key, row_id};
use super::{deliveries, followups, heartbeats, overrides, squashes, writes};

/// A transaction of the hub's database, in the store's terms.
pub struct PgTx<'a, 'c> {
    pub tx: &'a Transaction<'c>,
    /// Deliveries queued so far.
    pub queued: usize,
    /// The last change number this transaction took, if it changed anything.
    pub seq: Option<i64>,
}

impl<'a, 'c> PgTx<'a, 'c> {
    pub fn new(tx: &'a Transaction<'c>) -> Self {
        PgTx {
            tx,
            queued: 0,
            seq: None,
        }
    }
}

impl store::Transaction for PgTx<'_, '_> {
    async fn incident(&mut self, id: u64) -> Result<Option<Incident>, StoreError> {
        find(self.tx, id).await
    }

    async fn history(&mut self, id: u64) -> Result<Option<Incident>, StoreError> {
        history(self.tx, id).await
    }

    async fn open_with_key(&mut self, key: &str) -> Result<Option<Incident>, StoreError> {
        open_with_key(self.tx, key).await
    }

    async fn covers(&mut self, since: DateTime<Utc>) -> Result<Vec<Cover>, StoreError> {
        writes::covers(self.tx, since).await
    }

    async fn open_owned_by(&mut self, who: &str) -> Result<Vec<u64>, StoreError> {
        writes::open_owned_by(self.tx, who).await
    }

    async fn waiting(&mut self) -> Result<Vec<Waiting>, StoreError> {
        waiting(self.tx).await
    }

    async fn insert(&mut self, by: &Actor<'_>, opening: &Opening) -> Result<u64, StoreError> {
        writes::insert(self, by, opening).await
    }

    async fn update(&mut self, by: &Actor<'_>, update: &Update) -> Result<(), StoreError> {
        writes::update(self, by, update).await
    }

    async fn record_handoff(
        &mut self,
        by: &Actor<'_>,
        record: &HandoffRecord,
    ) -> Result<Handoff, StoreError> {
        writes::record_handoff(self, by, record).await
    }

    async fn recall(&mut self, who: &str, key: &str) -> Result<Option<Remembered>, StoreError> {
        let stmt = self
            .tx
            .prepare_cached(
                "SELECT request, status, body FROM idempotency WHERE who = $1 AND key = $2",
            )
            .await?;
        let Some(r) = self.tx.query_opt(&stmt, &[&who, &key]).await? else {
            return Ok(None);
        };
        let status: i32 = get(&r, 1).map_err(StoreError::Corrupt)?;
        Ok(Some(Remembered {
            fingerprint: get(&r, 0).map_err(StoreError::Corrupt)?,
            status: u16::try_from(status)
                .map_err(|_| StoreError::Corrupt(format!("a remembered status {status}")))?,
            body: get(&r, 2).map_err(StoreError::Corrupt)?,
        }))
    }

    async fn remember(
        &mut self,
        who: &str,
        key: &str,
        r: &Remembered,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Both go out together: one round trip.
        let forget = self
            .tx
            .prepare_cached("DELETE FROM idempotency WHERE at < $1")
            .await?;
        let insert = self
            .tx
            .prepare_cached(
                "INSERT INTO idempotency (who, key, request, status, body, at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .await?;
        let before = time_text(forget_before);
        let at = time_text(at);
        let status = i32::from(r.status);
        let old: [&(dyn ToSql + Sync); 1] = [&before];
        let new: [&(dyn ToSql + Sync); 6] = [&who, &key, &r.fingerprint, &status, &r.body, &at];
        futures::try_join!(
            self.tx.execute(&forget, &old),
            self.tx.execute(&insert, &new)
        )?;
        Ok(())
    }

    async fn queue(
        &mut self,
        now: DateTime<Utc>,
        incident: Option<u64>,
        new: &[NewDelivery],
    ) -> Result<(), StoreError> {
        self.queued += deliveries::queue(self.tx, now, incident, new).await?;
        Ok(())
    }

    fn queued(&self) -> usize {
        self.queued
    }

    async fn cancel_waiting(&mut self, id: u64) -> Result<(), StoreError> {
        deliveries::cancel_waiting(self.tx, id).await
    }

    async fn delivery(&mut self, id: &str) -> Result<Option<DeliveryRecord>, StoreError> {
        deliveries::find(self.tx, id).await
    }

    async fn record_delivery(&mut self, recorded: &Recorded) -> Result<(), StoreError> {
        deliveries::record(self.tx, recorded).await
    }

    async fn unanswered(&mut self) -> Result<Vec<Unanswered>, StoreError> {
        deliveries::unanswered(self.tx).await
    }

    async fn snoozed(&mut self, until: DateTime<Utc>) -> Result<Vec<Incident>, StoreError> {
        snoozed(self.tx, until).await
    }

    async fn heartbeat(&mut self, name: &str) -> Result<Option<Beat>, StoreError> {
        heartbeats::one(self.tx, name).await
    }

    async fn heartbeats(&mut self) -> Result<Vec<Beat>, StoreError> {
        heartbeats::all(self.tx).await
    }

    async fn put_heartbeat(&mut self, beat: &Beat) -> Result<(), StoreError> {
        heartbeats::put(self.tx, beat).await
    }

    async fn squashes(&mut self, after: Option<DateTime<Utc>>) -> Result<Vec<Squash>, StoreError> {
        squashes::since(self.tx, after).await
    }

    async fn squashed_open(&mut self) -> Result<Vec<Incident>, StoreError> {
        squashes::squashed_open(self.tx).await
    }

    async fn squash(&mut self, id: u64) -> Result<Option<Squash>, StoreError> {
        squashes::find(self.tx, id).await
    }

    async fn insert_squash(
        &mut self,
        by: &Actor<'_>,
        record: &NewSquashRecord,
    ) -> Result<Squash, StoreError> {
        squashes::insert(self.tx, by, record).await
    }

    async fn remove_squash(&mut self, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
        squashes::remove(self.tx, by, id).await
    }

    async fn rota_override(&mut self, id: u64) -> Result<Option<Override>, StoreError> {
        overrides::find(self.tx, id).await
    }

    async fn insert_override(
        &mut self,
        by: &Actor<'_>,
        new: &NewOverride,
    ) -> Result<Override, StoreError> {
        overrides::insert(self.tx, by, new).await
    }

    async fn remove_override(&mut self, by: &Actor<'_>, id: u64) -> Result<(), StoreError> {
        overrides::remove(self.tx, by, id).await
    }

    async fn followup(&mut self, id: u64) -> Result<Option<Followup>, StoreError> {
        followups::find(self.tx, id).await
    }

    async fn insert_followup(
        &mut self,
        by: &Actor<'_>,
        record: &NewFollowupRecord,
    ) -> Result<Followup, StoreError> {
        followups::insert(self.tx, by, record).await
    }

    async fn close_followup(
        &mut self,
        by: &Actor<'_>,
        id: u64,
        req: &CloseFollowup,
    ) -> Result<(), StoreError> {
        followups::close(self.tx, by, id, req).await
    }
}

/// The unacknowledged incidents, lowest id first. One that cannot be read
/// is left out and logged: it must not stop the others climbing.
async fn waiting(tx: &Transaction<'_>) -> Result<Vec<Waiting>, StoreError> {
    let stmt = tx
        .prepare_cached(
            "SELECT id, level_since FROM incidents WHERE status = 'triggered' ORDER BY id",
        )
        .await?;
    let rows = tx.query(&stmt, &[]).await?;
    let mut waiting = Vec::with_capacity(rows.len());
    for r in rows {
        let id = get_u64(&r, 0).map_err(StoreError::Corrupt)?;
        let since = get::<&str>(&r, 1)
            .and_then(parse_time)
            .map_err(|detail| StoreError::Unreadable { id, detail });
        let read = match since {
            Ok(since) => find(tx, id).await.map(|found| (since, found)),
            Err(e) => Err(e),
        };
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
async fn snoozed(tx: &Transaction<'_>, until: DateTime<Utc>) -> Result<Vec<Incident>, StoreError> {
    let stmt = tx.prepare_cached(&snoozed_sql("$1")).await?;
    let mut found = Vec::new();
    for row in tx.query(&stmt, &[&queue_time(until)]).await? {
        match incident_from_row(&row) {
            Ok(incident) => found.push(incident),
            Err(e) => {
                let id = row_id(&row);
                tracing::warn!(id, error = %e, "incident #{id} left out of the snoozes' pass");
            }
        }
    }
    Ok(found)
}
