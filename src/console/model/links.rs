//! The links an incident carries, as the console opens and shows them: its
//! runbook URL and its alert's source (Alertmanager's `generatorURL`, kept
//! in a label of its own). Each is cleaned by `weblink` first; one that is
//! not a clean http(s) URL says why, and is never opened nor made a
//! terminal hyperlink.
use crate::alertmanager::SOURCE_URL_LABEL;
use crate::incident::Incident;

/// One of the incident's links: clean and ready, or why it is refused.
pub type Link = Option<Result<String, String>>;

/// Which of the incident's links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Runbook,
    Source,
}

impl LinkKind {
    /// How the message line names it.
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Runbook => "runbook URL",
            LinkKind::Source => "alert's source",
        }
    }
}

/// The incident's runbook URL and alert source, each absent, clean, or
/// refused with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentLinks {
    pub runbook: Link,
    pub source: Link,
}

impl IncidentLinks {
    pub fn of(inc: &Incident) -> IncidentLinks {
        let clean = |raw: Option<&str>| {
            raw.map(str::trim)
                .filter(|r| !r.is_empty())
                .map(crate::weblink::clean)
        };
        IncidentLinks {
            runbook: clean(inc.runbook_url.as_deref()),
            source: clean(inc.labels.get(SOURCE_URL_LABEL)),
        }
    }

    pub fn get(&self, kind: LinkKind) -> &Link {
        match kind {
            LinkKind::Runbook => &self.runbook,
            LinkKind::Source => &self.source,
        }
    }
}

/// Whether a label is one the incident shows as a label: the source link
/// is shown, and opened, as a link instead.
pub fn is_shown_label(name: &str) -> bool {
    name != SOURCE_URL_LABEL
}
