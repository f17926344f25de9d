//! `oncall runbooks list | show | check | match`.
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;

use crate::config::Config;
use crate::runbook::{FileProblem, Library, Origin, ProblemKind, Query, rank, standard};

#[derive(Debug, Subcommand)]
pub enum RunbooksCmd {
    /// Every runbook: id, title, where it comes from.
    List,
    /// Print a runbook (works offline, from any directory).
    Show { id: String },
    /// Validate runbook files: front matter, unknown keys, duplicate ids.
    Check {
        /// Also hold each runbook to the shipped ones' standard: its
        /// sections in order, five first moves, what it is usually a
        /// symptom of, a read-only/heavy/irreversible tag on every code block.
        #[arg(long)]
        strict: bool,
        /// A folder of runbooks (default: the shipped ones and the config's folders).
        dir: Option<PathBuf>,
    },
    /// The runbooks that match an incident, best first, with the reasons.
    Match {
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        service: String,
        #[arg(long, default_value = "")]
        description: String,
        /// KEY=VALUE; repeat for more.
        #[arg(long = "label", value_name = "KEY=VALUE")]
        labels: Vec<String>,
        /// The alert's runbook_url annotation.
        #[arg(long, value_name = "URL")]
        runbook_url: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: &Config, cmd: RunbooksCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RunbooksCmd::Check { strict, dir } => Ok(check(config, dir, strict)),
        RunbooksCmd::List => {
            let lib = load(config);
            let width = lib.all().iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for rb in lib.all() {
                let _ = writeln!(
                    out,
                    "{:width$}  {}  [{}]",
                    rb.id,
                    rb.title,
                    rb.origin.display()
                );
            }
            super::print_clean(&out);
            Ok(ExitCode::SUCCESS)
        }
        RunbooksCmd::Show { id } => {
            let lib = load(config);
            let Some(rb) = lib.get(&id) else {
                let ids: Vec<&str> = lib.all().iter().map(|r| r.id.as_str()).collect();
                bail!("no runbook '{id}'; there are: {}", ids.join(", "));
            };
            super::print_clean(rb.body.trim_start());
            Ok(ExitCode::SUCCESS)
        }
        RunbooksCmd::Match {
            title,
            service,
            description,
            labels,
            runbook_url,
            json,
        } => {
            let mut map = crate::incident::Labels::new();
            for l in &labels {
                let Some((k, v)) = l.split_once('=') else {
                    bail!("--label '{l}' is not KEY=VALUE");
                };
                map.insert(k, v);
            }
            let lib = load(config);
            let q = Query {
                title: &title,
                description: &description,
                service: &service,
                labels: Some(&map),
                runbook_url: runbook_url.as_deref(),
                ..Query::default()
            };
            let ranked = rank(&lib, &q);
            let mut out = String::new();
            if json {
                let list: Vec<serde_json::Value> = ranked
                    .iter()
                    .map(|m| {
                        let section = m.section.as_ref().map(
                            |s| serde_json::json!({"heading": s.heading, "why": s.why}),
                        );
                        serde_json::json!({"id": m.id, "title": lib.get(&m.id).map(|r| r.title.clone()), "score": m.score, "reasons": m.reasons, "section": section})
                    })
                    .collect();
                let _ = writeln!(out, "{}", serde_json::to_string_pretty(&list)?);
            } else if ranked.is_empty() {
                let _ = writeln!(out, "no runbook matches; start from first-response");
            } else {
                for (i, m) in ranked.iter().enumerate() {
                    let title = lib.get(&m.id).map_or("", |r| r.title.as_str());
                    let _ = writeln!(
                        out,
                        "{}. {}  {}\n   because: {}",
                        i + 1,
                        m.id,
                        title,
                        m.reason()
                    );
                    if let Some(s) = &m.section {
                        let _ = writeln!(out, "   section: {} ({})", s.heading, s.why);
                    }
                }
            }
            super::print_clean(&out);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The library, with what keeps a team runbook from working said on stderr
/// (overrides are only for `check` to name).
fn load(config: &Config) -> Library {
    let lib = Library::load(&config.runbooks.dirs);
    for p in lib.problems().iter().filter(|p| p.kind.is_error()) {
        eprintln!("warning: {p}");
    }
    lib
}

/// `check [--strict] [DIR]`: DIR (or the config's folders) over the
/// shipped runbooks, as the console would load them. Every problem fails
/// the check but an override, which is named as a warning: replacing a
/// shipped runbook is what team folders are for, yet nobody should do it
/// unknowingly. `--strict` adds where each runbook checked falls short of
/// the standard.
fn check(config: &Config, dir: Option<PathBuf>, strict: bool) -> ExitCode {
    let dirs = dir
        .clone()
        .map_or_else(|| config.runbooks.dirs.clone(), |d| vec![d]);
    let lib = Library::load(&dirs);
    let count = match dir {
        Some(_) => lib
            .all()
            .iter()
            .filter(|r| matches!(r.origin, Origin::File(_)))
            .count(),
        None => lib.len(),
    };
    let below = if strict {
        below_standard(&lib, dir.is_some())
    } else {
        Vec::new()
    };
    let (errors, notes): (Vec<&FileProblem>, Vec<&FileProblem>) = lib
        .problems()
        .iter()
        .chain(&below)
        .partition(|p| p.kind.is_error());
    for p in &errors {
        eprintln!("{p}");
    }
    for p in &notes {
        eprintln!("warning: {p}");
    }
    if errors.is_empty() {
        println!("{count} runbooks OK");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} problem{} in runbooks",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        ExitCode::from(1)
    }
}

/// Where the runbooks checked fall short of the standard: those read from
/// files, and the shipped ones too when no folder was named.
fn below_standard(lib: &Library, folder_only: bool) -> Vec<FileProblem> {
    let mut out = Vec::new();
    for rb in lib.all() {
        let text = match &rb.origin {
            Origin::File(path) => match std::fs::read_to_string(path) {
                Ok(text) => text,
                // Loading read it a moment ago; a file gone since has nothing to judge.
                Err(_) => continue,
            },
            Origin::Shipped(_) if folder_only => continue,
            Origin::Shipped(rel) => match crate::runbook::library::shipped_text(rel) {
                Some(text) => text,
                None => continue,
            },
        };
        let file = rb.origin.display();
        out.extend(
            standard::check(&text)
                .into_iter()
                .map(|p| FileProblem::new(file.clone(), p, ProblemKind::BelowStandard)),
        );
    }
    out
}
