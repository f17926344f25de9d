//! What the real console costs while it runs: CPU and redraws while nothing
//! happens, resident memory with 10,000 incidents, and the time from start
//! to the first frame from the on-disk cache. It runs the release binary in
//! a pseudo-terminal against a real hub on 127.0.0.1 and reads /proc.
//! `cargo bench --bench console_costs`; figures go in BENCHMARKS.md.
// A bench stops at the first thing that goes wrong: it measures, it does not recover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use oncall::config::{HubConfig, ResponderConfig, Sha256Hex};
use oncall::hub::{self, HubSettings, ManualClock};
use oncall::incident::{NewIncident, Severity};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const TOKEN: &str = "oc_console_costs_token";
const INCIDENTS: usize = 10_000;
/// The idle span; `CONSOLE_COSTS_IDLE_SECS` shortens it while trying things.
fn idle() -> Duration {
    let secs = std::env::var("CONSOLE_COSTS_IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(secs)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // useful either: this program takes no arguments.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    // Incidents three hours old: their ages read "3h" for the whole idle
    // minute, so a redraw there would be a real waste, not a clock.
    let clock = Arc::new(ManualClock::new(
        chrono::Utc::now() - chrono::Duration::hours(3),
    ));
    let settings = HubSettings {
        db: dir.path().join("hub.db").into(),
        config: HubConfig {
            responders: vec![ResponderConfig::new("alex", Sha256Hex::of(TOKEN))],
            ..HubConfig::default()
        },
        clock: clock.clone(),
        escalation_tick: None,
        pages: oncall::hub::Pages::off(),
    };
    let hub = rt
        .block_on(hub::start("127.0.0.1:0".parse().expect("addr"), settings))
        .expect("hub");
    let state = hub.state();
    let news: Vec<NewIncident> = (0..INCIDENTS)
        .map(|i| NewIncident {
            title: format!(
                "Incident {i}: disk /var on host-{} at 9{}% and filling",
                i % 300,
                i % 10
            ),
            service: ["api", "postgres", "web", "edge-lb"][i % 4].into(),
            severity: Severity::ALL[i % 4],
            dedup_key: Some(format!("k{i}")),
            labels: [
                (
                    "alertname".to_string(),
                    "NodeFilesystemSpaceFillingUp".to_string(),
                ),
                ("instance".to_string(), format!("host-{i}:9100")),
            ]
            .into_iter()
            .collect(),
            description: "Filesystem has less than 5% space left.".into(),
            ..NewIncident::default()
        })
        .collect();
    rt.block_on(state.open_incidents("alex", news))
        .expect("load the hub");
    clock.set(chrono::Utc::now());
    let base = format!("http://{}", hub.addr);

    let config = dir.path().join("config.toml");
    std::fs::write(&config, format!("responder = \"alex\"\n[[feeds]]\nname = \"hub\"\nurl = \"{base}\"\npoll_interval = \"2s\"\n")).expect("config");
    let data = dir.path().join("data");

    // First run: fills the cache; measures memory and idle costs.
    let mut console = Console::spawn(&config, &data);
    console.wait_for("the feed", |s| {
        s.contains("hub live") && s.contains("Incident")
    });
    console.wait_quiet(Duration::from_secs(3));
    let rss = rss_kib(console.pid);
    let cpu_before = cpu_seconds(console.pid);
    let bytes = console.count_output(idle());
    let cpu = cpu_seconds(console.pid) - cpu_before;
    let rss_idle = rss_kib(console.pid);
    let where_rss = resident_by_kind(console.pid);
    console.quit();

    // Second run: the first frame comes from the cache.
    let started = Instant::now();
    let mut console = Console::spawn(&config, &data);
    console.wait_for("the cached list", |s| s.contains("Incident"));
    let first_frame = started.elapsed();
    console.quit();

    println!("console with {INCIDENTS} incidents, 200x60, polling every 2s:");
    println!(
        "  resident memory after loading:           {:.1} MiB",
        rss as f64 / 1024.0
    );
    println!(
        "  resident memory after the idle span:     {:.1} MiB",
        rss_idle as f64 / 1024.0
    );
    println!("  of which (after the idle span): {where_rss}");
    println!(
        "  CPU over {}s idle (feed unchanged):       {cpu:.3} s ({:.2}% of a core)",
        idle().as_secs(),
        cpu / idle().as_secs_f64() * 100.0
    );
    println!("  bytes written to the terminal while idle: {bytes} (0 = no redraw)");
    println!(
        "  start to first frame, from the cache:     {} ms",
        first_frame.as_millis()
    );
    rt.block_on(hub.shutdown());
}

struct Console {
    pid: u32,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    writer: Box<dyn std::io::Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Console {
    fn spawn(config: &Path, data: &Path) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 60,
                cols: 200,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_oncall"));
        cmd.args(["--config", config.to_str().expect("utf-8 path")]);
        cmd.env("ONCALL_TOKEN", TOKEN);
        cmd.env("ONCALL_DATA_DIR", data);
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).expect("start the console");
        drop(pair.slave);
        let pid = child.process_id().expect("pid");
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let size = std::num::NonZeroU16::new;
        let parser = vt100::Parser::new(size(60).expect("rows"), size(200).expect("cols"), 0);
        Console {
            pid,
            output,
            parser,
            writer,
            child,
            _master: pair.master,
        }
    }

    fn wait_for(&mut self, what: &str, cond: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !cond(&self.parser.screen().contents()) {
            match self
                .output
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(bytes) => self.parser.process(&bytes),
                Err(_) => panic!("no {what} on screen:\n{}", self.parser.screen().contents()),
            }
        }
    }

    /// Reads output until none has come for `quiet`.
    fn wait_quiet(&mut self, quiet: Duration) {
        while let Ok(bytes) = self.output.recv_timeout(quiet) {
            self.parser.process(&bytes);
        }
    }

    /// Bytes the console writes over `span`.
    fn count_output(&mut self, span: Duration) -> usize {
        let end = Instant::now() + span;
        let mut total = 0;
        loop {
            match self
                .output
                .recv_timeout(end.saturating_duration_since(Instant::now()))
            {
                Ok(bytes) => {
                    total += bytes.len();
                    self.parser.process(&bytes);
                }
                Err(RecvTimeoutError::Timeout) => return total,
                Err(RecvTimeoutError::Disconnected) => panic!("the console exited"),
            }
        }
    }

    fn quit(mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let _ = self.child.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

/// Resident memory by kind, from /proc/PID/smaps: the binary's own pages
/// (code and read-only data, shared with the file), the heap and other
/// anonymous memory, and everything else (libraries, stacks).
fn resident_by_kind(pid: u32) -> String {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return "unknown (no /proc/PID/smaps)".into();
    };
    let (mut binary, mut anon, mut other) = (0u64, 0u64, 0u64);
    let mut kind = 0;
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            let path = line.split_whitespace().nth(5).unwrap_or("");
            kind = if path.ends_with("/oncall") {
                0
            } else if path.is_empty() || path == "[heap]" {
                1
            } else {
                2
            };
        } else if first == "Rss:" {
            let kib: u64 = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            match kind {
                0 => binary += kib,
                1 => anon += kib,
                _ => other += kib,
            }
        }
    }
    format!(
        "binary {:.1} MiB, heap and anonymous {:.1} MiB, other {:.1} MiB",
        binary as f64 / 1024.0,
        anon as f64 / 1024.0,
        other as f64 / 1024.0
    )
}

/// User plus system CPU time of `pid`, in seconds (clock ticks of 1/100 s,
/// as on every Linux this runs on).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc stat");
    // Fields after the command name, which may hold spaces, in parentheses.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    (ticks(11) + ticks(12)) as f64 / 100.0
}
