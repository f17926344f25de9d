//! A real PostgreSQL for the tests: one private cluster per test binary run,
//! started on first use from Debian's `postgresql` package (`initdb` and
//! `pg_ctl` from /usr/lib/postgresql/*/bin), and a fresh database per test.
//!
//! The cluster lives in a temporary directory, listens on 127.0.0.1 only (a
//! free port) and on a Unix socket in that directory, and takes a password
//! made up for the run (SCRAM over TCP). initdb refuses to run as root, so
//! when the tests run as root (CI) the cluster runs as the `postgres` user
//! the package creates (else `nobody`), the directory handed over to it.
//!
//! Nothing in a test binary runs at exit, so the cluster is stopped by a
//! reaper: a shell started beside it, in a process group of its own, that
//! waits for the end of a pipe only this process holds, then stops the
//! server (`pg_ctl stop -m immediate`) and removes the directory. The pipe
//! closes however the process ends, by returning, panicking or being
//! killed, so no cluster outlives its run for long. Databases are not
//! dropped one by one: they go with the cluster.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use oncall::hub::DbTarget;

/// The run's cluster.
pub struct Cluster {
    port: u16,
    password: String,
    /// Where its data, socket and log are.
    dir: PathBuf,
    /// The reaper's stdin: held, never written, closed only by this
    /// process ending.
    _reaper: Mutex<ChildStdin>,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(1);

/// The run's cluster, started the first time it is asked for.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(Cluster::start) {
        Ok(cluster) => cluster,
        Err(e) => panic!("cannot start a PostgreSQL for the tests: {e}"),
    }
}

/// A database of its own for one test (shared by the hubs on it).
#[derive(Debug, Clone)]
pub struct Database {
    pub name: String,
    /// `postgres://oncall:PASSWORD@127.0.0.1:PORT/NAME`.
    pub url: String,
}

impl Database {
    /// A new, empty database on the run's cluster.
    pub async fn create() -> Database {
        let cluster = cluster();
        let name = format!("t_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
        let admin = connect(&cluster.url("postgres")).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        Database {
            url: cluster.url(&name),
            name,
        }
    }

    /// What `--db` takes for this database.
    pub fn target(&self) -> DbTarget {
        DbTarget::parse(&self.url, None).unwrap()
    }

    /// A connection of the test's own, for looking at or damaging what the
    /// hub keeps.
    pub async fn client(&self) -> tokio_postgres::Client {
        connect(&self.url).await
    }
}

/// A connection to `url`, its connection task spawned on the test's runtime.
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the tests' PostgreSQL: {e}"));
    tokio::spawn(connection);
    client
}

impl Cluster {
    /// `postgres://...` for database `db`.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://oncall:{}@127.0.0.1:{}/{db}",
            self.password, self.port
        )
    }

    /// The server's log so far, for a test that wants to say why.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    fn start() -> Result<Cluster, String> {
        let bin = bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix("oncall-pg-")
            .tempdir()
            .map_err(|e| format!("no temporary directory: {e}"))?
            .keep();
        let runner = Runner::for_this_user(&dir)?;
        let password = hex::encode(random_bytes()?);
        let pwfile = dir.join("pwfile");
        std::fs::write(&pwfile, &password).map_err(|e| format!("{}: {e}", pwfile.display()))?;
        runner.own(&pwfile)?;
        let data = dir.join("data");
        // The reaper first: from here on, whatever happens, the directory
        // (and the server, once started) goes when this process does.
        let reaper = runner.reaper(&bin, &dir, &data)?;
        runner.run(
            &bin.join("initdb"),
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "oncall".as_ref(),
                format!("--pwfile={}", pwfile.display()).as_ref(),
                "--auth-host=scram-sha-256".as_ref(),
                "--auth-local=trust".as_ref(),
                "--encoding=UTF8".as_ref(),
                "--locale=C".as_ref(),
                "--no-sync".as_ref(),
            ],
        )?;
        let mut last = String::new();
        // A free port may be taken between finding it and the server binding
        // it: try a few.
        for _ in 0..5 {
            let port = free_port()?;
            configure(&data, &dir, port)?;
            let started = runner.run(
                &bin.join("pg_ctl"),
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-l".as_ref(),
                    dir.join("log").as_os_str(),
                    "-w".as_ref(),
                    "-t".as_ref(),
                    "60".as_ref(),
                    "start".as_ref(),
                ],
            );
            match started {
                Ok(()) => {
                    return Ok(Cluster {
                        port,
                        password,
                        dir,
                        _reaper: Mutex::new(reaper),
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(format!(
            "{last}\n{}",
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        ))
    }
}

/// The newest installed PostgreSQL's programs.
fn bin_dir() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| {
            format!("/usr/lib/postgresql: {e}: install Debian's postgresql package (apt-get install postgresql)")
        })?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or("no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql package".into())
}

/// Listening on 127.0.0.1 only, the socket in the cluster's directory, room
/// for a few hubs per test and tests at once.
fn configure(data: &Path, dir: &Path, port: u16) -> Result<(), String> {
    let conf = data.join("postgresql.auto.conf");
    let settings = format!(
        "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
         max_connections = 300\nshared_buffers = '32MB'\n",
        dir.display()
    );
    std::fs::write(&conf, settings).map_err(|e| format!("{}: {e}", conf.display()))
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn random_bytes() -> Result<[u8; 16], String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes: {e}"))?;
    Ok(bytes)
}

/// Who runs the cluster's programs: this user, or (as root) an unprivileged
/// one through `runuser`.
struct Runner {
    user: Option<String>,
}

impl Runner {
    fn for_this_user(dir: &Path) -> Result<Runner, String> {
        if output("id", &["-u"])? != "0" {
            return Ok(Runner { user: None });
        }
        let user = ["postgres", "nobody"]
            .into_iter()
            .find(|u| output("id", &["-u", u]).is_ok())
            .ok_or(
                "running as root, and there is no postgres or nobody user to run PostgreSQL as",
            )?;
        let runner = Runner {
            user: Some(user.to_string()),
        };
        runner.own(dir)?;
        Ok(runner)
    }

    /// Hands `path` to the user the cluster runs as.
    fn own(&self, path: &Path) -> Result<(), String> {
        let Some(user) = &self.user else {
            return Ok(());
        };
        let uid: u32 = output("id", &["-u", user])?
            .parse()
            .map_err(|e| format!("{e}"))?;
        let gid: u32 = output("id", &["-g", user])?
            .parse()
            .map_err(|e| format!("{e}"))?;
        std::os::unix::fs::chown(path, Some(uid), Some(gid))
            .map_err(|e| format!("chown {}: {e}", path.display()))
    }

    fn command(&self, program: &Path) -> Command {
        match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    /// Runs `program` to the end; its output is the error when it fails.
    fn run(&self, program: &Path, args: &[&std::ffi::OsStr]) -> Result<(), String> {
        use std::os::unix::process::CommandExt;
        let mut command = self.command(program);
        // Its own process group: a Ctrl-C to the tests must reach the
        // reaper's way of stopping the server, not the server directly.
        command.args(args).process_group(0);
        let out = command
            .output()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        if out.status.success() {
            return Ok(());
        }
        Err(format!(
            "{} failed ({}): {}{}",
            program.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }

    /// Starts the shell that stops the server and removes `dir` once this
    /// process has ended; its stdin, to hold.
    fn reaper(&self, bin: &Path, dir: &Path, data: &Path) -> Result<ChildStdin, String> {
        use std::os::unix::process::CommandExt;
        let stop = match &self.user {
            Some(user) => format!("runuser -u {user} -- "),
            None => String::new(),
        };
        let script = format!(
            "cat >/dev/null; {stop}'{}' -D '{}' stop -m immediate >/dev/null 2>&1; rm -rf '{}'",
            bin.join("pg_ctl").display(),
            data.display(),
            dir.display()
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the cluster's reaper: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("the reaper has no stdin")?;
        // Nothing is ever written; a flush checks the pipe is there.
        stdin
            .flush()
            .map_err(|e| format!("the reaper's pipe: {e}"))?;
        Ok(stdin)
    }
}

/// What `program` prints, trimmed; an error if it fails.
fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} {args:?} failed"));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
