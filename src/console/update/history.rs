//! `R`: the resolved incidents beyond the list, searched on the hub, and one
//! of them read with its whole timeline.
use super::super::model::Model;
use super::super::msg::Command;

/// `R`: opens the search of resolved incidents.
pub fn start(model: &mut Model) -> Vec<Command> {
    model.warn("The history search is not available in this build.");
    Vec::new()
}
