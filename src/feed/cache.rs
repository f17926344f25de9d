//! The last good state of the feed, on disk, so the console starts with
//! something to show (marked stale with its age) even when the hub is down,
//! and a restart never opens on an empty screen.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::incident::{Incident, OnCall};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedFeed {
    pub saved_at: DateTime<Utc>,
    /// Shared with the console's model: saving takes no copy of the list.
    pub incidents: Arc<Vec<Incident>>,
    #[serde(default)]
    pub oncall: Option<OnCall>,
    /// Where the feed stood when `incidents` were as saved; absent in caches
    /// written before it was kept, and for feeds that cannot resume.
    #[serde(default)]
    pub resume: Option<crate::feed::Resume>,
}

/// `DATA/cache/<hash of the feed's URL>.json`: one per feed, so a console
/// pointed at another hub never shows this one's incidents.
pub fn path(data_dir: &Path, feed_url: &str) -> PathBuf {
    let hash = crate::config::Sha256Hex::of(feed_url).to_hex();
    data_dir.join("cache").join(format!("{}.json", &hash[..16]))
}

/// The cached feed, or `None` when there is none or it cannot be read (a
/// cache is a convenience: the feed itself is the truth).
pub fn load(path: &Path) -> Option<CachedFeed> {
    let bytes = std::fs::read(path).ok()?;
    match crate::feed::client::parse_json::<CachedFeed>(&bytes) {
        Ok(mut cached) => {
            // The file is ours, but text in it came from the feed.
            // Just read, so not shared: no copy is made.
            Arc::make_mut(&mut cached.incidents)
                .iter_mut()
                .for_each(crate::sanitize::incident);
            if let Some(oncall) = &mut cached.oncall {
                crate::sanitize::oncall(oncall);
            }
            Some(cached)
        }
        Err(e) => {
            tracing::warn!("ignoring the unreadable feed cache {}: {e}", path.display());
            None
        }
    }
}

/// Writes the cache atomically: a crash leaves the old one or the new one.
pub fn save(path: &Path, cached: &CachedFeed) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    // Buffered: the serialiser writes a token at a time, and 10,000
    // incidents unbuffered are a hundred thousand system calls.
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::fs::File::create(&tmp)?);
    serde_json::to_writer(&mut out, cached).map_err(std::io::Error::other)?;
    out.flush()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "http://hub:8080");
        assert_eq!(load(&p), None);
        let cached = CachedFeed {
            saved_at: Utc::now(),
            incidents: Arc::default(),
            oncall: None,
            resume: Some(crate::feed::Resume {
                cursor: 42,
                hub: "0123abcd".into(),
            }),
        };
        save(&p, &cached).unwrap();
        assert_eq!(load(&p), Some(cached));
        // A cache from before the cursor was kept still loads, without one.
        let old = r#"{"saved_at":"2026-11-23T03:00:00Z","incidents":[]}"#;
        std::fs::write(&p, old).unwrap();
        assert_eq!(load(&p).map(|c| c.resume), Some(None));
        std::fs::write(&p, b"{not json").unwrap();
        assert_eq!(load(&p), None);
        assert_ne!(p, path(dir.path(), "http://other:8080"));
    }
}
