//! Gathering a shift from the hub, and keeping the note safe on disk.
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;

use super::compose::Shift;
use crate::feed::{FeedError, HubClient};

/// When nobody's rota says when the shift began, the note covers this long.
const DEFAULT_SHIFT: Duration = Duration::hours(12);

/// Reads the rota, the incidents and their timelines, the squashes of
/// `me`'s shift, and everyone's open follow-ups.
pub async fn gather(client: &HubClient, me: &str, now: DateTime<Utc>) -> Result<Shift, FeedError> {
    let oncall = client.oncall().await?;
    let since = match &oncall.now {
        Some(shift) if shift.who == me => shift.since,
        _ => now - DEFAULT_SHIFT,
    };
    let to = match (&oncall.now, &oncall.next) {
        (_, Some(next)) if next.who != me => Some(next.who.clone()),
        (Some(current), _) if current.who != me => Some(current.who.clone()),
        _ => None,
    };
    let list = client.list_all().await?;
    let wanted: Vec<u64> = list
        .incidents
        .iter()
        .filter(|i| i.status.is_open() || i.updated_at >= since)
        .map(|i| i.id)
        .collect();
    // Timelines for each, a few at a time so a busy hub is not flooded.
    let mut incidents = Vec::with_capacity(wanted.len());
    let mut fetches =
        futures::stream::iter(wanted.into_iter().map(|id| client.get(id))).buffer_unordered(8);
    while let Some(inc) = fetches.next().await {
        incidents.push(inc?);
    }
    incidents.sort_by_key(|i| i.id);
    let squashes = client.squashes(Some(since)).await?;
    let followups = client.followups(None, true).await?;
    Ok(Shift {
        from: me.to_string(),
        to,
        since,
        now,
        incidents,
        squashes,
        followups,
    })
}

/// Writes the note to `dir` and syncs it before anything is sent, so it
/// survives the hub being unreachable and the console being killed.
pub fn save(
    dir: &Path,
    from: &str,
    to: Option<&str>,
    at: DateTime<Utc>,
    note: &str,
) -> std::io::Result<PathBuf> {
    crate::files::create_dir_all(dir)?;
    let to = to.unwrap_or("next");
    let name = format!(
        "{}-{}-to-{}.md",
        at.format("%Y%m%dT%H%M%SZ"),
        safe(from),
        safe(to)
    );
    let path = dir.join(name);
    // Owner-only: the note speaks of the team's incidents.
    let mut file = crate::files::options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)?;
    file.write_all(note.as_bytes())?;
    file.sync_all()?;
    // The new name must survive a crash too.
    crate::files::sync_dir(dir);
    Ok(path)
}

fn safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
