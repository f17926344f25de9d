//! The shipped runbooks: each parses, renders and carries what a responder
//! needs; and the matcher puts the right one first for a labelled set of
//! realistic alerts.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use oncall::runbook::library::load_dir;
use oncall::runbook::markdown::render;
use oncall::runbook::{Library, Origin, Query, Runbook, rank, standard};
use serde::Deserialize;

#[test]
fn every_shipped_runbook_parses_renders_and_is_compiled_in() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let (from_disk, problems) = load_dir(&dir);
    assert!(problems.is_empty(), "{problems:?}");
    let shipped = Library::shipped();
    assert_eq!(
        shipped.len(),
        from_disk.len(),
        "every file in runbooks/ is compiled in"
    );
    for rb in &from_disk {
        let compiled = shipped
            .get(&rb.id)
            .unwrap_or_else(|| panic!("{} is not compiled in", rb.id));
        assert_eq!(compiled.body, rb.body, "{} differs from its file", rb.id);
        for width in [40u16, 60, 100] {
            let r = render(&rb.body, width, &BTreeSet::new());
            assert!(r.lines.len() > 20, "{} renders to almost nothing", rb.id);
            assert!(
                r.lines.iter().all(|l| l.width() <= usize::from(width)),
                "{} overflows {width}",
                rb.id
            );
        }
        let is_template = rb.services.is_empty();
        if !is_template {
            let r = render(&rb.body, 80, &BTreeSet::new());
            assert!(
                !r.steps.is_empty(),
                "{} has no `- [ ]` steps to tick",
                rb.id
            );
            assert!(!r.code_blocks.is_empty(), "{} has no commands", rb.id);
        }
        let Origin::File(file) = &rb.origin else {
            panic!("{} was not read from its file", rb.id);
        };
        holds_to_the_standard(rb, &std::fs::read_to_string(file).unwrap());
    }
}

/// The runbook standard (oncall::runbook::standard, which `oncall
/// runbooks check --strict` applies): every shipped runbook meets it.
fn holds_to_the_standard(rb: &Runbook, text: &str) {
    let problems = standard::check(text);
    assert!(problems.is_empty(), "{}: {problems:?}", rb.id);
}

#[test]
fn the_runbooks_the_product_promises_ship() {
    let lib = Library::shipped();
    for id in [
        "first-response",
        "network",
        "hardware",
        "disk-full",
        "memory",
        "cpu-load",
        "file-descriptors",
        "clock",
        "kernel",
        "systemd",
        "web",
        "database",
        "queue",
        "batch-jobs",
        "backups",
        "hung-production",
        "restarts",
        "template",
        "hosting",
    ] {
        assert!(lib.get(id).is_some(), "no shipped runbook '{id}'");
    }
}

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The public rule collection and file the alert is taken from.
    source: Option<String>,
    title: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    runbook_url: Option<String>,
    expect: String,
    /// The heading the pane must open at.
    section: Option<String>,
}

/// Real alert rules taken from public rule collections, at least.
const SOURCED_CASES: usize = 150;

#[test]
fn labelled_alerts_get_the_right_runbook_first() {
    let path: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runbook_match_cases.toml");
    let cases: Cases = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sourced = cases.case.iter().filter(|c| c.source.is_some()).count();
    assert!(
        sourced >= SOURCED_CASES,
        "{sourced} cases name their source; the labelled set needs {SOURCED_CASES}"
    );
    let lib = Library::shipped();
    let mut wrong = Vec::new();
    for c in &cases.case {
        let labels = c.labels.clone().into();
        let q = Query {
            title: &c.title,
            description: &c.description,
            service: &c.service,
            labels: Some(&labels),
            runbook_url: c.runbook_url.as_deref(),
            ..Query::default()
        };
        let ranked = rank(&lib, &q);
        let first = ranked.first().map(|m| m.id.as_str()).unwrap_or("(none)");
        if first != c.expect {
            wrong.push(format!(
                "{:?}: expected {}, got {first} ({:?})",
                c.title,
                c.expect,
                ranked.first().map(|m| m.reason())
            ));
        } else if let Some(want) = &c.section {
            let got = ranked[0].section.as_ref();
            if got.map(|s| &s.heading) != Some(want) {
                wrong.push(format!(
                    "{:?}: expected section {want:?} of {}, got {got:?}",
                    c.title, c.expect
                ));
            }
        }
        if let Some(m) = ranked.first() {
            assert!(!m.reasons.is_empty(), "a match without a reason");
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        cases.case.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_team_folder_adds_and_overrides_by_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("net.md"),
        "+++\nid = \"network\"\ntitle = \"Our network\"\nkeywords = [\"vpn\"]\n+++\n# Ours\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("payments.md"),
        "+++\ntitle = \"Payments\"\nservices = [\"payments\"]\n+++\n# Payments\n",
    )
    .unwrap();
    let lib = Library::load(&[dir.path().to_path_buf()]);
    let problems: Vec<String> = lib.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].ends_with(
            "net.md: overrides the shipped runbook 'network' ((shipped) runbooks/network.md)"
        ),
        "{problems:?}"
    );
    assert_eq!(lib.get("network").unwrap().title, "Our network");
    assert_eq!(
        lib.get("payments").unwrap().title,
        "Payments",
        "the id defaults to the file name"
    );
    assert_eq!(lib.len(), Library::shipped().len() + 1);
    let q = Query {
        title: "vpn down",
        service: "payments",
        ..Query::default()
    };
    let ids: Vec<String> = rank(&lib, &q).into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["payments", "network"]);
}

#[test]
fn a_team_runbook_with_escapes_loads_clean_and_each_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pay.md"),
        "+++\nid = \"pay\"\ntitle = \"Pay\\u001b]0;owned\\u0007ments\"\nkeywords = [\"card\u{202e}\"]\n+++\n# Pay\n\n```\nls\t--color\n\u{1b}[31mred\u{1b}[0m\n```\n",
    )
    .unwrap();
    let lib = Library::load(&[dir.path().to_path_buf()]);
    let rb = lib.get("pay").unwrap();
    assert_eq!(rb.title, "Payments");
    assert_eq!(rb.keywords, ["card"]);
    assert!(rb.body.contains("ls\t--color\nred\n"), "{:?}", rb.body);
    let problems: Vec<String> = lib.problems().iter().map(|p| p.to_string()).collect();
    let file = dir.path().join("pay.md").display().to_string();
    assert_eq!(problems.len(), 3, "{problems:?}");
    for (p, line) in problems.iter().zip([3, 4, 10]) {
        assert!(p.starts_with(&format!("{file}:{line}: ")), "{p}");
        assert!(p.contains("holds ") && p.ends_with("remove it"), "{p}");
    }
    assert!(lib.problems().iter().all(|p| p.kind.is_error()));
}

#[test]
fn a_copy_of_a_shipped_runbook_is_no_override_and_a_broken_one_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/network.md");
    std::fs::copy(shipped, dir.path().join("network.md")).unwrap();
    std::fs::write(
        dir.path().join("broken.md"),
        "+++\ntitle = \"Broken\"\nkeyword = [\"x\"]\n+++\n",
    )
    .unwrap();
    let lib = Library::load(&[dir.path().to_path_buf()]);
    let problems: Vec<String> = lib.problems().iter().map(|p| p.headline()).collect();
    let file = dir.path().join("broken.md").display().to_string();
    assert_eq!(
        problems,
        [format!(
            "{file} could not be read: line 3: unknown field `keyword`, expected one of `id`, `title`, `services`, `keywords`, `labels`, `alerts`, `sections`"
        )]
    );
    assert_eq!(lib.len(), Library::shipped().len());
}
