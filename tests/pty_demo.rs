//! The real `oncall --demo` binary in a pseudo-terminal: live incidents and
//! runbooks on screen, `a` acknowledges through the real in-process hub, and
//! `q` gives the terminal back; and the noise a newcomer must meet at once:
//! the nightly backup late in the top bar, the noisy alert's latest incident
//! marked squashed and its squash under `S`, and that alert first in the
//! noise report (`N`).
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

/// `oncall --demo` in a terminal of `cols` by `rows`, its data in a
/// folder of its own, once its hub is live.
fn demo(cols: u16, rows: u16) -> (tempfile::TempDir, pty::Console) {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let mut console =
        pty::Console::spawn(&["--demo"], &[("ONCALL_DATA_DIR", data_dir)], cols, rows);
    console.wait_text("demo hub live");
    (data, console)
}

#[test]
fn demo_acknowledges_an_incident_and_quits_cleanly() {
    let (data, mut console) = demo(120, 40);
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

/// The line after the one holding `header`, if any.
fn line_after<'a>(screen: &'a str, header: &str) -> Option<&'a str> {
    let mut lines = screen.lines().skip_while(|l| !l.contains(header));
    lines.next()?;
    lines.next()
}

#[test]
fn demo_shows_a_late_heartbeat_a_major_incident_a_squash_the_noisiest_alert_and_a_storm() {
    let (_data, mut console) = demo(160, 40);
    console.wait_for("the late backup in the top bar", |s| {
        s.lines()
            .next()
            .is_some_and(|top| top.contains("♥ nightly-backup late"))
    });
    console.wait_for("the squashed incident marked in the list", |s| {
        s.lines()
            .any(|l| l.contains("HIGH z") && l.contains("CPU steal at 34% on worker-5"))
    });

    console.wait_for("the major incident, its manager and its helper", |s| {
        s.lines().any(|l| {
            l.contains("[major: priya]")
                && l.contains("Pod is crash looping")
                && l.contains("sam +1")
        })
    });
    // The storm of one alert on a dozen hosts is one row, grouped; then
    // by service, then not grouped again.
    console.send("=");
    console.wait_for("the storm grouped into one row", |s| {
        s.lines()
            .any(|l| l.contains("▸") && l.contains("· NodeFilesystemAlmostOutOfSpace"))
    });
    console.send("==");
    console.wait_for("the list not grouped", |s| !s.contains("grouped by"));
    console.send("/crash looping\r");
    console.wait_for("its latest status update in the detail", |s| {
        s.contains("status update Checkout pods crash-looping since the 02:10")
            && s.contains("incident manager priya")
    });
    console.send("\x1b");

    console.send("S");
    console.wait_for("the squash in force", |s| {
        s.contains("Squashes in force")
            && s.contains("alertname=HostCpuStealNoisyNeighbour")
            && s.contains("noisy neighbour on hv-2")
    });
    console.send("\x1b");
    console.wait_for("the squashes closed", |s| !s.contains("Squashes in force"));

    console.send("N");
    console.wait_for("the noisy alert first in the report", |s| {
        line_after(s, "alert (service)")
            .is_some_and(|first| first.contains("HostCpuStealNoisyNeighbour (worker)"))
    });
    console.send("q");
    console.wait_for("the report closed", |s| !s.contains("Noise report"));
    console.send("q");
    assert!(
        console.wait_exit(),
        "oncall exited with an error; screen:\n{}",
        console.screen()
    );
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    for sig in ["TERM", "HUP"] {
        let (_data, mut console) = demo(100, 30);
        assert!(console.alternate_screen());
        console.signal(sig);
        console.wait_exit();
        assert!(
            !console.alternate_screen(),
            "SIG{sig} left the terminal in the alternate screen"
        );
    }
}
