//! The database's shape, and how an older file is brought up to it. The
//! version lives in `PRAGMA user_version`; each step runs in the same
//! transaction as the version bump, so a crash mid-migration leaves the file
//! as it was.
use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Step N takes a database from version N to N + 1.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: incidents, their timelines and the hub's change counter.
    r#"
    CREATE TABLE incidents (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        dedup_key        TEXT    NOT NULL,
        title            TEXT    NOT NULL,
        service          TEXT    NOT NULL,
        severity         TEXT    NOT NULL
                         CHECK (severity IN ('critical', 'high', 'warning', 'info')),
        status           TEXT    NOT NULL
                         CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
        labels           TEXT    NOT NULL DEFAULT '{}',
        description      TEXT    NOT NULL DEFAULT '',
        runbook          TEXT,
        runbook_url      TEXT,
        source           TEXT    NOT NULL,
        created_at       TEXT    NOT NULL,
        updated_at       TEXT    NOT NULL,
        owner            TEXT,
        escalation_level INTEGER NOT NULL CHECK (escalation_level >= 1),
        occurrences      INTEGER NOT NULL CHECK (occurrences >= 1),
        version          INTEGER NOT NULL CHECK (version >= 1),
        change_seq       INTEGER NOT NULL
    );
    -- Repeats fold into the open incident with their key; this index makes
    -- "one open incident per key" a fact of the database, not of our code.
    CREATE UNIQUE INDEX incidents_open_dedup_key
        ON incidents (dedup_key) WHERE status <> 'resolved';
    CREATE INDEX incidents_change_seq ON incidents (change_seq);

    CREATE TABLE timeline (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        at          TEXT    NOT NULL,
        who         TEXT    NOT NULL,
        kind        TEXT    NOT NULL,
        text        TEXT    NOT NULL DEFAULT ''
    );
    CREATE INDEX timeline_incident ON timeline (incident_id, id);

    -- One row: the number of the last change, and a name for this database
    -- so list ETags from another hub's file never match ours.
    CREATE TABLE hub (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        change_seq INTEGER NOT NULL,
        hub_id     TEXT    NOT NULL
    );
    INSERT INTO hub (id, change_seq, hub_id)
        VALUES (1, 0, lower(hex(randomblob(8))));
    "#,
    // 1 -> 2: runbook checklist steps ticked on an incident.
    r#"
    CREATE TABLE steps (
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        runbook     TEXT    NOT NULL,
        step        INTEGER NOT NULL CHECK (step >= 0),
        PRIMARY KEY (incident_id, runbook, step)
    );
    "#,
    // 2 -> 3: escalation timers and hand-offs. `level_since` is when the
    // incident reached its current level (opened or last escalated); older
    // incidents take it from their history.
    r#"
    ALTER TABLE incidents ADD COLUMN level_since TEXT NOT NULL DEFAULT '';
    UPDATE incidents SET level_since = COALESCE(
        (SELECT at FROM timeline
          WHERE timeline.incident_id = incidents.id AND kind = 'escalated'
          ORDER BY id DESC LIMIT 1),
        created_at);
    -- The escalation pass looks only at unacknowledged incidents, a hand-off
    -- only at the open ones someone holds.
    CREATE INDEX incidents_triggered ON incidents (id) WHERE status = 'triggered';
    CREATE INDEX incidents_open_owner ON incidents (owner) WHERE status <> 'resolved';

    -- `until`: the end of the shift the hand-off was made in, the window in
    -- which `to_who` is on call by it; NULL on a hub without a rota.
    CREATE TABLE handoffs (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        from_who TEXT    NOT NULL,
        to_who   TEXT    NOT NULL,
        at       TEXT    NOT NULL,
        until    TEXT,
        note     TEXT    NOT NULL,
        moved    TEXT    NOT NULL DEFAULT '[]'
    );
    CREATE INDEX handoffs_to ON handoffs (to_who, id);
    "#,
    // 3 -> 4: answers remembered by Idempotency-Key, per responder.
    r#"
    CREATE TABLE idempotency (
        who     TEXT    NOT NULL,
        key     TEXT    NOT NULL,
        request TEXT    NOT NULL,
        status  INTEGER NOT NULL,
        body    BLOB    NOT NULL,
        at      TEXT    NOT NULL,
        PRIMARY KEY (who, key)
    );
    CREATE INDEX idempotency_at ON idempotency (at);
    "#,
    // 4 -> 5: when an action that reached the hub late (kept in a console's
    // outbox while the hub was unreachable) was taken.
    r#"
    ALTER TABLE timeline ADD COLUMN taken_at TEXT;
    "#,
    // 5 -> 6: pages on their way, queued in the transaction of the change
    // that pages. One row per message to one contact of a person or a
    // channel; `id` is the delivery id receivers see on every attempt. The
    // contact is kept as it was queued (`via`, `contact_to`; its `after` is
    // `due_at - started_at`), and the incident as it was paged (`paged`,
    // JSON). Times here always carry nine fraction digits, so they compare
    // as text exactly: the worker finds what is due by comparing them.
    r#"
    CREATE TABLE deliveries (
        id              TEXT    PRIMARY KEY,
        incident_id     INTEGER REFERENCES incidents (id),
        recipient_kind  TEXT    NOT NULL CHECK (recipient_kind IN ('person', 'channel')),
        recipient       TEXT    NOT NULL,
        contact_index   INTEGER NOT NULL CHECK (contact_index >= 0),
        via             TEXT    NOT NULL,
        contact_to      TEXT    NOT NULL,
        event           TEXT    NOT NULL,
        paged           TEXT,
        detail          TEXT,
        round           INTEGER NOT NULL CHECK (round >= 1),
        started_at      TEXT    NOT NULL,
        due_at          TEXT    NOT NULL,
        state           TEXT    NOT NULL
                        CHECK (state IN ('queued', 'sending', 'delivered', 'failed', 'cancelled')),
        attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at TEXT    NOT NULL,
        lease_until     TEXT,
        last_error      TEXT,
        answered_at     TEXT,
        -- Set on one being sent when its page ends (acknowledged, resolved,
        -- paged anew): if this attempt fails it is not tried again.
        stopped         INTEGER NOT NULL DEFAULT 0 CHECK (stopped IN (0, 1))
    );
    -- What the worker looks for: queued and due, or sending past its lease.
    CREATE INDEX deliveries_queued ON deliveries (next_attempt_at) WHERE state = 'queued';
    CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE state = 'sending';
    -- An incident's rounds, and its pages to cancel.
    CREATE INDEX deliveries_incident ON deliveries (incident_id, round);
    "#,
    // 6 -> 7: heartbeats, one row each once first pinged.
    r#"
    CREATE TABLE heartbeats (
        name        TEXT    PRIMARY KEY,
        state       TEXT    NOT NULL
                    CHECK (state IN ('new', 'up', 'late', 'down', 'running')),
        since       TEXT    NOT NULL,
        last_ping   TEXT,
        last_status TEXT    CHECK (last_status IN ('start', 'success', 'fail')),
        exit_code   INTEGER,
        run_id      TEXT,
        log         TEXT,
        run_started TEXT,
        due         TEXT
    );
    "#,
    // 7 -> 8: the noise report's indexes (`store::report`): incidents by
    // when they opened and by dedup key, timelines by kind, pages delivered.
    crate::hub::store::report::INDEXES,
    // 8 -> 9: squashes (silences and maintenance windows), kept after they
    // end as history, and the squash that keeps each incident quiet. Squash
    // times carry nine fraction digits, like the queue's, so they compare as
    // text exactly.
    r#"
    CREATE TABLE squashes (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        matchers   TEXT    NOT NULL,
        starts     TEXT    NOT NULL,
        until      TEXT    NOT NULL,
        reason     TEXT    NOT NULL,
        created_by TEXT    NOT NULL,
        created_at TEXT    NOT NULL,
        removed_by TEXT,
        removed_at TEXT
    );
    -- What is in force or scheduled: not removed, not yet over.
    CREATE INDEX squashes_until ON squashes (until) WHERE removed_at IS NULL;
    ALTER TABLE incidents ADD COLUMN squashed_by INTEGER;
    CREATE INDEX incidents_squashed_by ON incidents (squashed_by) WHERE squashed_by IS NOT NULL;
    "#,
    // 9 -> 10: ownership and roles. Who else is on an incident (`helpers`,
    // a JSON list of names), whether it is major and who manages it, when
    // its snooze ends (a queue time, nine fraction digits, so the timers
    // find the snoozes over by comparing text), and, while its owner holds
    // it by an assign, whom it was taken from and who assigned it.
    r#"
    ALTER TABLE incidents ADD COLUMN helpers TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE incidents ADD COLUMN major INTEGER NOT NULL DEFAULT 0 CHECK (major IN (0, 1));
    ALTER TABLE incidents ADD COLUMN incident_manager TEXT;
    ALTER TABLE incidents ADD COLUMN snoozed_until TEXT;
    ALTER TABLE incidents ADD COLUMN previous_owner TEXT;
    ALTER TABLE incidents ADD COLUMN assigned_by TEXT;
    CREATE INDEX incidents_snoozed ON incidents (snoozed_until) WHERE snoozed_until IS NOT NULL;
    "#,
    // 10 -> 11: what stakeholders are told and what must happen after.
    // `status_update` is an incident's latest status update (JSON: text, by,
    // at). Follow-ups are rows of their own because they outlive their
    // incident; overrides are the rota's covers made through the API, kept
    // after they end or are removed as history. Times are queue times (nine
    // fraction digits) so they compare as text.
    r#"
    ALTER TABLE incidents ADD COLUMN status_update TEXT;
    CREATE TABLE followups (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_id INTEGER NOT NULL,
        text        TEXT    NOT NULL,
        owner       TEXT    NOT NULL,
        due         TEXT,
        status      TEXT    NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'done', 'dropped')),
        note        TEXT,
        created_by  TEXT    NOT NULL,
        created_at  TEXT    NOT NULL,
        closed_by   TEXT,
        closed_at   TEXT
    );
    CREATE INDEX followups_open ON followups (owner, due) WHERE status = 'open';
    CREATE INDEX followups_incident ON followups (incident_id);
    CREATE TABLE overrides (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        responder  TEXT    NOT NULL,
        starts     TEXT    NOT NULL,
        until      TEXT    NOT NULL,
        created_by TEXT    NOT NULL,
        created_at TEXT    NOT NULL,
        removed_by TEXT,
        removed_at TEXT
    );
    CREATE INDEX overrides_until ON overrides (until) WHERE removed_at IS NULL;
    "#,
    // 11 -> 12: resolved incidents by id, newest first (`store::history`):
    // a page of the history starts at its cursor.
    "CREATE INDEX incidents_resolved ON incidents (id) WHERE status = 'resolved';",
];

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the database up to [`current_version`]. A file written by a newer
/// oncall is refused rather than guessed at.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > current_version() {
            return Err(StoreError::TooNew {
                found: version,
                known: current_version(),
            });
        }
        let Some(step) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            return Ok(());
        };
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        tracing::info!(
            from = version,
            to = version + 1,
            "migrated the hub database"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let id: String = conn
            .query_row("SELECT hub_id FROM hub", [], |r| r.get(0))
            .unwrap();
        migrate(&mut conn).unwrap();
        let again: String = conn
            .query_row("SELECT hub_id FROM hub", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, again);
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, current_version());
    }

    #[test]
    fn older_incidents_get_the_time_they_reached_their_level() {
        let mut conn = Connection::open_in_memory().unwrap();
        for step in &MIGRATIONS[..2] {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO incidents (dedup_key, title, service, severity, status, source,
                 created_at, updated_at, escalation_level, occurrences, version, change_seq)
             VALUES ('a', 'a', 'db', 'high', 'triggered', 'api', '2026-11-23T08:00:00Z',
                     '2026-11-23T08:20:00Z', 2, 1, 2, 2),
                    ('b', 'b', 'db', 'high', 'triggered', 'api', '2026-11-23T09:00:00Z',
                     '2026-11-23T09:00:00Z', 1, 1, 1, 3);
             INSERT INTO timeline (incident_id, at, who, kind, text) VALUES
                 (1, '2026-11-23T08:00:00Z', 'alice', 'opened', ''),
                 (1, '2026-11-23T08:10:00Z', 'alice', 'escalated', ''),
                 (1, '2026-11-23T08:20:00Z', 'bob', 'escalated', '');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let since: Vec<String> = conn
            .prepare("SELECT level_since FROM incidents ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(since, ["2026-11-23T08:20:00Z", "2026-11-23T09:00:00Z"]);
    }

    #[test]
    fn a_newer_file_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", current_version() + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
