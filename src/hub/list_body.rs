//! The full lists as they go out, built once per change and kept until the
//! next one: every console and script polling the list between two changes
//! gets the same bytes, so they are made once, not per request
//! (`list_cache` decides when).
//!
//! A body is written straight from the database in feed order, one incident
//! at a time, as JSON and as gzip at once; the incidents are never held as a
//! whole. The gzip copy is always kept (about a tenth of the JSON). The plain
//! copy is kept only while it is small ([`PLAIN_KEEP`]): a hub with a very
//! long list keeps its memory, and a client that does not take gzip gets the
//! gzip copy inflated as it is sent. Measured without this (2026-11-30,
//! `cargo bench --bench hub_load -- memory`): 100,000 open incidents kept
//! 60 MB of plain JSON per list, and the hub peaked at 148.6 MiB instead of
//! 44.6 MiB.
use axum::body::{Body, Bytes};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::io::{Read, Write};

use crate::incident::{Incident, Severity, Status};

use super::list::Filter;
use super::store::{Sink, Store, StoreError};

/// The largest plain body kept beside its gzip copy: 10,000 open incidents
/// are about 6 MiB of JSON, 100,000 about 60 MiB.
pub const PLAIN_KEEP: usize = 16 * 1024 * 1024;

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
    pub plain: Option<Bytes>,
    pub gzip: Bytes,
    /// How many of its incidents are of each severity and status, counted
    /// as they were written (for `/metrics`).
    pub tally: Tally,
}

/// Incidents counted by severity and status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally([[u64; 3]; 4]);

impl Tally {
    pub fn add(&mut self, severity: Severity, status: Status) {
        self.0[severity as usize][status as usize] += 1;
    }

    pub fn count(&self, severity: Severity, status: Status) -> u64 {
        self.0[severity as usize][status as usize]
    }
}

impl ListBody {
    /// The plain JSON: the kept copy, or the gzip copy inflated as it is sent.
    pub fn plain_body(&self) -> Body {
        match &self.plain {
            Some(plain) => Body::from(plain.clone()),
            None => inflated(self.gzip.clone()),
        }
    }
}

/// Writes the list for `filter` from one snapshot of the store: the JSON of
/// `IncidentList { cursor, incidents }`, byte for byte.
pub async fn build(
    store: &impl Store,
    filter: Filter,
    plain_keep: usize,
) -> Result<ListBody, StoreError> {
    let out = Writer {
        plain: Some(Vec::new()),
        plain_keep,
        gzip: GzEncoder::new(Vec::new(), Compression::new(LEVEL)),
        pending: Vec::with_capacity(CHUNK),
        begun: false,
        first: true,
        tally: Tally::default(),
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
    plain: Option<Vec<u8>>,
    plain_keep: usize,
    gzip: GzEncoder<Vec<u8>>,
    pending: Vec<u8>,
    begun: bool,
    first: bool,
    tally: Tally,
}

impl Sink for Writer {
    fn incident(&mut self, seq: u64, incident: Incident) -> Result<(), StoreError> {
        self.begin(seq);
        self.tally.add(incident.severity, incident.status);
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
        if let Some(plain) = &mut self.plain {
            plain.extend_from_slice(&self.pending);
            if plain.len() > self.plain_keep {
                self.plain = None;
            }
        }
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
        let plain = self.plain.map(|mut p| {
            p.shrink_to_fit();
            Bytes::from(p)
        });
        Ok(ListBody {
            seq,
            plain,
            gzip: Bytes::from(gzip),
            tally: self.tally,
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

/// A body that inflates `gzip` a chunk at a time on a blocking thread, as
/// fast as the client reads it: never the whole plain list in memory.
fn inflated(gzip: Bytes) -> Body {
    let (chunks, received) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        let mut decoder = GzDecoder::new(&gzip[..]);
        loop {
            let mut chunk = vec![0u8; CHUNK];
            let read = fill(&mut decoder, &mut chunk);
            let done = !matches!(read, Ok(n) if n == CHUNK);
            let item = read.map(|n| {
                chunk.truncate(n);
                Bytes::from(chunk)
            });
            // A closed channel is a client that went away: stop.
            if chunks.blocking_send(item).is_err() || done {
                return;
            }
        }
    });
    Body::from_stream(futures::stream::unfold(received, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

/// Reads until `buf` is full or the input ends; the count read.
fn fill(from: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match from.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests;
