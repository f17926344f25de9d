//! The `oncall` binary's commands, run as a user would: each good path does
//! its job, each bad input gets a message that says what and how to fix it.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use support::cli;

use std::path::Path;
use std::process::Command;

use cli::{oncall, stderr, stdout};
use support::{ALICE, TestHub};

fn write_config(dir: &Path, text: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn page_opens_an_incident_and_prints_its_id() {
    let hub = TestHub::start().await;
    let out = tokio::task::spawn_blocking({
        let base = hub.base.clone();
        move || {
            oncall(
                &[
                    "page",
                    "--hub",
                    &base,
                    "--service",
                    "postgres",
                    "--severity",
                    "critical",
                    "--dedup-key",
                    "pg-1",
                    "--label",
                    "team=db",
                    "db-1 down",
                ],
                &[("ONCALL_TOKEN", ALICE)],
            )
        }
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id: u64 = stdout(&out)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("stdout is not an id: {:?}", stdout(&out)));
    let inc = hub.incident(id).await;
    assert_eq!(
        (
            inc.title.as_str(),
            inc.service.as_str(),
            inc.source.as_str()
        ),
        ("db-1 down", "postgres", "page")
    );
    assert_eq!(inc.labels.get("team"), Some("db"));
    assert_eq!(inc.timeline[0].who, "alice");
}

#[tokio::test(flavor = "multi_thread")]
async fn page_with_the_url_from_config_and_a_refused_token() {
    let hub = TestHub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "[[feeds]]\nurl = \"{}\"\ntoken_env = \"MY_TOKEN\"\n",
            hub.base
        ),
    );
    let out = tokio::task::spawn_blocking(move || {
        oncall(
            &["--config", &config, "page", "--service", "web", "x"],
            &[("MY_TOKEN", "oc_wrong")],
        )
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("token was refused (401)") && stderr(&out).contains("$MY_TOKEN"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn page_without_a_token_says_which_variable() {
    let out = oncall(
        &[
            "page",
            "--hub",
            "http://127.0.0.1:9",
            "--service",
            "web",
            "x",
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("$ONCALL_TOKEN is not set"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn page_to_a_hub_that_is_down_says_so() {
    let out = oncall(
        &[
            "page",
            "--hub",
            "http://127.0.0.1:9",
            "--service",
            "web",
            "--retry-for",
            "0s",
            "x",
        ],
        &[("ONCALL_TOKEN", "t")],
    );
    assert!(!out.status.success());
    assert!(!stderr(&out).contains("trying again"), "0s tries once");
    assert!(
        stderr(&out).contains("cannot reach http://127.0.0.1:9"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn page_rejects_a_bad_severity_with_the_choices() {
    let out = oncall(
        &["page", "--service", "web", "--severity", "urgent", "x"],
        &[],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("use critical, high, warning or info"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn token_new_prints_a_line_the_hub_config_accepts() {
    let out = oncall(&["token", "new", "carol"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let token = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("oc_"))
        .expect("a token line")
        .to_string();
    let snippet: String = text
        .lines()
        .skip_while(|l| !l.starts_with("[[hub.responders]]"))
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    let config = oncall::config::Config::parse(&snippet, Path::new("hub.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{snippet}"));
    assert_eq!(config.hub.responders[0].name, "carol");
    assert_eq!(
        config.hub.responders[0].token_sha256,
        oncall::config::Sha256Hex::of(&token)
    );
}

#[test]
fn a_bad_config_names_file_line_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "responder = \"alice\"\n[[feeds]]\nurl = \"http://h:1\"\npoll_interval = \"often\"\n",
    );
    let out = oncall(&["--config", &config, "runbooks", "list"], &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains(&format!("{config}:4:")), "{err}");
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn a_missing_named_config_is_an_error() {
    let out = oncall(
        &["--config", "/nonexistent/oncall.toml", "runbooks", "list"],
        &[],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot read the config file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn serve_without_responders_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let db = dir.path().join("hub.db");
    let out = serve(&config, &db);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("oncall token new"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn runbooks_show_works_from_anywhere_offline() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oncall"))
        .args(["runbooks", "show", "network"])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("# Network faults"),
        "{}",
        stdout(&out)
    );
    let out = oncall(&["runbooks", "show", "nope"], &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("there are: "), "{}", stderr(&out));
}

#[test]
fn runbooks_match_ranks_with_reasons() {
    let out = oncall(
        &[
            "runbooks",
            "match",
            "--title",
            "50% packet loss to db-3",
            "--service",
            "postgres",
            "--label",
            "alertname=NodeFilesystemAlmostOutOfSpace",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("1. disk-full"), "{text}");
    assert!(
        text.contains("because: alert NodeFilesystemAlmostOutOfSpace"),
        "{text}"
    );
    assert!(text.contains("service postgres"), "{text}");
    let out = oncall(
        &["runbooks", "match", "--title", "packet loss", "--json"],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["id"], "network");
    assert_eq!(json[0]["reasons"][0], "keyword 'packet loss' in title");
}

#[test]
fn runbooks_check_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.md"),
        "+++\nid = \"good\"\ntitle = \"Good\"\n+++\n# Good\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("typo.md"),
        "+++\nid = \"typo\"\ntitle = \"T\"\nkeyword = [\"x\"]\n+++\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("dup.md"),
        "+++\nid = \"good\"\ntitle = \"Again\"\n+++\n",
    )
    .unwrap();
    let out = oncall(&["runbooks", "check", dir.path().to_str().unwrap()], &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("typo.md:4: unknown field `keyword`"), "{err}");
    assert!(err.contains("duplicate id 'good'"), "{err}");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let out = oncall(&["runbooks", "check", shipped.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn runbooks_check_names_every_override_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("team");
    let later = dir.path().join("later");
    for d in [&team, &later] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        team.join("net.md"),
        "+++\nid = \"network\"\ntitle = \"Our network\"\n+++\n# Ours\n",
    )
    .unwrap();
    std::fs::write(
        team.join("pay.md"),
        "+++\nid = \"payments\"\ntitle = \"Payments\"\n+++\n# Pay\n",
    )
    .unwrap();
    // A word-for-word copy of a shipped runbook changes nothing: not named.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/disk-full.md");
    std::fs::copy(shipped, team.join("disk-full.md")).unwrap();
    let out = oncall(&["runbooks", "check", team.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "3 runbooks OK\n");
    assert_eq!(
        stderr(&out),
        format!(
            "warning: {}: overrides the shipped runbook 'network' ((shipped) runbooks/network.md)\n",
            team.join("net.md").display()
        )
    );

    // The config's folders: a later one overriding an earlier one is named too.
    std::fs::write(
        later.join("payments.md"),
        "+++\ntitle = \"Payments, again\"\n+++\n# Pay\n",
    )
    .unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "[runbooks]\ndirs = [\"{}\", \"{}\"]\n",
            team.display(),
            later.display()
        ),
    );
    let out = oncall(&["--config", &config, "runbooks", "check"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "warning: {}: overrides the runbook 'payments' ({})\n",
            later.join("payments.md").display(),
            team.join("pay.md").display()
        )),
        "{err}"
    );
    assert!(err.contains("'network'"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn handoff_print_shows_the_note_h_would_send() {
    let hub = TestHub::start().await;
    let inc = hub.open(&support::incident("db-1 replication lag")).await;
    let base = hub.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        oncall(
            &["handoff", "--print", "--hub", &base, "--to", "bob"],
            &[("ONCALL_TOKEN", ALICE), ("USER", "alice")],
        )
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let note = stdout(&out);
    assert!(note.starts_with("# Hand-off from alice to bob"), "{note}");
    assert!(
        note.contains(&format!(
            "- #{} [warning] db-1 replication lag (db)",
            inc.id
        )),
        "{note}"
    );
    let out = oncall(&["handoff"], &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--print"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn serve_refuses_token_hashes_other_users_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hash = oncall::config::Sha256Hex::of("t").to_hex();
    let config = write_config(
        dir.path(),
        &format!("[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n"),
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = dir.path().join("hub.db");
    let out = serve(&config, &db);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("other users can read it (mode 644)"), "{err}");
    assert!(err.contains(&format!("fix: chmod 600 {config}")), "{err}");
    assert!(!db.exists(), "refused before touching the database");
}

#[cfg(unix)]
#[test]
fn serve_with_contacts_refuses_to_start_without_its_secret() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hash = oncall::config::Sha256Hex::of("t").to_hex();
    let config = write_config(
        dir.path(),
        &format!(
            "[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n\
             [[hub.responders.contacts]]\nvia = \"ntfy\"\nto = \"https://ntfy.example.com/alice\"\n\
             [hub.notify]\npublic_url = \"https://oncall.example.com\"\n\
             secret_env = \"ONCALL_TEST_UNSET_SECRET\"\n"
        ),
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let db = dir.path().join("hub.db");
    let out = serve(&config, &db);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("ONCALL_TEST_UNSET_SECRET is not set, or empty"),
        "{err}"
    );
    assert!(err.contains(&format!("{config}:")), "names the file: {err}");
    assert!(!db.exists(), "refused before touching the database");
}

/// `oncall --config CONFIG serve` on a free port of 127.0.0.1 with its
/// database at `db`, for a serve that is expected to refuse to start.
fn serve(config: &str, db: &std::path::Path) -> std::process::Output {
    let db = db.to_str().unwrap();
    oncall(
        &[
            "--config",
            config,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            db,
        ],
        &[],
    )
}

#[cfg(unix)]
#[test]
fn serve_on_postgresql_says_what_is_wrong_with_the_url_or_the_server() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let hash = oncall::config::Sha256Hex::of("t").to_hex();
    let config = write_config(
        dir.path(),
        &format!("[[hub.responders]]\nname = \"alice\"\ntoken_sha256 = \"{hash}\"\n"),
    );
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let serve = |db: &str, env: &[(&str, &str)]| {
        let args = ["--config", &config, "serve", "--listen", "127.0.0.1:0"];
        oncall(&[&args[..], &["--db", db]].concat(), env)
    };

    let out = serve("postgres://127.0.0.1/pager", &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("names no user"), "{}", stderr(&out));
    let out = serve(
        "postgres://oncall:hunter2@db.example/pager?sslmode=require",
        &[],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("sslmode=require"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");

    // Nobody listens there: refused, naming the database but not the
    // password.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgresql://oncall@127.0.0.1:{port}/pager");
    let out = serve(&url, &[("PGPASSWORD", "hunter2-secret")]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "cannot open the hub database postgres://oncall@127.0.0.1:{port}/pager"
        )),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}
