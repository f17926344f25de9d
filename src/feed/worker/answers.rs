//! What the worker makes of the hub's answers: one answer of the kind a
//! change expects (or garbage, said so), the words a change is named by in
//! messages, and the errors of what a feed cannot do or keep.
use super::super::client::FeedError;
use super::super::outbox::Op;
use crate::incident::{Handoff, Incident, Override, Squash};

/// What the hub answered to one change.
// One answer at a time, moved once: a box would buy nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Answer {
    Incident(Incident),
    Handoff(Handoff),
    Squash(Squash),
    Override(Override),
}

impl Answer {
    pub(super) fn incident(self) -> Result<Incident, FeedError> {
        match self {
            Answer::Incident(i) => Ok(i),
            other => Err(other.unexpected("an incident")),
        }
    }

    pub(super) fn handoff(self) -> Result<Handoff, FeedError> {
        match self {
            Answer::Handoff(h) => Ok(h),
            other => Err(other.unexpected("a hand-off")),
        }
    }

    pub(super) fn squash(self) -> Result<Squash, FeedError> {
        match self {
            Answer::Squash(s) => Ok(s),
            other => Err(other.unexpected("a squash")),
        }
    }

    pub(super) fn rota_override(self) -> Result<Override, FeedError> {
        match self {
            Answer::Override(o) => Ok(o),
            other => Err(other.unexpected("an override")),
        }
    }

    fn unexpected(&self, expected: &str) -> FeedError {
        let got = match self {
            Answer::Incident(_) => "an incident",
            Answer::Handoff(_) => "a hand-off",
            Answer::Squash(_) => "a squash",
            Answer::Override(_) => "an override",
        };
        FeedError::Garbage(format!("{got} where {expected} was expected"))
    }
}

/// "acknowledge #12", "hand-off to bob": for messages.
pub fn describe(op: &Op) -> String {
    match op {
        Op::Incident { id, action } => format!("{} #{id}", action.verb()),
        Op::Handoff { request } => match &request.to {
            Some(to) => format!("hand-off to {to}"),
            None => "hand-off".to_string(),
        },
        Op::Unsquash { id } => format!("removal of squash #{id}"),
        Op::Cover { request } => format!("cover by {}", request.responder),
        Op::Uncover { id } => format!("removal of override #{id}"),
    }
}

pub(super) fn no_rota() -> FeedError {
    FeedError::Unsupported(
        "the rota and its overrides need the oncall hub; this feed is Alertmanager".to_string(),
    )
}

pub(super) fn no_squashes() -> FeedError {
    FeedError::Unsupported(
        "squashes need the oncall hub; this feed is Alertmanager (silence the alert there instead)"
            .to_string(),
    )
}

pub(super) fn no_history() -> FeedError {
    FeedError::Unsupported(
        "the history of resolved incidents needs the oncall hub; this feed is Alertmanager"
            .to_string(),
    )
}

pub(super) fn no_handoff() -> FeedError {
    FeedError::Unsupported("hand-off needs the oncall hub; this feed is Alertmanager".to_string())
}

pub(super) fn unkept(err: FeedError, io: &std::io::Error) -> FeedError {
    if err.is_transient() {
        FeedError::NotConfigured(format!(
            "{err}, and it could not be kept for later (the outbox cannot be written: {io})"
        ))
    } else {
        err
    }
}
