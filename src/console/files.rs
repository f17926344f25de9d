//! What the console keeps on disk between runs (the feed cache, the outbox,
//! the last hand-off note read) and reads back at start. The console runs
//! without any of them: one that cannot be read is set aside or done
//! without, and the responder is told on screen, not only in the log.
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::feed::{self, FeedClient, cache::CachedFeed, outbox::Outbox};

/// Where the id of the last hand-off note read is kept, so it is not shown
/// again at the next start.
const DISMISSED_FILE: &str = "handoff-dismissed";

/// What was read back at start.
#[derive(Debug, Default)]
pub struct Kept {
    /// The feed's cache file (none without a feed).
    pub cache_path: Option<PathBuf>,
    pub cached: Option<CachedFeed>,
    /// Hub feeds only. Lines it set aside are told by the worker once the
    /// first replay is done, so the replay's messages do not hide them.
    pub outbox: Option<Outbox>,
    pub dismissed: Option<u64>,
    /// What could not be read back, one message line each.
    pub problems: Vec<String>,
}

/// Reads back what the console kept in `data_dir` for `client`.
pub fn read_back(data_dir: &Path, client: Option<&FeedClient>, now: DateTime<Utc>) -> Kept {
    let mut kept = Kept {
        dismissed: read_dismissed(data_dir),
        ..Kept::default()
    };
    let Some(client) = client else {
        return kept;
    };
    let cache_path = feed::cache::path(data_dir, client.base());
    match feed::cache::load(&cache_path, now) {
        Ok(cached) => kept.cached = cached,
        Err(problem) => kept.problems.push(problem),
    }
    kept.cache_path = Some(cache_path);
    if let FeedClient::Hub(hub) = client {
        let path = outbox_path(data_dir, hub.base());
        match Outbox::open(&path) {
            Ok(outbox) => kept.outbox = Some(outbox),
            Err(e) => {
                tracing::error!("cannot open the outbox {}: {e}", path.display());
                kept.problems.push(format!(
                    "The outbox {} cannot be opened ({e}): a change the hub does not take at once is tried once, not kept.",
                    path.display()
                ));
            }
        }
    }
    kept
}

/// `DATA/outbox/<hash of the hub's URL>.jsonl`: one file per hub, so that
/// changes meant for one never go to another.
pub fn outbox_path(data_dir: &Path, hub_url: &str) -> PathBuf {
    let hash = crate::config::Sha256Hex::of(hub_url).to_hex();
    data_dir
        .join("outbox")
        .join(format!("{}.jsonl", &hash[..16]))
}

/// Losing this only means seeing the note once more: anything unreadable
/// counts as nothing dismissed.
fn read_dismissed(data_dir: &Path) -> Option<u64> {
    let path = data_dir.join(DISMISSED_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("cannot read {}: {e}", path.display());
            return None;
        }
    };
    let id = std::str::from_utf8(&text)
        .ok()
        .and_then(|s| s.trim().parse().ok());
    if id.is_none() {
        tracing::warn!("ignoring {}: it holds no note id", path.display());
    }
    id
}

/// Remembers that the hand-off note `id` was read.
pub fn remember_dismissed(data_dir: &Path, id: u64) -> std::io::Result<()> {
    crate::files::write_atomic(&data_dir.join(DISMISSED_FILE), |out| {
        std::io::Write::write_all(out, id.to_string().as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dismissed_note_is_remembered_and_garbage_means_none() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        assert_eq!(read_dismissed(&data), None);
        remember_dismissed(&data, 42).unwrap();
        assert_eq!(read_dismissed(&data), Some(42));
        std::fs::write(data.join(DISMISSED_FILE), b"4\xC32").unwrap();
        assert_eq!(read_dismissed(&data), None);
    }
}
