//! `y`: copying a runbook's code block through the terminal (OSC 52). A
//! block its runbook tags irreversible is copied only after the responder
//! says yes on the message line: pasted in haste, it cannot be taken back.
use super::super::keys::{self, KeyAction};
use super::super::model::{Focus, Mode, Model, block_summary};
use super::super::msg::Command;
use super::runbook::show_cursor;
use crate::runbook::markdown::BlockTag;

/// `y`: copies the code block under the cursor (or, from the list, the first
/// one on screen), or asks first when it is tagged irreversible.
pub fn copy(model: &mut Model) -> Vec<Command> {
    let Some(view) = &model.runbook.view else {
        return Vec::new();
    };
    let blocks = &view.doc.code_blocks;
    let at = if model.focus == Focus::Runbook {
        model.runbook.cursor
    } else {
        model.runbook.scroll
    };
    let under = blocks
        .iter()
        .find(|b| b.first_line <= at && at <= b.last_line);
    let block = match (under, model.focus) {
        (Some(b), _) => b,
        (None, Focus::List) => match blocks.iter().find(|b| b.first_line >= at) {
            Some(b) => b,
            None => {
                model.warn("No code block on screen to copy.");
                return Vec::new();
            }
        },
        (None, Focus::Runbook) => {
            match blocks.iter().find(|b| b.first_line > at).or(blocks.first()) {
                Some(b) => {
                    model.runbook.cursor = b.first_line;
                    show_cursor(model);
                    let copy = keys::name(KeyAction::Copy);
                    model.say(format!("Cursor on the next code block: {copy} copies it."));
                }
                None => model.warn(format!("The {} runbook has no code blocks.", view.id)),
            }
            return Vec::new();
        }
    };
    let text = block.text.trim_end().to_string();
    match block.tag {
        Some(BlockTag::Irreversible) => {
            model.mode = Mode::ConfirmCopy { text };
            Vec::new()
        }
        Some(BlockTag::Heavy) => copied(model, text, " heavy: check the load first."),
        _ => copied(model, text, ""),
    }
}

/// The answer to the question before copying an irreversible block: yes
/// copies it, anything else leaves the clipboard as it was.
pub fn confirm_key(model: &mut Model, text: String, action: Option<KeyAction>) -> Vec<Command> {
    if action == Some(KeyAction::Confirm) {
        return copied(model, text, "");
    }
    model.say(format!("Not copied: {}.", block_summary(&text)));
    Vec::new()
}

fn copied(model: &mut Model, text: String, then: &str) -> Vec<Command> {
    model.say(format!(
        "Copied {} to the clipboard (OSC 52).{then}",
        block_summary(&text)
    ));
    vec![Command::Copy(text)]
}
