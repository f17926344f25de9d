//! A proxy in front of a real hub that loses the hub's first answer, as a
//! network cut at the wrong moment does: the hub applied the change, the
//! console never heard; and how a test follows the outbox's worker until
//! the change got through.
use oncall::feed::{FeedError, WorkerEvent};
use oncall::incident::{EventKind, Incident};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Forwards connections to `to`; the first one's answer is swallowed: the
/// client's connection closes the moment the hub starts answering.
pub async fn lossy_proxy(to: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            let mut hub = TcpStream::connect(&to).await.unwrap();
            if std::mem::take(&mut first) {
                tokio::spawn(async move {
                    let (mut client_read, _client_write) = client.split();
                    let (mut hub_read, mut hub_write) = hub.split();
                    let mut buf = vec![0u8; 64 * 1024];
                    let forward = async {
                        loop {
                            let n = client_read.read(&mut buf).await.unwrap_or(0);
                            if n == 0 || hub_write.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    };
                    let mut answer = [0u8; 1];
                    tokio::select! {
                        _ = forward => {}
                        // The hub has answered, so it has applied the change.
                        _ = hub_read.read(&mut answer) => {}
                    }
                    // Both dropped here: the answer never reaches the client.
                });
            } else {
                tokio::spawn(async move {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut hub).await;
                });
            }
        }
    });
    format!("http://{addr}")
}

/// The worker's answer to the change of `ticket`, and whether the change
/// was queued (told to wait in the outbox) before it.
pub async fn acted_after_queue(
    rx: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    ticket: u64,
) -> (bool, Result<Incident, FeedError>) {
    let mut queued = false;
    loop {
        match rx.recv().await.expect("the worker reports") {
            WorkerEvent::Queued {
                ticket: Some(t), ..
            } if t == ticket => queued = true,
            WorkerEvent::Acted {
                ticket: t, result, ..
            } if t == ticket => return (queued, result),
            _ => {}
        }
    }
}

/// How many notes the incident's timeline holds.
pub fn notes(inc: &Incident) -> usize {
    inc.timeline
        .iter()
        .filter(|e| e.kind == EventKind::Note)
        .count()
}
