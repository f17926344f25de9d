//! `oncall runbooks list | show | check | match`.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;

use crate::config::Config;
use crate::runbook::{Library, Query, library, rank};

#[derive(Debug, Subcommand)]
pub enum RunbooksCmd {
    /// Every runbook: id, title, where it comes from.
    List,
    /// Print a runbook (works offline, from any directory).
    Show { id: String },
    /// Validate runbook files: front matter, unknown keys, duplicate ids.
    Check {
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
        #[arg(long)]
        json: bool,
    },
}

pub fn run(config: &Config, cmd: RunbooksCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        RunbooksCmd::Check { dir } => Ok(check(config, dir)),
        RunbooksCmd::List => {
            let lib = load(config);
            let width = lib.all().iter().map(|r| r.id.len()).max().unwrap_or(0);
            for rb in lib.all() {
                println!("{:width$}  {}  [{}]", rb.id, rb.title, rb.origin.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        RunbooksCmd::Show { id } => {
            let lib = load(config);
            let Some(rb) = lib.get(&id) else {
                let ids: Vec<&str> = lib.all().iter().map(|r| r.id.as_str()).collect();
                bail!("no runbook '{id}'; there are: {}", ids.join(", "));
            };
            print!("{}", rb.body.trim_start());
            Ok(ExitCode::SUCCESS)
        }
        RunbooksCmd::Match {
            title,
            service,
            description,
            labels,
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
                ..Query::default()
            };
            let ranked = rank(&lib, &q);
            if json {
                let out: Vec<serde_json::Value> = ranked
                    .iter()
                    .map(|m| serde_json::json!({"id": m.id, "title": lib.get(&m.id).map(|r| r.title.clone()), "score": m.score, "reasons": m.reasons}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else if ranked.is_empty() {
                println!("no runbook matches; start from first-response");
            } else {
                for (i, m) in ranked.iter().enumerate() {
                    let title = lib.get(&m.id).map_or("", |r| r.title.as_str());
                    println!("{}. {}  {}\n   because: {}", i + 1, m.id, title, m.reason());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load(config: &Config) -> Library {
    let (lib, problems) = Library::load(&config.runbooks.dirs);
    for p in problems {
        eprintln!("warning: {p}");
    }
    lib
}

fn check(config: &Config, dir: Option<PathBuf>) -> ExitCode {
    let (count, problems) = match &dir {
        Some(d) => {
            let (found, problems) = library::load_dir(d);
            (found.len(), problems)
        }
        None => {
            let (lib, problems) = Library::load(&config.runbooks.dirs);
            (lib.len(), problems)
        }
    };
    for p in &problems {
        eprintln!("{p}");
    }
    if problems.is_empty() {
        println!("{count} runbooks OK");
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} problem{} in runbooks",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
        ExitCode::from(1)
    }
}
