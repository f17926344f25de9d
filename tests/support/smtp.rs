//! A real SMTP server on 127.0.0.1: Debian's `python3-aiosmtpd` under
//! Debian's own `/usr/bin/python3` (it may not be the first `python3` on
//! PATH), running a small handler that saves each message it accepts to a
//! folder before answering 250. So when a send is answered, the message is
//! there to read. Recipients starting `busy@` get a 451 (try later) and
//! `nobody@` a 550 (no such mailbox). Stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

pub const PYTHON: &str = "/usr/bin/python3";
pub const MISSING: &str = "python3-aiosmtpd is not installed: apt-get install -y python3-aiosmtpd";

const SERVER: &str = r#"
import asyncio, json, os, ssl, sys
from aiosmtpd.smtp import SMTP

folder = sys.argv[1]
# "none", or "starttls" / "tls" with the certificate and key to serve.
mode = sys.argv[2] if len(sys.argv) > 2 else "none"
context = None
if mode != "none":
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(sys.argv[3], sys.argv[4])

class Saver:
    def __init__(self):
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("busy@"):
            return "451 4.3.0 try again later"
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        saved = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        path = os.path.join(folder, "%04d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(saved, f)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 saved as %d" % self.count

async def main():
    loop = asyncio.get_running_loop()
    handler = Saver()
    if mode == "starttls":
        factory = lambda: SMTP(handler, tls_context=context, require_starttls=True)
        server = await loop.create_server(factory, host="127.0.0.1", port=0)
    elif mode == "tls":
        factory = lambda: SMTP(handler)
        server = await loop.create_server(factory, host="127.0.0.1", port=0, ssl=context)
    else:
        server = await loop.create_server(lambda: SMTP(handler), host="127.0.0.1", port=0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main())
"#;

/// One message as the server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// Headers and body, as sent (CRLF line ends).
    pub data: String,
}

impl Received {
    /// The header block and the body.
    pub fn split(&self) -> (&str, &str) {
        let normalized = self.data.find("\r\n\r\n").map(|i| (i, 4));
        let (at, len) = normalized
            .or_else(|| self.data.find("\n\n").map(|i| (i, 2)))
            .expect("a blank line after the headers");
        (&self.data[..at], &self.data[at + len..])
    }

    /// The headers, each unfolded onto one line (a long header goes on
    /// over lines that start with a space).
    pub fn header_lines(&self) -> Vec<String> {
        let (headers, _) = self.split();
        let mut lines: Vec<String> = Vec::new();
        for line in headers.lines() {
            match lines.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => lines.push(line.to_string()),
            }
        }
        lines
    }

    /// The value of the first header called `name` (without case), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.header_lines()
            .into_iter()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }

    /// The body as text, decoded when it was sent quoted-printable.
    pub fn body_text(&self) -> String {
        let (_, body) = self.split();
        let encoding = self.header("Content-Transfer-Encoding").unwrap_or_default();
        if !encoding.eq_ignore_ascii_case("quoted-printable") {
            return body.to_string();
        }
        let joined = body.replace("=\r\n", "").replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'=', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }
}

pub struct SmtpServer {
    pub port: u16,
    folder: PathBuf,
    child: Child,
    _dir: TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// Starts the server on a free port; returns once it listens (it prints
    /// its port only then). Panics, naming the package, when it is missing.
    pub fn start() -> SmtpServer {
        SmtpServer::start_with(&["none"])
    }

    /// The server speaking TLS, `starttls` (required before mail) or `tls`
    /// (from the first byte), with the test certificate for 127.0.0.1
    /// (tests/fixtures/tls, signed by `ca.pem` there).
    pub fn start_tls(mode: &str) -> SmtpServer {
        let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
        let cert = tls.join("server.pem");
        let key = tls.join("server.key");
        SmtpServer::start_with(&[mode, cert.to_str().unwrap(), key.to_str().unwrap()])
    }

    fn start_with(args: &[&str]) -> SmtpServer {
        assert!(Path::new(PYTHON).exists(), "{MISSING}");
        let dir = TempDir::new().unwrap();
        let folder = dir.path().join("received");
        std::fs::create_dir(&folder).unwrap();
        let script = dir.path().join("smtp_server.py");
        std::fs::write(&script, SERVER).unwrap();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let mut child = Command::new(PYTHON)
            .arg(&script)
            .arg(&folder)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {PYTHON}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).unwrap();
        let Ok(port) = first.trim().parse() else {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
            panic!("the SMTP server did not start ({MISSING}?):\n{log}");
        };
        SmtpServer {
            port,
            folder,
            child,
            _dir: dir,
        }
    }

    /// Every message accepted so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}
