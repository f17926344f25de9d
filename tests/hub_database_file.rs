//! The hub's database file: a new one (and SQLite's `-wal` and `-shm` beside
//! it) is its owner's alone, and a file at the path that is not a database
//! (empty, or something else) is refused with what to do, never silently
//! taken for a new, empty hub.
//!
//! SQLite only: these are rules about a file on disk, which a hub on
//! PostgreSQL does not have.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use oncall::hub::{HubSettings, HubState};
use support::{TestHub, incident, two_responders};

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_new_database_and_its_wal_are_owner_only() {
    let hub = TestHub::start().await;
    hub.open(&incident("disk full")).await;
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", hub.db.display());
        assert_eq!(mode(Path::new(&path)), 0o600, "{path}");
    }
}

#[test]
fn the_library_refuses_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    for (content, why) in [
        (&b""[..], "is empty (0 bytes)"),
        (
            b"hostname,ip\nweb-1,10.0.0.1\n",
            "does not start with the SQLite header",
        ),
    ] {
        std::fs::write(&db, content).unwrap();
        let err = match HubState::open(HubSettings::new(&db, two_responders())) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{content:?} was taken for a database"),
        };
        assert!(err.contains(&db.display().to_string()), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(err.contains("move it away"), "{err}");
        assert!(err.contains("point --db at"), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), content, "left as it was");
    }

    // Nothing there: a new hub, as always.
    let new = dir.path().join("new.db");
    HubState::open(HubSettings::new(&new, two_responders())).unwrap();
    assert!(new.exists());
}

#[cfg(unix)]
#[test]
fn serve_refuses_an_empty_database_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hash = oncall::config::Sha256Hex::of("t").to_hex();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let db = dir.path().join("hub.db");
    std::fs::write(&db, b"").unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_oncall"))
        .arg("--config")
        .arg(&config)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .env_remove("ONCALL_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read until it ends; a hub that starts serving has taken the file.
    let mut said = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains("hub listening") {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the hub started on an empty file: {said}{line}");
        }
        said.push_str(&line);
        said.push('\n');
    }
    assert!(!child.wait().unwrap().success());
    assert!(said.contains(&db.display().to_string()), "{said}");
    assert!(said.contains("is empty (0 bytes)"), "{said}");
    assert!(said.contains("move it away"), "{said}");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "left as it was");
}
