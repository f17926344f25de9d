//! The database's shape, and how an older file is brought up to it. The
//! version lives in `PRAGMA user_version`; each step runs in the same
//! transaction as the version bump, so a crash mid-migration leaves the file
//! as it was.
use rusqlite::{Connection, TransactionBehavior};

use super::store::StoreError;

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
    fn a_newer_file_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", current_version() + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
