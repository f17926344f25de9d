//! `O`: the selected incident's link (its runbook URL, or its alert's
//! source) opened in the browser.
use super::super::model::Model;
use super::super::msg::Command;

/// `O`: opens the selected incident's link.
pub fn open(model: &mut Model) -> Vec<Command> {
    model.warn("Opening links is not available in this build.");
    Vec::new()
}
