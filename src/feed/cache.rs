//! The last good state of the feed, on disk, so the console starts with
//! something to show (marked stale with its age) even when the hub is down,
//! and a restart never opens on an empty screen.
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

/// The cached feed, or `None` when there is none. One that cannot be read
/// is moved aside (`PATH.bad-<time>`) so the next save does not hide what
/// went wrong; the error says so, for the screen. A cache is a convenience:
/// the feed itself is the truth, and the console starts without it.
pub fn load(path: &Path, now: DateTime<Utc>) -> Result<Option<CachedFeed>, String> {
    let parsed = match std::fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => Err(e.to_string()),
        Ok(bytes) => {
            crate::feed::client::parse_json::<CachedFeed>(&bytes).map_err(|e| e.to_string())
        }
    };
    match parsed {
        Ok(mut cached) => {
            // The file is ours, but text in it came from the feed.
            // Just read, so not shared: no copy is made.
            Arc::make_mut(&mut cached.incidents)
                .iter_mut()
                .for_each(crate::sanitize::incident);
            if let Some(oncall) = &mut cached.oncall {
                crate::sanitize::oncall(oncall);
            }
            Ok(Some(cached))
        }
        Err(e) => {
            tracing::warn!("the feed cache {} is unreadable: {e}", path.display());
            let aside = crate::files::set_aside_path(path, now);
            Err(match std::fs::rename(path, &aside) {
                Ok(()) => format!(
                    "The saved copy of the feed could not be read ({e}); it was moved to {} and the console starts without it.",
                    aside.display()
                ),
                Err(moving) => format!(
                    "The saved copy of the feed {} could not be read ({e}) nor moved aside ({moving}); the console starts without it.",
                    path.display()
                ),
            })
        }
    }
}

/// Writes the cache atomically: a crash leaves the old one or the new one.
pub fn save(path: &Path, cached: &CachedFeed) -> std::io::Result<()> {
    crate::files::write_atomic(path, |out| {
        serde_json::to_writer(out, cached).map_err(std::io::Error::other)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let p = path(dir.path(), "http://hub:8080");
        assert_eq!(load(&p, now), Ok(None));
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
        assert_eq!(load(&p, now), Ok(Some(cached)));
        // A cache from before the cursor was kept still loads, without one.
        let old = r#"{"saved_at":"2026-11-23T03:00:00Z","incidents":[]}"#;
        std::fs::write(&p, old).unwrap();
        assert_eq!(load(&p, now).map(|c| c.map(|c| c.resume)), Ok(Some(None)));
        assert_ne!(p, path(dir.path(), "http://other:8080"));
    }

    #[test]
    fn an_unreadable_cache_is_moved_aside_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "http://hub:8080");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        for garbage in [&b"{not json"[..], b"{\"saved_at\":\"caf\xC3"] {
            std::fs::write(&p, garbage).unwrap();
            let said = load(&p, Utc::now()).unwrap_err();
            assert!(!p.exists(), "moved out of the way");
            assert!(said.contains("moved to"), "{said}");
            assert!(said.contains("starts without it"), "{said}");
            let moved: Vec<_> = std::fs::read_dir(p.parent().unwrap())
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            assert_eq!(moved.len(), 1, "{moved:?}");
            assert!(said.contains(&moved[0].display().to_string()), "{said}");
            assert_eq!(std::fs::read(&moved[0]).unwrap(), garbage);
            assert!(moved[0].to_string_lossy().contains(".json.bad-"));
            std::fs::remove_file(&moved[0]).unwrap();
        }
    }
}
