//! `oncall migrate`: a SQLite hub (the demo's night, with a hand-off, steps,
//! notes, an idempotent request and webhook pages) copied into an empty
//! PostgreSQL database is the same there, row by row and as the hub reads
//! it, and a hub started on the database serves the same list under the
//! same ETag and cursor; the file is left as it was. A database that holds
//! anything, or that a hub serves, is refused and left as it was; a file
//! that is not a hub's is refused before anything is written; a row changed
//! after the copy is reported. The PostgreSQL tests need `--features
//! postgres` (Debian's `postgresql` package, `support::postgres`).
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::path::Path;

use support::cli::{oncall, stderr, stdout};

/// A file the copy must refuse, and what it says about it.
fn refused(path: &Path, says: &str) {
    // The database is never reached: the file is refused first.
    let out = oncall(
        &[
            "migrate",
            "--from",
            path.to_str().unwrap(),
            "--to",
            "postgres://oncall@127.0.0.1:1/never",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(says), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn a_file_that_is_not_a_hub_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    refused(&dir.path().join("missing.db"), "does not exist");
    assert!(!dir.path().join("missing.db").exists());

    let csv = dir.path().join("hosts.csv");
    std::fs::write(&csv, "hostname,ip\nweb-1,10.0.0.1\n").unwrap();
    refused(&csv, "not an oncall hub database");
    assert_eq!(
        std::fs::read(&csv).unwrap(),
        b"hostname,ip\nweb-1,10.0.0.1\n"
    );

    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    refused(&other, "not an oncall hub's");
}

#[test]
fn a_file_from_a_newer_oncall_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TABLE hub (id INTEGER PRIMARY KEY, change_seq INTEGER, hub_id TEXT);
         PRAGMA user_version = 99;",
    )
    .unwrap();
    drop(conn);
    refused(&db, "newer oncall (schema 99");
}

#[test]
fn to_must_be_a_postgresql_database() {
    let out = oncall(&["migrate", "--from", "hub.db", "--to", "other.db"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--to takes a PostgreSQL database"),
        "{}",
        stderr(&out)
    );
}

#[cfg(feature = "postgres")]
#[path = "hub_migrate/on_postgresql.rs"]
mod on_postgresql;
