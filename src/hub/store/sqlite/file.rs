//! The database file before SQLite opens it. A file that is there must be an
//! SQLite database: SQLite takes an empty or foreign file for a new database
//! and the hub would start over, empty, on the wrong file, or write over it.
//! A missing one is made whole, owner-only, under a temporary name and then
//! renamed into place, so a crash never leaves an empty file where the hub
//! would look next time; SQLite gives its `-wal` and `-shm` files the same
//! mode as the database.
use std::io::Read;
use std::path::Path;

use rusqlite::Connection;

use super::StoreError;
use super::schema;

/// The first 16 bytes of every SQLite database.
const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Makes sure `path` is a database, creating a new one if nothing is there.
pub fn prepare(path: &Path) -> Result<(), StoreError> {
    match inspect(path) {
        Found::Database => Ok(()),
        Found::Missing => create(path),
        Found::Not(why) => Err(StoreError::NotADatabase {
            path: path.to_path_buf(),
            why: why.to_string(),
        }),
        Found::Unreadable(e) => Err(unreadable(path, e)),
    }
}

/// What is at a database's path.
pub enum Found {
    Database,
    Missing,
    /// Something that is not a SQLite database, and why not.
    Not(&'static str),
    Unreadable(std::io::Error),
}

/// Looks at `path` without creating or changing anything.
pub fn inspect(path: &Path) -> Found {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Found::Missing,
        // SQLite would fail on it too, with less to say.
        Err(e) => return Found::Unreadable(e),
    };
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Found::Not("is a directory");
    }
    let mut start = Vec::with_capacity(HEADER.len());
    if let Err(e) = file
        .by_ref()
        .take(HEADER.len() as u64)
        .read_to_end(&mut start)
    {
        return Found::Unreadable(e);
    }
    if start.is_empty() {
        Found::Not("is empty (0 bytes)")
    } else if start != HEADER {
        Found::Not("does not start with the SQLite header")
    } else {
        Found::Database
    }
}

pub fn unreadable(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::File(format!("cannot read {}: {e}", path.display()))
}

/// A new database at `path`, with the current schema, in write-ahead mode.
fn create(path: &Path) -> Result<(), StoreError> {
    let dir = crate::files::parent(path);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let io = |what: &str, e: std::io::Error| {
        StoreError::File(format!(
            "cannot {what} a new database in {}: {e}",
            dir.display()
        ))
    };
    // tempfile creates it 0600, whatever the umask.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".new")
        .tempfile_in(dir)
        .map_err(|e| io("create", e))?;
    let mut conn = Connection::open(tmp.path())?;
    schema::migrate(&mut conn)?;
    // Kept in the header: every later connection opens in WAL mode.
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.close().map_err(|(_, e)| e)?;
    tmp.as_file().sync_all().map_err(|e| io("write", e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => {
            crate::files::sync_dir(dir);
            Ok(())
        }
        // Another hub made it first: check what it made.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => prepare(path),
        Err(e) => Err(io("place", e.error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(path: &Path) -> String {
        match prepare(path) {
            Err(e @ StoreError::NotADatabase { .. }) => e.to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_a_database_or_nothing_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hub.db");
        std::fs::write(&db, b"").unwrap();
        let said = refused(&db);
        assert!(said.contains("is empty (0 bytes)"), "{said}");
        assert!(said.contains(&db.display().to_string()), "{said}");
        assert!(said.contains("--db"), "{said}");
        std::fs::write(&db, b"hostname,ip\nweb-1,10.0.0.1\n").unwrap();
        assert!(refused(&db).contains("SQLite header"));
        assert_eq!(
            std::fs::read(&db).unwrap(),
            b"hostname,ip\nweb-1,10.0.0.1\n"
        );
        assert!(refused(dir.path()).contains("directory"));

        std::fs::remove_file(&db).unwrap();
        prepare(&db).unwrap();
        assert!(std::fs::read(&db).unwrap().starts_with(HEADER));
        prepare(&db).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["hub.db"], "no temporary file is left behind");
    }
}
