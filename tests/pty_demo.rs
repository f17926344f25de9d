//! The real `oncall --demo` binary in a pseudo-terminal: live incidents and
//! runbooks on screen, `a` acknowledges through the real in-process hub, and
//! `q` gives the terminal back.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

#[test]
fn demo_acknowledges_an_incident_and_quits_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let mut console = pty::Console::spawn(&["--demo"], &[("ONCALL_DATA_DIR", data_dir)], 120, 40);
    console.wait_text("demo hub live");
    console.wait_text("Runbook:");
    // The top incident is a critical that reached the demo responder, who is
    // on call, and that nobody has acknowledged yet.
    console.wait_text("on call alex (you)");
    console.wait_for("a triggered incident selected", |s| {
        s.contains("critical · triggered")
    });
    console.send("a");
    console.wait_text("Acknowledged #");
    console.wait_text("alex (you)");
    console.wait_for("the acknowledged entry in the timeline", |s| {
        s.contains("alex acknowledged")
    });
    console.send("q");
    assert!(
        console.wait_exit(),
        "oncall exited with an error; screen:\n{}",
        console.screen()
    );
    assert!(
        !console.alternate_screen(),
        "the terminal was left in the alternate screen"
    );
    assert!(
        data.path().join("oncall.log").exists(),
        "logs go to the data directory"
    );
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    for sig in ["TERM", "HUP"] {
        let data = tempfile::tempdir().unwrap();
        let mut console = pty::Console::spawn(
            &["--demo"],
            &[("ONCALL_DATA_DIR", data.path().to_str().unwrap())],
            100,
            30,
        );
        console.wait_text("demo hub live");
        assert!(console.alternate_screen());
        console.signal(sig);
        console.wait_exit();
        assert!(
            !console.alternate_screen(),
            "SIG{sig} left the terminal in the alternate screen"
        );
    }
}
