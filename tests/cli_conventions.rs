//! What a terminal user expects of any command, checked on the real binary:
//! completions and a man page from the same definition as `--help`, a
//! console that says plainly when it has no terminal, and a hub that fails
//! on a taken port before it touches its database.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::process::{Command, Output, Stdio};

fn oncall(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oncall"))
        .args(args)
        .env_remove("ONCALL_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("run oncall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef oncall"),
        ("fish", "complete -c oncall"),
    ] {
        let out = oncall(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("handoff"), "{shell} completes subcommands");
    }
    let out = oncall(&["completions", "powershell-ish"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("bash"), "the choices are named");
}

#[test]
fn the_man_page_is_roff_with_every_subcommand() {
    let out = oncall(&["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains(".TH oncall 1"), "{page}");
    for section in [
        "ONCALL SERVE",
        "ONCALL PAGE",
        "ONCALL RUNBOOKS MATCH",
        "ONCALL COMPLETIONS",
    ] {
        assert!(page.contains(section), "no {section}");
    }
}

#[test]
fn the_console_without_a_terminal_says_so_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    for args in [vec!["--config", config.to_str().unwrap()], vec!["--demo"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_oncall"))
            .args(&args)
            .env("ONCALL_DATA_DIR", dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("run oncall");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("the console needs a terminal"), "{err}");
        assert!(err.contains("fix: run `oncall` in a terminal"), "{err}");
        assert!(
            out.stdout.is_empty(),
            "nothing drawn: {:?}",
            text(&out.stdout)
        );
    }
}

#[test]
fn serve_on_a_taken_port_fails_before_touching_the_database() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let hash = oncall::config::Sha256Hex::of("t").to_hex();
    let config = dir.path().join("hub.toml");
    std::fs::write(
        &config,
        format!("[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let db = dir.path().join("hub.db");
    let out = oncall(&[
        "--config",
        config.to_str().unwrap(),
        "serve",
        "--listen",
        &addr,
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert!(
        !db.exists(),
        "the database was created for a hub that never served"
    );
    drop(taken);
}
