//! The `oncall` command line: the console by default, and the subcommands of
//! README, "Commands".
mod cover;
mod followups;
mod handoff;
mod heartbeat;
pub(crate) mod incident;
mod migrate;
mod notify;
mod page;
mod report;
mod runbooks;
mod shell;
mod start;
mod who;

pub use start::no_color;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "oncall",
    version,
    about = "A terminal console for the on-call responder, and the hub that is the team's incident feed."
)]
pub struct Cli {
    /// Config file (default: ~/.config/oncall/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Open the console against a hub started in-process with incidents that
    /// keep arriving. Nothing to configure.
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run the hub: the team's shared incident feed.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: SocketAddr,
        /// Where the hub keeps its data: a SQLite file (created if missing),
        /// or a PostgreSQL database, postgres://USER@HOST[:PORT]/DB (or
        /// postgresql://...; the password from the URL or PGPASSWORD), which
        /// several hubs may serve at once.
        // Read as text and parsed at start: a parser of clap's would repeat
        // the value, password and all, in its error.
        #[arg(long, value_name = "PATH|URL")]
        db: String,
    },
    /// Copy a SQLite hub into an empty PostgreSQL database, then compare
    /// the two (stop the hub serving the file first).
    Migrate(migrate::MigrateArgs),
    /// Open an incident on the hub and print its id.
    Page(page::PageArgs),
    /// Ping a heartbeat of the hub, or run a job under one:
    /// `oncall heartbeat NAME -- COMMAND...`.
    Heartbeat(heartbeat::HeartbeatArgs),
    /// The shift hand-off note.
    Handoff(handoff::HandoffArgs),
    /// The noise report: which alerts page whom, how often and at what
    /// hours, and what would silence the noisiest.
    Report(report::ReportArgs),
    /// Who is on call now and until when, who is next, whom each
    /// escalation level reaches, and the overrides in force and upcoming.
    Who(who::WhoArgs),
    /// Incidents: `oncall incident show ID` prints one with its whole
    /// timeline, for a post-incident review.
    Incident {
        #[command(subcommand)]
        command: incident::IncidentCmd,
    },
    /// Put yourself (or, on call or as a lead, someone else) on call for a
    /// window whatever the rota says: `oncall cover --end 8h`; or remove
    /// such an override: `oncall cover --remove ID`.
    Cover(cover::CoverArgs),
    /// The follow-ups incidents left behind: open ones, overdue first
    /// (`--all` for the done and dropped too, `--owner NAME` for one person's).
    Followups(followups::FollowupsArgs),
    /// Responder tokens for the hub.
    Token {
        #[command(subcommand)]
        command: TokenCmd,
    },
    /// Pages that reach people: `oncall notify test NAME` sends a test page
    /// through each of NAME's contacts.
    Notify {
        #[command(subcommand)]
        command: notify::NotifyCmd,
    },
    /// List, show, check and match runbooks.
    Runbooks {
        #[command(subcommand)]
        command: runbooks::RunbooksCmd,
    },
    /// Print the completion script for a shell, e.g.
    /// `oncall completions bash > ~/.local/share/bash-completion/completions/oncall`.
    Completions {
        #[arg(value_enum)]
        shell: shell::Shell,
    },
    /// Print the man page (roff), e.g. `oncall man > ~/.local/share/man/man1/oncall.1`.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Make a new token for NAME and print the line for the hub's config.
    New {
        name: String,
        /// responder (a person), lead (a person who may also hand off a
        /// shift someone else holds) or integration (Alertmanager, scripts:
        /// may only send events).
        #[arg(long, default_value = "responder", value_name = "ROLE")]
        role: crate::config::Role,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match start::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors may quote what a hub or a file said.
            eprintln!("error: {}", crate::sanitize::document(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

/// Prints text that came from a hub or a runbook file: whatever it held, no
/// escape sequence, control character (but tabs and newlines) or bidi
/// override reaches the terminal.
fn print_clean(text: &str) {
    print!("{}", crate::sanitize::document(text));
}
