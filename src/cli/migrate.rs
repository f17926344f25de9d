//! `oncall migrate --from PATH --to postgres://...`: a SQLite hub copied into
//! an empty PostgreSQL database, then both compared; what it found printed,
//! and the exit status says whether they hold the same.
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::hub::migrate::{self, Report};
use crate::hub::{DbTarget, PgTarget};

#[derive(Debug, Args)]
#[command(
    long_about = "Copy a SQLite hub into an empty PostgreSQL database, then compare the two.\n\n\
    Stop the hub serving the SQLite file first (changes made after the copy would be lost), and \
    serve the PostgreSQL database from then on: the copy keeps the hub's id, so consoles carry on \
    where they were. The file is only read. The database must be empty (a new one, or one a hub \
    has only been started on); it is brought to this oncall's schema, and the copy is one \
    transaction: if anything fails, it stays empty.\n\n\
    Prints the rows of each kind and every difference found; exits 0 when both hold the same, \
    1 when they do not or when the copy failed."
)]
pub struct MigrateArgs {
    /// The hub's SQLite file (what `oncall serve --db` was given).
    #[arg(long, value_name = "PATH")]
    pub from: PathBuf,
    /// The PostgreSQL database: postgres://USER@HOST[:PORT]/DB (the
    /// password from the URL or PGPASSWORD).
    // Read as text: a parser of clap's would repeat the value, password and
    // all, in its error.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Print what was found as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let to = target(&args.to)?;
    let report = migrate::migrate(&args.from, &to)
        .await
        .with_context(|| format!("copying {} into {to}", args.from.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        super::print_clean(&summary(&report));
    }
    Ok(if report.same() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--to`: a PostgreSQL URL, nothing else.
fn target(text: &str) -> anyhow::Result<PgTarget> {
    match DbTarget::from_arg(text).map_err(|e| anyhow::anyhow!("--to: {e}"))? {
        DbTarget::Postgres(target) => Ok(target),
        DbTarget::Sqlite(_) => anyhow::bail!(
            "--to takes a PostgreSQL database, postgres://USER@HOST[:PORT]/DB; \
             to keep the hub in a SQLite file, copy the file"
        ),
    }
}

/// What was copied and compared, a few lines.
pub fn summary(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "copied {} into {}", report.from, report.to);
    let width = report
        .counts
        .iter()
        .map(|c| c.what.len())
        .max()
        .unwrap_or(0);
    for c in &report.counts {
        let _ = if c.sqlite == c.postgres {
            writeln!(out, "  {:width$}  {}", c.what, c.sqlite)
        } else {
            writeln!(
                out,
                "  {:width$}  {} in the file, {} in PostgreSQL",
                c.what, c.sqlite, c.postgres
            )
        };
    }
    let _ = writeln!(
        out,
        "  {:width$}  {} (hub id {})",
        "last change", report.change_seq.1, report.hub_id.1
    );
    if report.same() {
        let _ = writeln!(out, "compared: both hold the same");
    } else {
        let n = report.differences.len();
        let _ = writeln!(
            out,
            "compared: {n} difference{} (the SQLite file is unchanged):",
            if n == 1 { "" } else { "s" }
        );
        for d in &report.differences {
            let _ = writeln!(out, "  {d}");
        }
    }
    out
}
