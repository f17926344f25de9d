//! Group commit. Every answered write must be on disk (`synchronous=FULL`,
//! one fsync per commit), and with one commit per change, writers queue
//! behind each other's fsync: 64 of them wait 64 commits. So the changes that
//! requests make go to one thread, which takes every change waiting, runs
//! each in a savepoint of its own inside one transaction, commits once, and
//! only then answers each of them. A change that fails (a 409, a missing
//! incident) rolls back its own savepoint and nothing else.
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::{StoreError, lock, seq_in};

/// At most this many changes share a commit, so one flood cannot hold the
/// first of them for long.
const MAX_BATCH: usize = 256;

/// A change waiting for the batch thread.
pub type Job = Box<dyn Change>;

/// One queued change: run inside the batch's transaction, answered after.
pub trait Change: Send {
    /// Runs the change in its savepoint; false if it failed (the savepoint is
    /// rolled back, and the answer says why).
    fn run(&mut self, tx: &Transaction<'_>) -> bool;
    /// Sends the answer: the change's own result if the batch committed,
    /// otherwise why nothing was saved.
    fn finish(self: Box<Self>, saved: Result<(), &str>);
}

/// Say what the change returned, or the error, to whoever waits for it.
pub type Reply<T> = Box<dyn FnOnce(Result<T, StoreError>) + Send>;

pub struct Pending<T, F> {
    change: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: Option<Reply<T>>,
}

impl<T, F> Pending<T, F> {
    pub fn new(change: F, reply: Reply<T>) -> Self {
        Pending {
            change: Some(change),
            result: None,
            reply: Some(reply),
        }
    }
}

impl<T, F> Change for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, tx: &Transaction<'_>) -> bool {
        let Some(change) = self.change.take() else {
            return false;
        };
        // A bug in one change must not take the thread, and every later
        // write with it, down.
        let result = catch_unwind(AssertUnwindSafe(|| change(tx)))
            .unwrap_or_else(|_| Err(StoreError::Worker("the change panicked".to_string())));
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(mut self: Box<Self>, saved: Result<(), &str>) {
        let answer = match (saved, self.result.take()) {
            (_, None) => Err(StoreError::Worker("the change never ran".to_string())),
            (Ok(()), Some(result)) => result,
            (Err(_), Some(Err(e))) => Err(e),
            (Err(why), Some(Ok(_))) => Err(StoreError::Worker(format!(
                "the change was not saved: {why}"
            ))),
        };
        if let Some(reply) = self.reply.take() {
            reply(answer);
        }
    }
}

/// The batch thread: runs until every sender is gone.
pub fn run(writer: Arc<Mutex<Connection>>, jobs: Receiver<Job>, seq: Arc<AtomicU64>) {
    let mut queue: VecDeque<Job> = VecDeque::new();
    loop {
        if queue.is_empty() {
            match jobs.recv() {
                Ok(job) => queue.push_back(job),
                Err(_) => return,
            }
        }
        while queue.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => queue.push_back(job),
                Err(_) => break,
            }
        }
        let mut conn = lock(&writer);
        commit_batch(&mut conn, &mut queue, &seq);
    }
}

/// Runs the changes at the front of `queue` in one transaction and answers
/// them. Changes it could not start (the transaction died under them) stay
/// queued for the next batch; at least one change is answered every time.
fn commit_batch(conn: &mut Connection, queue: &mut VecDeque<Job>, seq: &AtomicU64) {
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            // Nothing ran; fail what waits rather than spin on a broken file.
            let why = e.to_string();
            for job in queue.drain(..) {
                job.finish(Err(&why));
            }
            return;
        }
    };
    let mut ran: Vec<Job> = Vec::with_capacity(queue.len());
    let mut broken: Option<String> = None;
    while let Some(mut job) = queue.pop_front() {
        if let Err(e) = tx.execute_batch("SAVEPOINT batch_change") {
            broken = Some(e.to_string());
            ran.push(job);
            break;
        }
        let ok = job.run(&tx);
        ran.push(job);
        let end = if ok {
            "RELEASE batch_change"
        } else {
            "ROLLBACK TO batch_change; RELEASE batch_change"
        };
        // Some failures (disk full, I/O) make SQLite roll back the whole
        // transaction; then the changes run so far are gone too.
        if tx.is_autocommit() {
            broken = Some("the transaction was rolled back".to_string());
            break;
        }
        if let Err(e) = tx.execute_batch(end) {
            broken = Some(e.to_string());
            break;
        }
    }
    let saved = match broken {
        Some(why) => {
            drop(tx);
            Err(why)
        }
        None => tx.commit().map_err(|e| e.to_string()),
    };
    if saved.is_ok() {
        // Published before anyone is answered, so a client that polls right
        // after its answer sees a new ETag.
        match seq_in(conn) {
            Ok(now) => {
                seq.fetch_max(now, Ordering::AcqRel);
            }
            Err(e) => tracing::error!(error = %e, "cannot read the change number back"),
        }
    }
    let saved = saved.as_ref().map(|_| ()).map_err(String::as_str);
    for job in ran {
        job.finish(saved);
    }
}
