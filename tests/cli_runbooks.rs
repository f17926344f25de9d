//! `oncall runbooks match` and `oncall runbooks check --strict` run as a
//! user would: a match names the section of its runbook to open at, and a
//! team's runbooks are held to the shipped ones' standard, each shortfall
//! named with its file and line.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod support;

use std::path::{Path, PathBuf};

use support::cli::{oncall, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// KubePodCrashLooping as kube-prometheus sends it: the summary as the
/// title, the series' labels, and a runbook_url named after the alert.
const CRASH_LOOPING: [&str; 14] = [
    "runbooks",
    "match",
    "--title",
    "Pod is crash looping.",
    "--description",
    "Pod shop/checkout-7c9d6f5b8-2xkqp (app) is in waiting state (reason: \"CrashLoopBackOff\").",
    "--label",
    "alertname=KubePodCrashLooping",
    "--label",
    "job=kube-state-metrics",
    "--label",
    "namespace=shop",
    "--runbook-url",
    "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
];

#[test]
fn a_match_names_its_section_in_json_and_in_text() {
    let mut args = CRASH_LOOPING.to_vec();
    args.push("--json");
    let out = oncall(&args, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["id"], "kubernetes-workloads", "{json:#}");
    assert_eq!(
        json[0]["reasons"][0],
        "runbook_url names alert KubePodCrashLooping"
    );
    assert_eq!(
        json[0]["section"]["heading"],
        "2. Why the container stopped: crash loop or OOMKilled"
    );
    assert_eq!(
        json[0]["section"]["why"],
        "sections maps KubePodCrashLooping"
    );
    let out = oncall(&CRASH_LOOPING, &[]);
    let text = stdout(&out);
    assert!(text.starts_with("1. kubernetes-workloads"), "{text}");
    assert!(
        text.contains(
            "   section: 2. Why the container stopped: crash loop or OOMKilled (sections maps KubePodCrashLooping)\n"
        ),
        "{text}"
    );
    // A match with nothing standing out in its runbook has a null section.
    let out = oncall(
        &["runbooks", "match", "--title", "packet loss", "--json"],
        &[],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["id"], "network");
    assert!(json[0]["section"].is_null(), "{json:#}");
}

#[test]
fn check_strict_names_each_missing_section_and_untagged_block() {
    let dir = fixture("team-runbooks-substandard");
    let file = dir.join("queue-workers.md").display().to_string();
    let out = oncall(
        &["runbooks", "check", "--strict", dir.to_str().unwrap()],
        &[],
    );
    assert!(!out.status.success(), "{}", stdout(&out));
    let expected = [
        "9: '## First five minutes' has 3 numbered moves: write exactly 5 (1. to 5.)",
        "19: no '## Impact' section: add it before '## What this covers'",
        "23: '## Notes' stands among the standard's sections: make it a ### under one of them, or move it after '## Roll back'",
        "35: code block ```sh has no tag: write ```sh and one of read-only, heavy, irreversible (```text for sample output)",
        "41: code block ``` has no language or tag: write ```sh and one of read-only, heavy, irreversible (```text for sample output)",
        "57: no '## Escalate' section: add it before '## Roll back'",
    ];
    let lines: Vec<String> = expected.iter().map(|e| format!("{file}:{e}")).collect();
    let mut want = lines.join("\n");
    want.push_str("\n6 problems in runbooks\n");
    assert_eq!(stderr(&out), want);

    // Without --strict the standard is not asked for: the same folder passes.
    let out = oncall(&["runbooks", "check", dir.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2 runbooks OK\n");
}

#[test]
fn the_shipped_runbooks_pass_strict() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let out = oncall(
        &["runbooks", "check", "--strict", shipped.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = oncall(&["runbooks", "check", "--strict"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_sections_value_naming_no_heading_fails_check_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("team-runbooks-substandard/exports.md"))
        .unwrap()
        .replace(
            "services = [\"exports\"]\n",
            "services = [\"exports\"]\n\n[sections]\nExportFailed = \"Checks\"\nExportLate = \"Reruns\"\n",
        );
    std::fs::write(dir.path().join("exports.md"), text).unwrap();
    let out = oncall(&["runbooks", "check", dir.path().to_str().unwrap()], &[]);
    assert!(!out.status.success());
    let file = dir.path().join("exports.md").display().to_string();
    assert_eq!(
        stderr(&out),
        format!(
            "{file}:7: sections maps 'ExportLate' to 'Reruns', which is no heading of this runbook, so it is ignored: write a heading's text as it stands after its #s\n1 problem in runbooks\n"
        )
    );
}
