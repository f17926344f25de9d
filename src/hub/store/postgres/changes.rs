//! How a hub learns of the changes other hubs make on the same database, so
//! that its change number (what ETags, `304`s and the list cache compare,
//! kept in memory so that a `304` never touches the database) follows
//! theirs: each commit sends `NOTIFY oncall_changes, '<seq>'`, which every
//! hub LISTENs for on a connection of its own; and since a notification can
//! be lost (a dropped connection, a hub reconnecting), the counter itself is
//! read from the database every second, which bounds how late a change made
//! elsewhere can be seen.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use deadpool_postgres::Pool;
use futures::StreamExt;
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, NoTls};

use super::StoreError;
use super::target::PgTarget;

/// The channel every commit notifies with its change number.
pub const CHANNEL: &str = "oncall_changes";

/// How often the change counter is read whatever the notifications say.
const REREAD_EVERY: Duration = Duration::from_secs(1);

/// Starts following the database's change counter into `seq`; the tasks run
/// until aborted (when the store goes).
pub fn follow(target: PgTarget, pool: Pool, seq: Arc<AtomicU64>) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(listen(target, seq.clone())),
        tokio::spawn(reread(pool, seq)),
    ]
}

/// Listens for notifications, connecting again a second after the
/// connection is lost.
async fn listen(target: PgTarget, seq: Arc<AtomicU64>) {
    let mut said = false;
    loop {
        match listen_once(&target, &seq).await {
            Ok(()) => said = false,
            Err(e) if !said => {
                tracing::warn!(error = %e, "not listening for other hubs' changes; reading the change number every second meanwhile");
                said = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(REREAD_EVERY).await;
    }
}

/// One listening connection, until it ends.
async fn listen_once(target: &PgTarget, seq: &AtomicU64) -> Result<(), StoreError> {
    let (client, mut connection) = target
        .config()
        .connect(NoTls)
        .await
        .map_err(|e| target.unreachable(&e))?;
    let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
    let listen = format!("LISTEN {CHANNEL}");
    let listened = client.batch_execute(&listen);
    // The connection is driven by reading its messages: the LISTEN only
    // completes while they are read.
    tokio::pin!(listened);
    let mut listening = false;
    loop {
        tokio::select! {
            done = &mut listened, if !listening => {
                done.map_err(|e| target.named(e.into()))?;
                listening = true;
            }
            message = messages.next() => match message {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if let Ok(at) = n.payload().parse::<u64>() {
                        seq.fetch_max(at, Ordering::AcqRel);
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(target.unreachable(&e)),
                None => return Err(target.unreachable(&std::io::Error::other("the connection closed"))),
            },
        }
    }
}

/// Reads the change counter every second.
async fn reread(pool: Pool, seq: Arc<AtomicU64>) {
    let mut ticks = tokio::time::interval(REREAD_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut said = false;
    loop {
        ticks.tick().await;
        match read_seq(&pool).await {
            Ok(at) => {
                seq.fetch_max(at, Ordering::AcqRel);
                said = false;
            }
            Err(e) if !said => {
                tracing::warn!(error = %e, "cannot read the change number");
                said = true;
            }
            Err(_) => {}
        }
    }
}

async fn read_seq(pool: &Pool) -> Result<u64, String> {
    let conn = pool.get().await.map_err(|e| e.to_string())?;
    let row = conn
        .query_one("SELECT change_seq FROM hub WHERE id = 1", &[])
        .await
        .map_err(|e| e.to_string())?;
    let at: i64 = row.try_get(0).map_err(|e| e.to_string())?;
    u64::try_from(at).map_err(|_| format!("the change number is negative ({at})"))
}
