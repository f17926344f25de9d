//! A real `oncall serve` process on a temporary database, as an operator
//! would run it: its own config file (0600, the hub refuses a readable one),
//! a port of its own choosing, stopped and cleaned up when dropped. The one
//! responder, `bench`, holds [`TOKEN`]; a bench adds what else it needs
//! (contacts, a rota, `[hub.notify]`) as config text after that entry, and the
//! variables that config names.
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use oncall::config::Sha256Hex;

pub const TOKEN: &str = "oc_bench_load_token";

pub struct Hub {
    child: Child,
    pub base: String,
    db: PathBuf,
    // Dropped last: the hub is stopped before its files go.
    _dir: tempfile::TempDir,
}

impl Hub {
    /// `extra_config` is appended right after the `bench` responder's entry,
    /// so a `[[hub.responders.contacts]]` in it is that responder's; `env`
    /// is set for the hub process (the secret `[hub.notify] secret_env` names).
    pub fn start(extra_config: &str, env: &[(&str, &str)]) -> anyhow::Result<Hub> {
        let dir = tempfile::tempdir()?;
        let config = dir.path().join("hub.toml");
        let db = dir.path().join("hub.db");
        std::fs::write(
            &config,
            format!(
                "[[hub.responders]]\nname = \"bench\"\ntoken_sha256 = \"{}\"\n{extra_config}",
                Sha256Hex::of(TOKEN).to_hex()
            ),
        )?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600))?;
        }
        // Another build of oncall to load, to compare two versions on one
        // machine in one sitting (the one built with this bench otherwise).
        let binary = std::env::var_os("ONCALL_BENCH_HUB").map_or_else(
            || PathBuf::from(env!("CARGO_BIN_EXE_oncall")),
            PathBuf::from,
        );
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(&config)
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(&db)
            .env("ONCALL_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start oncall serve")?;
        let stderr = child.stderr.take().context("no stderr from the hub")?;
        let (tx, rx) = std::sync::mpsc::channel();
        // Keep reading, so the hub never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("hub listening addr=").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
                }
            }
        });
        let Ok(addr) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            bail!("oncall serve did not say where it listens");
        };
        Ok(Hub {
            child,
            base: format!("http://{addr}"),
            db,
            _dir: dir,
        })
    }

    /// Resident and peak resident memory of the hub process, in KiB
    /// (`VmRSS`, `VmHWM` of /proc/PID/status).
    pub fn rss_kib(&self) -> anyhow::Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .context("cannot read the hub's /proc status (Linux only)")?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
                .with_context(|| format!("no {name} in /proc status"))
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// The database file and its write-ahead log, in bytes.
    pub fn db_bytes(&self) -> u64 {
        let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        size(self.db.clone()) + size(self.db.with_extension("db-wal"))
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
