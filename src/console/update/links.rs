//! `O`: the selected incident's link (its runbook URL, or its alert's
//! source) opened in the browser. With both, the message line asks which in
//! one key. Only a clean http(s) link is opened (`weblink::clean`); any
//! other is refused in words. Over SSH the link goes to the clipboard too,
//! since a browser there is usually none.
use super::super::keys::KeyAction;
use super::super::model::{IncidentLinks, LinkKind, Mode, Model};
use super::super::msg::Command;

/// `O`: opens the selected incident's link, or asks which of its two.
pub fn open(model: &mut Model) -> Vec<Command> {
    let Some(inc) = model.selected_incident() else {
        model.warn("No incident selected: nothing to open.");
        return Vec::new();
    };
    let id = inc.id;
    let links = IncidentLinks::of(inc);
    match (&links.runbook, &links.source) {
        (Some(Ok(runbook)), Some(Ok(source))) => {
            model.mode = Mode::ChooseLink {
                id,
                runbook: runbook.clone(),
                source: source.clone(),
            };
            Vec::new()
        }
        (Some(Ok(url)), other) => opened(model, id, LinkKind::Runbook, url.clone(), other),
        (other, Some(Ok(url))) => opened(model, id, LinkKind::Source, url.clone(), other),
        (Some(Err(why)), _) => refused(model, id, LinkKind::Runbook, why),
        (None, Some(Err(why))) => refused(model, id, LinkKind::Source, why),
        (None, None) => {
            model.warn(format!(
                "#{id} has no runbook URL and no alert source to open."
            ));
            Vec::new()
        }
    }
}

/// The answer to "which link?": `[runbook, source]`, both clean.
pub fn choose_key(
    model: &mut Model,
    id: u64,
    [runbook, source]: [String; 2],
    action: Option<KeyAction>,
) -> Vec<Command> {
    match action {
        Some(KeyAction::OpenRunbookLink) => opened(model, id, LinkKind::Runbook, runbook, &None),
        Some(KeyAction::OpenSourceLink) => opened(model, id, LinkKind::Source, source, &None),
        _ => {
            model.say(format!("#{id}: no link opened."));
            Vec::new()
        }
    }
}

/// Opens `url`, `kind` of incident `id`; `other` is its other link, named
/// when it was refused. Over SSH the link is copied too.
fn opened(
    model: &mut Model,
    id: u64,
    kind: LinkKind,
    url: String,
    other: &Option<Result<String, String>>,
) -> Vec<Command> {
    let mut said = format!("Opening #{id}'s {} in the browser: {url}", kind.name());
    if let Some(Err(why)) = other {
        let other = match kind {
            LinkKind::Runbook => LinkKind::Source,
            LinkKind::Source => LinkKind::Runbook,
        };
        said.push_str(&format!(" (its {} is not opened: {why})", other.name()));
    }
    model.say(said);
    let mut commands = Vec::new();
    if model.setup.remote {
        commands.push(Command::Copy(url.clone()));
    }
    commands.push(Command::OpenUrl(url));
    commands
}

fn refused(model: &mut Model, id: u64, kind: LinkKind, why: &str) -> Vec<Command> {
    model.warn(format!("Not opened: #{id}'s {}: {why}.", kind.name()));
    Vec::new()
}
