//! contrib/oncall-hub.service, the systemd unit the hub ships: it keeps the
//! hardening it promises (its own user, a read-only system, one writable
//! directory, restart on failure), its command line is one `oncall` takes,
//! and `systemd-analyze verify` finds nothing wrong with it, warnings
//! included (it only warns of an unknown key or a misspelt group).
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use clap::Parser;

const UNIT: &str = include_str!("../contrib/oncall-hub.service");

/// The directives of each section, every value of a directive in order
/// (some, like `SystemCallFilter`, may be given more than once). Refuses
/// what a unit file may not hold.
fn sections(text: &str) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    let mut section: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        assert!(!line.ends_with('\\'), "line {}: continued lines", n + 1);
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(name.to_string());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("line {}: not KEY=VALUE: {line}", n + 1));
        let section = section
            .clone()
            .unwrap_or_else(|| panic!("line {}: outside a section", n + 1));
        out.entry(section)
            .or_default()
            .entry(key.trim().to_string())
            .or_default()
            .push(value.trim().to_string());
    }
    out
}

fn one<'a>(
    units: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
    section: &str,
    key: &str,
) -> &'a str {
    let values = units
        .get(section)
        .and_then(|s| s.get(key))
        .unwrap_or_else(|| panic!("[{section}] has no {key}="));
    assert_eq!(values.len(), 1, "[{section}] {key}= given {values:?}");
    &values[0]
}

#[test]
fn the_unit_keeps_its_hardening() {
    let unit = sections(UNIT);
    assert_eq!(
        unit.keys().collect::<Vec<_>>(),
        ["Install", "Service", "Unit"]
    );
    for (key, value) in [
        ("User", "oncall"),
        ("Group", "oncall"),
        ("StateDirectory", "oncall"),
        ("ReadWritePaths", "/var/lib/oncall"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("NoNewPrivileges", "yes"),
        ("CapabilityBoundingSet", ""),
        ("SystemCallFilter", "@system-service"),
        ("Restart", "on-failure"),
        ("UMask", "0077"),
    ] {
        assert_eq!(one(&unit, "Service", key), value, "{key}");
    }
    let families: Vec<&str> = one(&unit, "Service", "RestrictAddressFamilies")
        .split_whitespace()
        .collect();
    assert_eq!(families, ["AF_INET", "AF_INET6", "AF_UNIX"]);
    let env = one(&unit, "Service", "EnvironmentFile");
    assert!(env.starts_with("-/etc/oncall/"), "{env}");
    assert_eq!(one(&unit, "Install", "WantedBy"), "multi-user.target");
    // Nothing may undo the sandbox.
    let service = &unit["Service"];
    for loosening in ["DynamicUser", "AmbientCapabilities", "ReadOnlyPaths"] {
        if let Some(values) = service.get(loosening) {
            assert!(
                values.iter().all(String::is_empty),
                "{loosening}={values:?}"
            );
        }
    }
}

#[test]
fn its_command_line_is_one_oncall_takes_with_the_database_where_it_may_write() {
    let unit = sections(UNIT);
    let exec = one(&unit, "Service", "ExecStart");
    let words: Vec<&str> = exec.split_whitespace().collect();
    assert_eq!(words[0], "/usr/local/bin/oncall");
    let cli = oncall::cli::Cli::try_parse_from(&words).unwrap_or_else(|e| panic!("{exec}: {e}"));
    assert_eq!(
        cli.config.as_deref(),
        Some(Path::new("/etc/oncall/config.toml"))
    );
    match cli.command {
        Some(oncall::cli::Cmd::Serve { db, .. }) => {
            let writable = one(&unit, "Service", "ReadWritePaths");
            assert!(
                Path::new(&db).starts_with(writable),
                "{db} outside {writable}"
            );
        }
        other => panic!("ExecStart runs {other:?}, not serve"),
    }
}

#[test]
fn systemd_analyze_verify_finds_nothing_to_say() {
    let analyze = Path::new("/usr/bin/systemd-analyze");
    if !analyze.exists() {
        // The two tests above still hold the unit to its promises.
        eprintln!("systemd-analyze is not installed: apt-get install -y systemd");
        return;
    }
    // verify checks that ExecStart's program exists: point it at the one
    // just built, and change nothing else.
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("oncall-hub.service");
    let text = UNIT.replace("/usr/local/bin/oncall", env!("CARGO_BIN_EXE_oncall"));
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new(analyze)
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    let about_it: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("oncall-hub.service"))
        .collect();
    assert!(about_it.is_empty(), "{said}");
}

#[test]
fn the_section_reader_refuses_what_a_unit_may_not_hold() {
    let broken = std::panic::catch_unwind(|| sections("User=oncall\n"));
    assert!(broken.is_err(), "a directive outside a section");
    let broken = std::panic::catch_unwind(|| sections("[Service]\nProtectSystem strict\n"));
    assert!(broken.is_err(), "a line without =");
    let fine = sections("[Service]\nSystemCallFilter=@system-service\nSystemCallFilter=~@mount\n");
    assert_eq!(
        fine["Service"]["SystemCallFilter"],
        ["@system-service", "~@mount"]
    );
}
