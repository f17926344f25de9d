//! The hand-offs as this console knows them: the note addressed to this
//! responder (and whether it was read), and one being gathered from the hub.
use crate::incident::Handoff;

#[derive(Debug, Clone, Default)]
pub struct Handoffs {
    /// The last hand-off addressed to this responder.
    pub received: Option<Handoff>,
    /// The id of the last note read and dismissed (kept between runs).
    pub dismissed: Option<u64>,
    /// A hand-off note is being gathered from the hub.
    pub preparing: bool,
}

impl Handoffs {
    /// The note addressed to this responder, when it is not read yet.
    pub fn unread(&self) -> Option<&Handoff> {
        self.received
            .as_ref()
            .filter(|h| self.dismissed != Some(h.id))
    }
}
