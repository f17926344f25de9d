//! The runbook pane of the real console against a real hub: a ticked step
//! is stored on the incident and survives a restart of the console; `y`
//! copies through the terminal, and asks first for a block tagged
//! irreversible; `o` hands the runbook to the pager and the console comes
//! back; an alert the runbook maps to a section opens the pane there, and
//! `t` goes to the top and back.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;
use support::pty;

use base64::Engine;
use oncall::incident::NewIncident;
use support::{ALICE, TestHub};

fn config(dir: &std::path::Path, hub: &TestHub) -> String {
    config_with(dir, hub, "")
}

/// The console's config for `hub`, with `more` (a table or two) after it.
fn config_with(dir: &std::path::Path, hub: &TestHub, more: &str) -> String {
    let path = dir.join("config.toml");
    let text = format!(
        "responder = \"alice\"\n[[feeds]]\nname = \"team hub\"\nurl = \"{}\"\ntoken_env = \"TEST_ONCALL_TOKEN\"\npoll_interval = \"1s\"\n{more}",
        hub.base
    );
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn oom() -> NewIncident {
    let mut new = support::incident("OOM killer ended java on api-3");
    new.labels
        .insert("alertname".into(), "HostOomKillDetected".into());
    new
}

fn start(cfg: &str, data: &std::path::Path, extra: &[(&str, &str)]) -> pty::Console {
    let mut env = vec![
        ("TEST_ONCALL_TOKEN", ALICE),
        ("ONCALL_DATA_DIR", data.to_str().unwrap()),
    ];
    env.extend_from_slice(extra);
    let mut console = pty::Console::spawn(&["--config", cfg], &env, 120, 40);
    console.wait_text("team hub live");
    console.wait_for("the memory runbook", |s| {
        s.contains("Runbook") && s.contains(": memory ")
    });
    console
}

fn steps_line(screen: &str) -> Option<(usize, usize)> {
    let at = screen.find("steps ")?;
    let rest = &screen[at + 6..];
    let (done, rest) = rest.split_once('/')?;
    let total: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((done.parse().ok()?, total.parse().ok()?))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ticked_step_survives_a_restart_of_the_console() {
    let hub = TestHub::start().await;
    let id = hub.open(&oom()).await.id;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &hub);

    let mut console = start(&cfg, dir.path(), &[]);
    console.wait_for("no step done", |s| {
        steps_line(s).is_some_and(|(d, t)| d == 0 && t > 0)
    });
    console.send(" ");
    console.wait_text("Step ticked on #");
    console.wait_for("one step done", |s| {
        steps_line(s).is_some_and(|(d, _)| d == 1)
    });
    console.send("q");
    assert!(console.wait_exit());

    // The hub has it, with who and which step.
    let inc = hub.incident(id).await;
    assert!(inc.steps["memory"].contains(&0), "{:?}", inc.steps);
    assert!(
        inc.timeline
            .iter()
            .any(|e| e.who == "alice" && e.text.contains("step 1 of memory"))
    );

    // A new console shows it ticked.
    let mut console = start(&cfg, dir.path(), &[]);
    console.wait_for("one step done after the restart", |s| {
        steps_line(s).is_some_and(|(d, _)| d == 1)
    });
    console.send("\t ");
    console.wait_text("[x] ");
    console.send("q");
    assert!(console.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn y_copies_a_command_and_o_opens_the_pager_and_comes_back() {
    let hub = TestHub::start().await;
    hub.open(&oom()).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &hub);
    let paged = dir.path().join("paged.md");
    let pager = format!("cat > {}", paged.display());

    let mut console = start(&cfg, dir.path(), &[("PAGER", &pager)]);
    console.send("\ty");
    console.wait_text("y copies it");
    console.send("y");
    console.wait_text("to the clipboard (OSC 52)");
    let copied = console
        .seen()
        .clipboard
        .last()
        .cloned()
        .expect("an OSC 52 write");
    let text = base64::engine::general_purpose::STANDARD
        .decode(copied)
        .unwrap();
    assert!(!text.is_empty() && String::from_utf8(text).is_ok());

    console.send("o");
    console.wait_text("Back from `cat > ");
    console.wait_for("the memory runbook", |s| {
        s.contains("Runbook") && s.contains(": memory ")
    });
    let written = std::fs::read_to_string(&paged).unwrap();
    assert!(
        written.starts_with("\n# ") || written.starts_with("# "),
        "{written}"
    );
    assert!(
        console.alternate_screen(),
        "the console took the screen back"
    );
    console.send("q");
    assert!(console.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn y_on_an_irreversible_block_copies_only_once_confirmed() {
    let hub = TestHub::start().await;
    let mut new = support::incident("Cache volume on cache-2 at 91%");
    new.labels
        .insert("alertname".into(), "CacheVolumeFilling".into());
    hub.open(&new).await;
    let dir = tempfile::tempdir().unwrap();
    // A team runbook whose last block is tagged irreversible.
    let team = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tagged-runbooks"
    );
    let more = format!("[runbooks]\ndirs = [\"{team}\"]\n");
    let cfg = config_with(dir.path(), &hub, &more);

    let env = [
        ("TEST_ONCALL_TOKEN", ALICE),
        ("ONCALL_DATA_DIR", dir.path().to_str().unwrap()),
    ];
    let mut console = pty::Console::spawn(&["--config", &cfg], &env, 120, 40);
    console.wait_text("team hub live");
    console.wait_text("irreversible · sh");
    // The runbook focused, its last line (the rm) under the cursor.
    console.send("\tGy");
    console.wait_text("Copy IRREVERSIBLE `rm -rf /srv/cache/tmp`? y/Enter copies");
    console.send("n");
    console.wait_text("Not copied: `rm -rf /srv/cache/tmp`.");
    assert!(
        console.seen().clipboard.is_empty(),
        "nothing reached the clipboard"
    );

    console.send("y");
    console.wait_text("Copy IRREVERSIBLE");
    console.send("\r");
    console.wait_text("to the clipboard (OSC 52)");
    let copied = console.seen().clipboard.clone();
    assert_eq!(copied.len(), 1, "one write, after the yes");
    let text = base64::engine::general_purpose::STANDARD
        .decode(&copied[0])
        .unwrap();
    assert_eq!(String::from_utf8(text).unwrap(), "rm -rf /srv/cache/tmp");
    console.send("q");
    assert!(console.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pane_opens_at_the_section_of_the_alert_and_t_goes_to_the_top_and_back() {
    let hub = TestHub::start().await;
    let mut crash = support::incident("Pod is crash looping.");
    crash.service = "checkout".into();
    crash
        .labels
        .insert("alertname".into(), "KubePodCrashLooping".into());
    hub.open(&crash).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &hub);
    let data = dir.path().to_str().unwrap();
    let env = [("TEST_ONCALL_TOKEN", ALICE), ("ONCALL_DATA_DIR", data)];
    let mut console = pty::Console::spawn(&["--config", &cfg], &env, 120, 40);
    // The runbook's sections maps the alert to this heading (numbered
    // there as a step of its checks).
    let heading = "Why the container stopped: crash loop or OOMKil";
    console.wait_for("the pane at the crash-loop section", |s| {
        s.contains(&format!("§ 2. {heading}")) && s.contains(&format!("│2. {heading}"))
    });
    let screen = console.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let why = lines.iter().position(|l| l.contains("§ ")).unwrap();
    assert!(
        lines[why + 1..].iter().take(2).any(|l| l.contains(heading)),
        "the section's heading is the pane's first line:\n{screen}"
    );
    let top = "Kubernetes workloads: crash loops, OOMKilled, pending, rollouts";
    assert!(!screen.contains(top), "not at the top:\n{screen}");
    console.send("t");
    console.wait_for("the top of the runbook", |s| {
        s.contains(top) && s.contains("Top of kubernetes-workloads; t goes back to §")
    });
    console.send("t");
    console.wait_for("back at the section", |s| {
        !s.contains(top) && s.contains(&format!("│2. {heading}"))
    });
    console.send("q");
    assert!(console.wait_exit());
}
