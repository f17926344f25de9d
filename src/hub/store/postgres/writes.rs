//! What a change writes, in PostgreSQL: a new incident, an update to one,
//! their timeline entries, a hand-off with the incidents it passes on, and
//! the hub's change counter, which every write moves on so that lists and
//! ETags on every hub see it. Runs under the writes lock (see `mod.rs`), so
//! change numbers are taken and committed in the same order.
use chrono::{DateTime, Utc};

use crate::hub::rota::Cover;
use crate::hub::rules::{Actor, Entry, HandoffRecord, Opening, Update};
use crate::hub::store::stored::{RolesParams, StoredHandoff, parse_time, time_text};
use crate::incident::Handoff;

use tokio_postgres::types::ToSql;

use super::StoreError;
use super::rows::{get, get_u64, to_i64};
use super::transaction::PgTx;

/// Opens an incident; its id.
pub async fn insert(
    tx: &mut PgTx<'_, '_>,
    by: &Actor<'_>,
    opening: &Opening,
) -> Result<u64, StoreError> {
    let new = &opening.new;
    let now = time_text(by.now);
    let labels = serde_json::to_string(&new.labels)
        .map_err(|e| StoreError::Corrupt(format!("labels do not serialise: {e}")))?;
    let stmt = tx
        .tx
        .prepare_cached(
            "WITH next AS (
                 UPDATE hub SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq)
             INSERT INTO incidents (dedup_key, title, service, severity, status, labels, description,
                 runbook, runbook_url, source, created_at, updated_at, owner,
                 escalation_level, occurrences, version, change_seq, level_since, squashed_by)
             VALUES (COALESCE($1, 'auto-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)),
                     $2, $3, $4, 'triggered', $5, $6, $7, $8, $9, $10, $10, $11, 1, 1, 1,
                     (SELECT change_seq FROM next), $10, $12)
             RETURNING id, change_seq",
        )
        .await?;
    let row = tx
        .tx
        .query_one(
            &stmt,
            &[
                &new.dedup_key,
                &new.title,
                &new.service,
                &new.severity.as_str(),
                &labels,
                &new.description,
                &new.runbook,
                &new.runbook_url,
                &opening.source,
                &now,
                &opening.owner,
                &opening.squashed_by.map(to_i64),
            ],
        )
        .await?;
    let id = get_u64(&row, 0).map_err(StoreError::Corrupt)?;
    tx.seq = Some(row.try_get(1)?);
    append(tx, id, by, &opening.entry()).await?;
    Ok(id)
}

/// Every update bumps the version, the time and the change number, sets
/// what the update sets, and adds its timeline entry. The change number is
/// taken by the same statement that writes the incident, and the step and
/// the timeline entry go out with it: one round trip under the writes lock,
/// where each costs every hub's writers waiting behind it.
pub async fn update(
    tx: &mut PgTx<'_, '_>,
    by: &Actor<'_>,
    update: &Update,
) -> Result<(), StoreError> {
    let (set_owner, owner) = match &update.owner {
        Some(owner) => (true, owner.as_deref()),
        None => (false, None),
    };
    let (set_squash, squash) = match update.squashed_by {
        Some(squash) => (true, squash.map(to_i64)),
        None => (false, None),
    };
    let roles = RolesParams::of(update)?;
    // Every SET reads the row as it was: "the owner changes" compares the
    // old owner with the new one.
    let write = tx
        .tx
        .prepare_cached(
            "WITH next AS (
                 UPDATE hub SET change_seq = change_seq + 1 WHERE id = 1 RETURNING change_seq)
             UPDATE incidents SET version = version + 1, updated_at = $2,
                 change_seq = next.change_seq,
                 status = COALESCE($3, status),
                 owner = CASE WHEN $4 THEN $5::TEXT ELSE owner END,
                 escalation_level = COALESCE($6, escalation_level),
                 level_since = CASE WHEN $6::BIGINT IS NULL THEN level_since ELSE $2 END,
                 occurrences = COALESCE($7, occurrences),
                 squashed_by = CASE WHEN $8 THEN $9::BIGINT ELSE squashed_by END,
                 helpers = COALESCE($10::TEXT, helpers),
                 major = CASE WHEN $11::TEXT IS NULL THEN major ELSE TRUE END,
                 incident_manager = COALESCE($11::TEXT, incident_manager),
                 snoozed_until = CASE WHEN COALESCE($3::TEXT, status) <> 'acknowledged' THEN NULL
                                      WHEN $12 THEN $13::TEXT ELSE snoozed_until END,
                 previous_owner = CASE WHEN $14 THEN $15::TEXT
                                       WHEN $4 AND owner IS DISTINCT FROM $5::TEXT THEN NULL
                                       ELSE previous_owner END,
                 assigned_by = CASE WHEN $14 THEN $16::TEXT
                                    WHEN $4 AND owner IS DISTINCT FROM $5::TEXT THEN NULL
                                    ELSE assigned_by END,
                 status_update = COALESCE($17::TEXT, status_update)
             FROM next WHERE id = $1
             RETURNING next.change_seq",
        )
        .await?;
    let step = match &update.step {
        Some(mark) => {
            let sql = if mark.done {
                "INSERT INTO steps (incident_id, runbook, step) VALUES ($1, $2, $3)"
            } else {
                "DELETE FROM steps WHERE incident_id = $1 AND runbook = $2 AND step = $3"
            };
            Some((tx.tx.prepare_cached(sql).await?, mark))
        }
        None => None,
    };
    let entry = append_statement(tx).await?;
    let id = to_i64(update.id);
    let now = time_text(by.now);
    let status = update.status.map(|s| s.as_str());
    let level = update.level.map(i64::from);
    let occurrences = update.occurrences.map(to_i64);
    let params: [&(dyn ToSql + Sync); 17] = [
        &id,
        &now,
        &status,
        &set_owner,
        &owner,
        &level,
        &occurrences,
        &set_squash,
        &squash,
        &roles.helpers,
        &update.manager,
        &roles.set_snooze,
        &roles.snoozed_until,
        &roles.set_assigned,
        &roles.previous_owner,
        &roles.assigned_by,
        &roles.status_update,
    ];
    let written = tx.tx.query_opt(&write, &params);
    let marked = async {
        if let Some((stmt, mark)) = &step {
            tx.tx
                .execute(stmt, &[&id, &mark.runbook, &i64::from(mark.step)])
                .await?;
        }
        Ok::<_, tokio_postgres::Error>(())
    };
    let appended = append_with(tx, &entry, update.id, by, &update.entry);
    let (row, (), ()) = futures::try_join!(
        async { written.await.map_err(StoreError::from) },
        async { marked.await.map_err(StoreError::from) },
        appended,
    )?;
    let row = row.ok_or(StoreError::NotFound(update.id))?;
    tx.seq = Some(row.try_get(0)?);
    Ok(())
}

async fn append_statement(tx: &PgTx<'_, '_>) -> Result<tokio_postgres::Statement, StoreError> {
    Ok(tx
        .tx
        .prepare_cached(
            "INSERT INTO timeline (incident_id, at, who, kind, text, taken_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .await?)
}

async fn append(
    tx: &PgTx<'_, '_>,
    id: u64,
    by: &Actor<'_>,
    entry: &Entry,
) -> Result<(), StoreError> {
    let stmt = append_statement(tx).await?;
    append_with(tx, &stmt, id, by, entry).await
}

async fn append_with(
    tx: &PgTx<'_, '_>,
    stmt: &tokio_postgres::Statement,
    id: u64,
    by: &Actor<'_>,
    entry: &Entry,
) -> Result<(), StoreError> {
    tx.tx
        .execute(
            stmt,
            &[
                &to_i64(id),
                &time_text(by.now),
                &by.who,
                &entry.kind.as_str(),
                &entry.text,
                &by.taken.map(time_text),
            ],
        )
        .await?;
    Ok(())
}

/// Records the hand-off and passes its incidents on.
pub async fn record_handoff(
    tx: &mut PgTx<'_, '_>,
    by: &Actor<'_>,
    record: &HandoffRecord,
) -> Result<Handoff, StoreError> {
    for moved in &record.moves {
        update(tx, by, moved).await?;
    }
    let plan = &record.plan;
    let moved_json = serde_json::to_string(&plan.moves)
        .map_err(|e| StoreError::Corrupt(format!("moved ids do not serialise: {e}")))?;
    let row = tx
        .tx
        .query_one(
            "INSERT INTO handoffs (from_who, to_who, at, until, note, moved)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &plan.from,
                &plan.to,
                &time_text(by.now),
                &plan.until.map(time_text),
                &record.note,
                &moved_json,
            ],
        )
        .await?;
    Ok(Handoff {
        id: get_u64(&row, 0).map_err(StoreError::Corrupt)?,
        from: plan.from.clone(),
        to: plan.to.clone(),
        at: by.now,
        note: record.note.clone(),
        moved: plan.moves.clone(),
        until: plan.until,
    })
}

/// The covers of the rota recorded on the hub with a window ending after
/// `since`: the hand-offs, oldest first, then the overrides made through the
/// API and not removed.
pub async fn covers(
    tx: &deadpool_postgres::Transaction<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<Cover>, StoreError> {
    // Stored times differ in their fraction digits, so text order is only
    // right to the second (`rules::covers_since` leaves a day's margin).
    let stmt = tx
        .prepare_cached(
            "SELECT to_who, at, until FROM handoffs
              WHERE until IS NOT NULL AND until > $1 ORDER BY id",
        )
        .await?;
    let mut covers = Vec::new();
    for r in tx.query(&stmt, &[&time_text(since)]).await? {
        let cover = (|| -> Result<Cover, String> {
            let start = parse_time(get(&r, 1)?)?;
            Ok(Cover {
                who: get(&r, 0)?,
                start,
                end: parse_time(get(&r, 2)?)?,
                made: start,
            })
        })();
        covers.push(cover.map_err(StoreError::Corrupt)?);
    }
    let made = super::overrides::live(tx, since).await?;
    covers.extend(made.into_iter().map(crate::hub::store::overrides::as_cover));
    Ok(covers)
}

/// The open incidents `who` holds, by id.
pub async fn open_owned_by(
    tx: &deadpool_postgres::Transaction<'_>,
    who: &str,
) -> Result<Vec<u64>, StoreError> {
    let stmt = tx
        .prepare_cached(
            "SELECT id FROM incidents WHERE owner = $1 AND status <> 'resolved' ORDER BY id",
        )
        .await?;
    tx.query(&stmt, &[&who])
        .await?
        .iter()
        .map(|r| get_u64(r, 0).map_err(StoreError::Corrupt))
        .collect()
}

/// The last hand-off, or the last one addressed to `to`.
pub async fn latest_handoff(
    tx: &deadpool_postgres::Transaction<'_>,
    to: Option<&str>,
) -> Result<Option<Handoff>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT id, from_who, to_who, at, until, note, moved FROM handoffs
              WHERE $1::TEXT IS NULL OR to_who = $1 ORDER BY id DESC LIMIT 1",
            &[&to],
        )
        .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let stored = (|| -> Result<StoredHandoff, String> {
        Ok(StoredHandoff {
            id: get(&r, 0)?,
            from: get(&r, 1)?,
            to: get(&r, 2)?,
            at: get(&r, 3)?,
            until: get(&r, 4)?,
            note: get(&r, 5)?,
            moved: get(&r, 6)?,
        })
    })();
    stored
        .and_then(StoredHandoff::decode)
        .map(Some)
        .map_err(StoreError::Corrupt)
}
