//! Logs go to a file while the console runs (never to the terminal it draws
//! on), and to stderr for the hub and one-shot commands.
use std::path::Path;

use anyhow::Context;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

const LOG_FILE: &str = "oncall.log";

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env("ONCALL_LOG").unwrap_or_else(|_| EnvFilter::new(default))
}

/// Logs to `DIR/oncall.log`; keep the guard alive until exit so the last
/// lines are written. The log names incidents and responders: it is created
/// owner-only, and made so if an older one was not.
pub fn to_file(dir: &Path) -> anyhow::Result<WorkerGuard> {
    let path = dir.join(LOG_FILE);
    let log = crate::files::append(&path)
        .with_context(|| format!("cannot write the log {}", path.display()))?;
    // Only a log owned by someone else cannot be made private; it still logs.
    let _ = crate::files::make_private(&log);
    let appender = tracing_appender::rolling::never(dir, LOG_FILE);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    // A second init (tests, demo inside a test) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("info"))
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}

/// Colours only when a person is reading; a pipe or a log file gets plain text.
pub fn to_stderr() {
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("info"))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
