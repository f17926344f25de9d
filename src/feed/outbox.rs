//! The outbox: every change the responder makes is written here, synced,
//! before it is sent, and taken out once the hub has answered. What the hub
//! could not be reached for stays, survives quitting and crashes, and is
//! sent again in order, each time with the same Idempotency-Key, so a change
//! that did arrive is never applied twice.
use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::client::Action;
use crate::incident::HandoffRequest;

/// What waits to be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Incident { id: u64, action: Action },
    Handoff { request: HandoffRequest },
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
fn new_key() -> String {
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
}

impl Outbox {
    /// Opens (or starts) the outbox at `path`. A line that does not parse
    /// (a write cut short by a crash) is set aside in `PATH.bad`, not lost.
    pub fn open(path: &Path) -> std::io::Result<Outbox> {
        let mut entries = VecDeque::new();
        match File::open(path) {
            Ok(file) => {
                for line in BufReader::new(file).lines() {
                    let line = line?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str::<Entry>(&line) {
                        Ok(e) => entries.push_back(e),
                        Err(err) => {
                            tracing::warn!("outbox: unreadable entry kept aside: {err}");
                            let mut bad = OpenOptions::new()
                                .create(true)
                                .append(true)
                                .open(path.with_extension("bad"))?;
                            writeln!(bad, "{line}")?;
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        Ok(Outbox {
            path: path.to_path_buf(),
            entries,
        })
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
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
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
        let tmp = self.path.with_extension("tmp");
        let mut file = File::create(&tmp)?;
        for e in &self.entries {
            let line = serde_json::to_string(e).map_err(std::io::Error::other)?;
            writeln!(file, "{line}")?;
        }
        file.sync_all()?;
        std::fs::rename(&tmp, &self.path)?;
        if let Some(dir) = self.path.parent()
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
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

    #[test]
    fn a_torn_last_line_is_set_aside_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let mut ob = Outbox::open(&path).unwrap();
        let e = Entry::new(ack(7), Utc::now());
        ob.push(e.clone()).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(br#"{"key":"oc-"#)
            .unwrap();
        let again = Outbox::open(&path).unwrap();
        assert_eq!(again.len(), 1);
        assert!(
            std::fs::read_to_string(path.with_extension("bad"))
                .unwrap()
                .contains("oc-")
        );
    }
}
