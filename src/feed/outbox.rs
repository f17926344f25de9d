//! The outbox: every change the responder makes is written here, synced,
//! before it is sent, and taken out once the hub has answered. What the hub
//! could not be reached for stays, survives quitting and crashes, and is
//! sent again in order, each time with the same Idempotency-Key, so a change
//! that did arrive is never applied twice.
use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::client::Action;
use crate::incident::{HandoffRequest, NewOverride};

/// What waits to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Incident {
        id: u64,
        action: Action,
    },
    Handoff {
        request: HandoffRequest,
    },
    /// Remove squash `id` before its end.
    Unsquash {
        id: u64,
    },
    /// Put someone on call for a window (an override of the rota).
    Cover {
        request: NewOverride,
    },
    /// Remove override `id`.
    Uncover {
        id: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The Idempotency-Key it is always sent with.
    pub key: String,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub op: Op,
}

impl Entry {
    pub fn new(op: Op, at: DateTime<Utc>) -> Entry {
        Entry {
            key: new_key(),
            at,
            op,
        }
    }
}

/// 128 random bits, hex: unique enough that two consoles never collide.
pub(crate) fn new_key() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the time still keeps one console's keys apart.
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
        bytes[..8].copy_from_slice(&nanos.to_le_bytes());
    }
    format!("oc-{}", hex::encode(bytes))
}

/// The outbox file: one JSON entry a line, oldest first.
#[derive(Debug)]
pub struct Outbox {
    path: PathBuf,
    entries: VecDeque<Entry>,
    set_aside: Option<SetAside>,
}

/// Lines of the outbox that could not be read back when it was opened (a
/// write cut short by a crash, a damaged disk): moved to a file of their own
/// so the rest is sent and new changes are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub lines: usize,
    /// Where they are now.
    pub path: PathBuf,
}

impl std::fmt::Display for SetAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (n, s) = (self.lines, if self.lines == 1 { "" } else { "s" });
        write!(
            f,
            "{n} unreadable line{s} of the outbox set aside in {}; the readable changes go out as usual.",
            self.path.display()
        )
    }
}

impl Outbox {
    /// Opens (or starts) the outbox at `path`. Lines that cannot be read
    /// back are set aside in `PATH.bad-<time>` ([`Outbox::set_aside`]) and
    /// the file keeps the rest: one bad line never costs the others.
    pub fn open(path: &Path) -> std::io::Result<Outbox> {
        let mut outbox = Outbox {
            path: path.to_path_buf(),
            entries: VecDeque::new(),
            set_aside: None,
        };
        let mut bytes = Vec::new();
        match File::open(path) {
            Ok(mut file) => {
                file.read_to_end(&mut bytes)?;
                // Written before the outbox was private: it is now.
                if let Err(e) = crate::files::make_private(&file) {
                    tracing::warn!("outbox {}: cannot make it private: {e}", path.display());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(outbox),
            Err(e) => return Err(e),
        }
        let mut bad: Vec<&[u8]> = Vec::new();
        for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
            if line.trim_ascii().is_empty() {
                continue;
            }
            match parse_line(line) {
                Ok(entry) => outbox.entries.push_back(entry),
                Err(why) => {
                    tracing::warn!("outbox {} line {}: {why}", path.display(), n + 1);
                    bad.push(line);
                }
            }
        }
        if !bad.is_empty() {
            // Kept before the live file loses them: a crash in between
            // leaves them in both, never in neither.
            let aside = crate::files::set_aside_path(path, Utc::now());
            let mut file = crate::files::append(&aside)?;
            for line in &bad {
                file.write_all(line)?;
                file.write_all(b"\n")?;
            }
            file.sync_all()?;
            crate::files::sync_dir(crate::files::parent(&aside));
            outbox.set_aside = Some(SetAside {
                lines: bad.len(),
                path: aside,
            });
        }
        // A last line without its newline would run into the next change
        // appended: the file is rewritten whole, as read.
        if !bad.is_empty() || !bytes.ends_with(b"\n") {
            outbox.rewrite()?;
        }
        Ok(outbox)
    }

    /// What was set aside when the outbox was opened, if anything.
    pub fn set_aside(&self) -> Option<&SetAside> {
        self.set_aside.as_ref()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn front(&self) -> Option<&Entry> {
        self.entries.front()
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// Appends `entry` and syncs it to disk before returning.
    pub fn push(&mut self, entry: Entry) -> std::io::Result<()> {
        let line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        let mut file = crate::files::append(&self.path)?;
        writeln!(file, "{line}")?;
        file.sync_all()?;
        self.entries.push_back(entry);
        Ok(())
    }

    /// Takes out the entry with `key` (normally the first) and rewrites the
    /// file in one atomic step.
    pub fn remove(&mut self, key: &str) -> std::io::Result<()> {
        self.entries.retain(|e| e.key != key);
        self.rewrite()
    }

    fn rewrite(&self) -> std::io::Result<()> {
        if self.entries.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        crate::files::write_atomic(&self.path, |out| {
            for e in &self.entries {
                serde_json::to_writer(&mut *out, e).map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        })
    }
}

/// One line of the outbox file: UTF-8 JSON of an [`Entry`].
fn parse_line(line: &[u8]) -> Result<Entry, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8 ({e})"))?;
    serde_json::from_str(text).map_err(|e| format!("not an outbox entry ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(id: u64) -> Op {
        Op::Incident {
            id,
            action: Action::Acknowledge { version: Some(3) },
        }
    }

    #[test]
    fn entries_survive_reopening_in_order_and_removal_is_durable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let mut ob = Outbox::open(&path).unwrap();
        assert!(ob.is_empty());
        let first = Entry::new(ack(1), Utc::now());
        let second = Entry::new(
            Op::Handoff {
                request: HandoffRequest {
                    to: Some("bob".into()),
                    note: "n".into(),
                },
            },
            Utc::now(),
        );
        assert_ne!(first.key, second.key);
        ob.push(first.clone()).unwrap();
        ob.push(second.clone()).unwrap();
        let again = Outbox::open(&path).unwrap();
        assert_eq!(
            again.entries().cloned().collect::<Vec<_>>(),
            vec![first.clone(), second.clone()]
        );
        ob.remove(&first.key).unwrap();
        assert_eq!(Outbox::open(&path).unwrap().front(), Some(&second));
        ob.remove(&second.key).unwrap();
        assert!(!path.exists());
    }

    fn line(e: &Entry) -> Vec<u8> {
        let mut l = serde_json::to_vec(e).unwrap();
        l.push(b'\n');
        l
    }

    #[test]
    fn bad_lines_are_set_aside_and_the_rest_is_kept_and_grows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let (first, second) = (
            Entry::new(ack(1), Utc::now()),
            Entry::new(ack(2), Utc::now()),
        );
        // A line cut mid-character by a crash, and one that is not JSON at
        // all, between good ones; the last line has lost its newline.
        let torn: &[u8] = b"{\"key\":\"oc-1\",\"note\":\"caf\xC3";
        let mut file = line(&first);
        file.extend_from_slice(torn);
        file.extend_from_slice(b"\n#### garbage\n");
        file.extend_from_slice(&line(&second)[..line(&second).len() - 1]);
        std::fs::write(&path, &file).unwrap();

        let mut ob = Outbox::open(&path).unwrap();
        assert_eq!(
            ob.entries().cloned().collect::<Vec<_>>(),
            vec![first.clone(), second.clone()]
        );
        let aside = ob
            .set_aside()
            .cloned()
            .expect("the bad lines were set aside");
        assert_eq!(aside.lines, 2);
        let mut want = torn.to_vec();
        want.extend_from_slice(b"\n#### garbage\n");
        assert_eq!(std::fs::read(&aside.path).unwrap(), want);
        let name = aside
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with("outbox.jsonl.bad-"), "{name}");
        assert!(aside.to_string().contains("2 unreadable lines"), "{aside}");

        // New changes are still kept, each on a line of its own.
        let third = Entry::new(ack(3), Utc::now());
        ob.push(third.clone()).unwrap();
        let again = Outbox::open(&path).unwrap();
        assert_eq!(again.set_aside(), None);
        assert_eq!(
            again.entries().cloned().collect::<Vec<_>>(),
            vec![first, second, third]
        );
    }
}
