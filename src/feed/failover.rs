//! A feed of several hubs on one database (`urls = [...]`): which hub to ask
//! first, which failures mean "this one did not answer, ask the next", and how
//! a hub is named on the top bar. The client (client.rs) follows this policy
//! for every request, so the poller, the outbox and the command line all
//! fail over the same way.
use std::sync::atomic::{AtomicUsize, Ordering};

use super::client::FeedError;

/// Which hub answers now: the one asked first, until it does not answer.
/// Each copy of a client keeps its own (the poller's and the worker's each
/// find the hub that answers them).
#[derive(Debug)]
pub struct Rotation {
    current: AtomicUsize,
    len: usize,
}

impl Rotation {
    /// `len` hubs, the first one asked first.
    pub fn new(len: usize) -> Rotation {
        Rotation {
            current: AtomicUsize::new(0),
            len: len.max(1),
        }
    }

    /// The hub that answered last (the first one until another answered).
    pub fn current(&self) -> usize {
        self.current.load(Ordering::Relaxed)
    }

    /// Every hub once, in the order to ask them: the current one, then the
    /// ones after it in the list, round to those before it.
    pub fn order(&self) -> impl Iterator<Item = usize> + use<> {
        let (current, len) = (self.current(), self.len);
        (0..len).map(move |k| (current + k) % len)
    }

    /// Hub `i` answered: it is asked first from now on.
    pub fn answered(&self, i: usize) {
        if i < self.len {
            self.current.store(i, Ordering::Relaxed);
        }
    }
}

impl Clone for Rotation {
    fn clone(&self) -> Self {
        Rotation {
            current: AtomicUsize::new(self.current()),
            len: self.len,
        }
    }
}

/// Whether `err` means the hub gave no answer of its own, so the same
/// request goes to the next hub: not reached, no answer in time, a server
/// error (a dying hub or its proxy), an answer that is not what a hub sends,
/// or a refusal that is not the hub's JSON error (a proxy's page). A hub's
/// own "no" (401, 404, 409...) is an answer, and the next hub would say the
/// same. Every write goes with an Idempotency-Key, so sending it again to
/// another hub never applies it twice.
pub fn ask_next(err: &FeedError) -> bool {
    match err {
        FeedError::Unreachable(_)
        | FeedError::Timeout(_)
        | FeedError::Server { .. }
        | FeedError::Garbage(_) => true,
        FeedError::Rejected { code, .. } => code.is_empty(),
        FeedError::Unauthorized(_) | FeedError::NotConfigured(_) | FeedError::Unsupported(_) => {
            false
        }
    }
}

/// `host[:port]` of a hub's URL, as the top bar names it: short, and inert
/// whatever the file said.
pub fn host_of(url: &str) -> String {
    let named = reqwest::Url::parse(url).ok().and_then(|u| {
        let host = u.host_str()?.to_string();
        Some(match u.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        })
    });
    crate::sanitize::line(&named.unwrap_or_else(|| url.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hub_that_answers_stays_first_and_the_others_follow_round_the_list() {
        let r = Rotation::new(3);
        assert_eq!(r.order().collect::<Vec<_>>(), [0, 1, 2]);
        // The first did not answer, the second did: it is asked first now.
        r.answered(1);
        assert_eq!(r.order().collect::<Vec<_>>(), [1, 2, 0]);
        // It answers again: nothing moves.
        r.answered(1);
        assert_eq!(r.current(), 1);
        // It stops answering, the third answers: round robin goes on from there.
        r.answered(2);
        assert_eq!(r.order().collect::<Vec<_>>(), [2, 0, 1]);
        // A copy goes its own way.
        let copy = r.clone();
        copy.answered(0);
        assert_eq!((r.current(), copy.current()), (2, 0));
        // Out of range is ignored; one hub is always asked.
        r.answered(7);
        assert_eq!(r.current(), 2);
        assert_eq!(Rotation::new(0).order().collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn only_a_missing_answer_sends_the_request_to_the_next_hub() {
        let rejected = |code: &str| FeedError::Rejected {
            status: 404,
            code: code.into(),
            message: "m".into(),
            incident: None,
        };
        for next in [
            FeedError::Unreachable("http://a".into()),
            FeedError::Timeout(10),
            FeedError::Server {
                status: 503,
                message: "m".into(),
            },
            FeedError::Garbage("<html>".into()),
            rejected(""),
        ] {
            assert!(ask_next(&next), "{next:?}");
        }
        for answer in [
            rejected("not_found"),
            FeedError::Unauthorized("ONCALL_TOKEN".into()),
            FeedError::NotConfigured("x".into()),
            FeedError::Unsupported("x".into()),
        ] {
            assert!(!ask_next(&answer), "{answer:?}");
        }
    }

    #[test]
    fn a_hub_is_named_by_host_and_port_only() {
        assert_eq!(host_of("https://hub-a.example"), "hub-a.example");
        assert_eq!(
            host_of("https://user:secret@hub-b.example:8443/oncall"),
            "hub-b.example:8443"
        );
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(host_of("http://[::1]:8080"), "[::1]:8080");
        assert!(!host_of("not a url\u{1b}[2J").contains('\u{1b}'));
    }
}
