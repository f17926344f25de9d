//! `oncall heartbeat NAME`: ping one of the hub's heartbeats; and
//! `oncall heartbeat NAME -- COMMAND...`: run a job under it (ping start,
//! run it, then success or fail with its exit code and the last lines of
//! its output) and exit with the job's status. The hub is told, never in
//! the job's way: the start is sent while the job runs, and a hub that does
//! not answer after a few tries costs a warning on stderr, not the job.
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use clap::Args;

use crate::config::Config;
use crate::feed::HubClient;
use crate::incident::{Heartbeat, PingRequest, PingStatus};
use crate::sanitize;

/// How many lines of a job's output go with its last ping.
pub const TAIL_LINES: usize = 20;

#[derive(Debug, Args)]
pub struct HeartbeatArgs {
    /// The heartbeat, as named in the hub's [[hub.heartbeats]].
    pub name: String,
    /// What to report: start, success (the default) or fail.
    #[arg(long, value_parser = parse_status, conflicts_with = "command")]
    pub status: Option<PingStatus>,
    #[command(flatten)]
    pub hub: super::page::HubArgs,
    /// A job to run, after `--`: pings start, runs it, then success or fail
    /// with its exit code and output's last 20 lines; exits with its status.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

fn parse_status(s: &str) -> Result<PingStatus, String> {
    s.parse()
}

pub async fn run(config: &Config, args: HeartbeatArgs) -> anyhow::Result<ExitCode> {
    let client = args.hub.client(config);
    if args.command.is_empty() {
        let req = PingRequest {
            status: args.status.unwrap_or_default(),
            ..PingRequest::default()
        };
        let heartbeat = client?
            .ping(&args.name, &req)
            .await
            .with_context(|| format!("pinging the heartbeat '{}'", sanitize::line(&args.name)))?;
        eprintln!("{}", said(&heartbeat));
        return Ok(ExitCode::SUCCESS);
    }
    let client = client
        .map_err(|e| warn(&format!("the job runs without its heartbeat: {e:#}")))
        .ok();
    Ok(wrap(client, &args.name, &args.command).await)
}

/// Runs `command` under heartbeat `name`; the command's status.
async fn wrap(client: Option<HubClient>, name: &str, command: &[String]) -> ExitCode {
    let run_id = format!("{}-{}", std::process::id(), chrono::Utc::now().timestamp());
    let start = PingRequest {
        status: PingStatus::Start,
        run_id: Some(run_id.clone()),
        ..PingRequest::default()
    };
    let started = client.clone().map(|c| {
        let name = name.to_string();
        tokio::spawn(async move { c.ping(&name, &start).await })
    });
    let owned = command.to_vec();
    let ran = tokio::task::spawn_blocking(move || run_job(&owned))
        .await
        .unwrap_or_else(|e| Err(format!("the job's task failed: {e}")));
    let (code, log) = match ran {
        Ok(done) => done,
        Err(why) => {
            warn(&why);
            (127, why)
        }
    };
    if let Some(started) = started {
        match started.await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => warn(&format!("the start was not sent: {e}")),
            Err(e) => warn(&format!("the start was not sent: {e}")),
        }
    }
    if let Some(client) = client {
        let end = PingRequest {
            status: if code == 0 {
                PingStatus::Success
            } else {
                PingStatus::Fail
            },
            exit_code: Some(code),
            run_id: Some(run_id),
            log: Some(log),
        };
        if let Err(e) = client.ping(name, &end).await {
            warn(&format!("the job's end was not sent: {e}"));
        }
    }
    ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
}

/// Runs the job with its output passed through as it comes, keeping the
/// last [`TAIL_LINES`] lines of both streams; its exit code (128 + the
/// signal when a signal ended it) and that tail.
fn run_job(command: &[String]) -> Result<(i32, String), String> {
    let (program, args) = command.split_first().ok_or("no command to run")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run '{}': {e}", sanitize::line(program)))?;
    let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
    let readers = [
        child
            .stdout
            .take()
            .map(|out| follow(out, std::io::stdout(), tail.clone())),
        child
            .stderr
            .take()
            .map(|err| follow(err, std::io::stderr(), tail.clone())),
    ];
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for the job: {e}"))?;
    for reader in readers.into_iter().flatten() {
        let _ = reader.join();
    }
    let code = status.code().unwrap_or_else(|| {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            status.signal().map_or(1, |s| 128 + s)
        }
        #[cfg(not(unix))]
        1
    });
    let lines = tail
        .lock()
        .map(|t| t.iter().cloned().collect::<Vec<String>>());
    Ok((code, lines.unwrap_or_default().join("\n")))
}

/// Copies `from` to `to` as it comes, and keeps its last lines in `tail`.
fn follow(
    from: impl Read + Send + 'static,
    mut to: impl Write + Send + 'static,
    tail: Arc<Mutex<VecDeque<String>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(from);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            let _ = to.write_all(&line);
            let _ = to.flush();
            let text = String::from_utf8_lossy(&line)
                .trim_end_matches(['\n', '\r'])
                .to_string();
            if let Ok(mut tail) = tail.lock() {
                if tail.len() == TAIL_LINES {
                    tail.pop_front();
                }
                tail.push_back(text);
            }
            line.clear();
        }
    })
}

/// One line on a heartbeat after a ping.
fn said(h: &Heartbeat) -> String {
    let due = h.next_due.map_or(String::new(), |d| {
        format!(", next due {}", d.format("%Y-%m-%d %H:%M:%S UTC"))
    });
    sanitize::line(&format!("{}: {}{due}", h.name, h.state))
}

fn warn(what: &str) {
    eprintln!("oncall heartbeat: warning: {}", sanitize::line(what));
}
