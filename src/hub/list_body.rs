//! The full lists as they go out, built once per change and kept until the
//! next one: every console and script polling the list between two changes
//! gets the same bytes, so they are made once, not per request
//! (`list_cache` decides when).
//!
//! A body is written straight from the store in feed order, one incident at
//! a time, as JSON and as gzip at once; the incidents are never held as a
//! whole, only the two bodies (the gzip one about a tenth of the JSON).
use axum::body::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

use crate::incident::Incident;

use super::list::Filter;
use super::store::{Sink, Store, StoreError};

/// Built once per change and read by every poll until the next, so a
/// stronger (slower) level pays for itself in bytes sent: for 10,000
/// incidents, level 6 is 265 KiB in 44 ms, level 1 444 KiB in 20 ms.
const LEVEL: u32 = 6;

/// For answers made per request.
pub const FAST: u32 = 1;

/// Bytes gathered before they go to the encoder.
const CHUNK: usize = 64 * 1024;

/// One full list, as of change `seq`.
pub struct ListBody {
    pub seq: u64,
    pub plain: Bytes,
    pub gzip: Bytes,
}

/// Writes the list for `filter` from one snapshot of the store: the JSON of
/// `IncidentList { cursor, incidents }`, byte for byte.
pub async fn build(store: &impl Store, filter: Filter) -> Result<ListBody, StoreError> {
    let out = Writer {
        plain: Vec::new(),
        gzip: GzEncoder::new(Vec::new(), Compression::new(LEVEL)),
        pending: Vec::with_capacity(CHUNK),
        begun: false,
        first: true,
    };
    let (seq, mut out) = store.feed(filter == Filter::Open, 0, out).await?;
    tokio::task::spawn_blocking(move || {
        out.begin(seq);
        out.finish(seq)
    })
    .await
    .map_err(|e| StoreError::Worker(e.to_string()))?
}

struct Writer {
    plain: Vec<u8>,
    gzip: GzEncoder<Vec<u8>>,
    pending: Vec<u8>,
    begun: bool,
    first: bool,
}

impl Sink for Writer {
    fn incident(&mut self, seq: u64, incident: Incident) -> Result<(), StoreError> {
        self.begin(seq);
        self.write(&incident)
    }
}

impl Writer {
    fn begin(&mut self, seq: u64) {
        if !self.begun {
            self.begun = true;
            self.pending
                .extend_from_slice(format!("{{\"cursor\":{seq},\"incidents\":[").as_bytes());
        }
    }

    fn write(&mut self, incident: &Incident) -> Result<(), StoreError> {
        if !self.first {
            self.pending.push(b',');
        }
        self.first = false;
        serde_json::to_writer(&mut self.pending, incident)
            .map_err(|e| StoreError::Corrupt(format!("incident does not serialise: {e}")))?;
        if self.pending.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        self.plain.extend_from_slice(&self.pending);
        self.gzip
            .write_all(&self.pending)
            .map_err(|e| StoreError::Corrupt(format!("cannot compress the list: {e}")))?;
        self.pending.clear();
        Ok(())
    }

    fn finish(mut self, seq: u64) -> Result<ListBody, StoreError> {
        self.pending.extend_from_slice(b"]}");
        self.flush()?;
        let mut gzip = self
            .gzip
            .finish()
            .map_err(|e| StoreError::Corrupt(format!("cannot compress the list: {e}")))?;
        // Kept until the next change: give back what growing left spare.
        gzip.shrink_to_fit();
        self.plain.shrink_to_fit();
        Ok(ListBody {
            seq,
            plain: Bytes::from(self.plain),
            gzip: Bytes::from(gzip),
        })
    }
}

/// `bytes` gzipped at `level`.
pub fn gzip(bytes: &[u8], level: u32) -> Result<Vec<u8>, StoreError> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 8), Compression::new(level));
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| StoreError::Corrupt(format!("cannot compress the answer: {e}")))
}

#[cfg(test)]
mod tests;
