//! The runbook pane: which runbook shows, its cursor, ticking its steps,
//! copying its code, opening it outside, and the search over all of them.
use super::*;
use crate::console::keys::Context;
use crate::runbook::markdown::BlockTag;

#[test]
fn the_matched_runbook_follows_the_selection_and_digits_pick_others() {
    let mut m = polled();
    assert_eq!(m.runbook.matches[0].id, "network");
    assert_eq!(m.runbook.view.as_ref().unwrap().id, "network");
    ch(&mut m, 'j');
    assert_eq!(m.runbook.view.as_ref().unwrap().id, "disk-full");
    let n = m.runbook.matches.len();
    if n >= 2 {
        ch(&mut m, '2');
        assert_eq!(m.runbook.view.as_ref().unwrap().id, m.runbook.matches[1].id);
    }
    ch(&mut m, '9');
    assert!(said(&m).error);
}

#[test]
fn tab_moves_the_keys_to_the_runbook() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    assert_eq!(m.focus, Focus::Runbook);
    // Wherever it opened (the top, or its section).
    let (cursor, scroll) = (m.runbook.cursor, m.runbook.scroll);
    ch(&mut m, 'j');
    ch(&mut m, 'j');
    assert_eq!(
        (m.runbook.cursor, m.runbook.scroll),
        (cursor + 2, scroll),
        "the cursor moves, the page stays"
    );
    assert_eq!(m.list.selected, Some(2), "the list did not move");
    ch(&mut m, 'G');
    let last = m.runbook.view.as_ref().unwrap().doc.lines.len() - 1;
    assert_eq!(m.runbook.cursor, last);
    assert!(
        m.runbook.scroll > 0 && m.runbook.scroll <= last,
        "the page follows the cursor"
    );
    ch(&mut m, 'g');
    assert_eq!((m.runbook.cursor, m.runbook.scroll), (0, 0));
}

/// The selected incident's detail as the hub would send it, with `steps` ticked.
fn detail_with_steps(m: &mut Model, id: u64, runbook: &str, steps: &[u32]) {
    let mut d = m.incident(id).unwrap().clone();
    d.steps
        .insert(runbook.to_string(), steps.iter().copied().collect());
    update(m, Msg::Worker(WorkerEvent::Fetched { id, result: Ok(d) }));
}

#[test]
fn space_from_the_list_ticks_the_first_step_not_done() {
    let mut m = polled();
    assert_eq!(m.runbook.view.as_ref().unwrap().id, "network");
    let first_text = m.runbook.view.as_ref().unwrap().doc.steps[0].text.clone();
    let cmds = ch(&mut m, ' ');
    match &cmds[..] {
        [
            Command::Feed(Request::Act {
                id: 2,
                action:
                    Action::Step {
                        runbook,
                        step: 0,
                        done: true,
                        text,
                    },
                ..
            }),
        ] => {
            assert_eq!(runbook, "network");
            assert_eq!(text.as_deref(), Some(first_text.as_str()));
        }
        other => panic!("{other:?}"),
    }
    // Shown as done at once, while it is on its way.
    assert!(m.runbook.view.as_ref().unwrap().doc.steps[0].done);
    // The hub confirms; then the next space ticks the second step.
    detail_with_steps(&mut m, 2, "network", &[0]);
    let confirmed = m.detail.fetched[&2].clone();
    acted(&mut m, 1, 2, Ok(confirmed));
    assert!(m.runbook.view.as_ref().unwrap().doc.steps[0].done);
    let cmds = ch(&mut m, ' ');
    assert_eq!(step_sent(&cmds), Some((1, true)), "{cmds:?}");
}

#[test]
fn a_refused_tick_is_undone_on_screen() {
    let mut m = polled();
    ch(&mut m, ' ');
    assert!(m.runbook.view.as_ref().unwrap().doc.steps[0].done);
    acted(
        &mut m,
        1,
        2,
        Err(FeedError::Unreachable("http://hub".into())),
    );
    assert!(!m.runbook.view.as_ref().unwrap().doc.steps[0].done);
    assert!(said(&m).text.contains("Could not tick #2"));
}

#[test]
fn space_in_the_runbook_goes_to_the_next_step_then_toggles_it() {
    let mut m = polled();
    detail_with_steps(&mut m, 2, "network", &[0]);
    key(&mut m, KeyCode::Tab);
    assert!(
        ch(&mut m, ' ').is_empty(),
        "the cursor is not on a step yet"
    );
    let first = m.runbook.view.as_ref().unwrap().doc.steps[0].line;
    assert_eq!(m.runbook.cursor, first);
    assert!(m.runbook.scroll <= first);
    let cmds = ch(&mut m, ' ');
    assert_eq!(step_sent(&cmds), Some((0, false)), "unticks: {cmds:?}");
}

#[test]
fn y_copies_the_code_block_under_the_cursor() {
    let mut m = polled();
    key(&mut m, KeyCode::Tab);
    let from = m.runbook.cursor;
    assert!(
        ch(&mut m, 'y').is_empty(),
        "first y moves to the next code block"
    );
    let blocks = &m.runbook.view.as_ref().unwrap().doc.code_blocks;
    let block = blocks.iter().find(|b| b.first_line > from).unwrap().clone();
    assert_eq!(m.runbook.cursor, block.first_line);
    assert_eq!(
        ch(&mut m, 'y'),
        vec![Command::Copy(block.text.trim_end().to_string())]
    );
    assert!(said(&m).text.starts_with("Copied `"));
}

/// The first code block of the shown runbook tagged `tag`, with the runbook
/// focused and the cursor on it.
fn cursor_on_block(m: &mut Model, tag: BlockTag) -> crate::runbook::markdown::CodeAnchor {
    key(m, KeyCode::Tab);
    let block = m
        .runbook
        .view
        .as_ref()
        .unwrap()
        .doc
        .code_blocks
        .iter()
        .find(|b| b.tag == Some(tag))
        .unwrap_or_else(|| panic!("the network runbook has a {tag:?} block"))
        .clone();
    m.runbook.cursor = block.first_line;
    block
}

#[test]
fn y_on_an_irreversible_block_asks_and_y_again_copies() {
    let mut m = polled();
    let block = cursor_on_block(&mut m, BlockTag::Irreversible);
    let text = block.text.trim_end().to_string();
    assert!(ch(&mut m, 'y').is_empty(), "nothing is copied yet");
    assert_eq!(m.mode, Mode::ConfirmCopy { text: text.clone() });
    assert_eq!(m.key_context(), Context::ConfirmCopy);
    assert_eq!(ch(&mut m, 'y'), vec![Command::Copy(text)]);
    assert_eq!(m.mode, Mode::Normal);
    assert!(said(&m).text.starts_with("Copied `"), "{}", said(&m).text);
}

#[test]
fn enter_also_copies_an_irreversible_block() {
    let mut m = polled();
    let block = cursor_on_block(&mut m, BlockTag::Irreversible);
    ch(&mut m, 'y');
    assert_eq!(
        key(&mut m, KeyCode::Enter),
        vec![Command::Copy(block.text.trim_end().to_string())]
    );
}

#[test]
fn esc_or_any_other_key_copies_nothing_and_says_so() {
    for cancel in [KeyCode::Esc, KeyCode::Char('n'), KeyCode::Char('j')] {
        let mut m = polled();
        cursor_on_block(&mut m, BlockTag::Irreversible);
        let cursor = m.runbook.cursor;
        ch(&mut m, 'y');
        assert!(key(&mut m, cancel).is_empty(), "{cancel:?} copied");
        assert_eq!(m.mode, Mode::Normal);
        assert!(said(&m).text.starts_with("Not copied: `"), "{cancel:?}");
        assert_eq!(m.runbook.cursor, cursor, "{cancel:?} only cancelled");
    }
}

#[test]
fn read_only_and_heavy_blocks_copy_at_once() {
    let mut m = polled();
    let block = cursor_on_block(&mut m, BlockTag::ReadOnly);
    assert_eq!(
        ch(&mut m, 'y'),
        vec![Command::Copy(block.text.trim_end().to_string())]
    );
    assert_eq!(m.mode, Mode::Normal);
    let mut m = polled();
    let block = cursor_on_block(&mut m, BlockTag::Heavy);
    assert_eq!(
        ch(&mut m, 'y'),
        vec![Command::Copy(block.text.trim_end().to_string())]
    );
    assert!(
        said(&m).text.ends_with("heavy: check the load first."),
        "{}",
        said(&m).text
    );
}

#[test]
fn o_opens_the_shown_runbook() {
    let mut m = polled();
    match &ch(&mut m, 'o')[..] {
        [
            Command::OpenRunbook {
                id,
                file: None,
                text,
            },
        ] => {
            assert_eq!(id, "network");
            assert!(text.contains("# Network faults"));
        }
        other => panic!("{other:?}"),
    }
    update(&mut m, Msg::External(Err("Could not run `nope`".into())));
    assert!(said(&m).error);
}

#[test]
fn b_searches_all_runbooks_and_shows_the_pick_until_another_incident() {
    let mut m = polled();
    ch(&mut m, 'b');
    typed(&mut m, "restart safely");
    let Mode::Browse { hits, .. } = &m.mode else {
        panic!("{:?}", m.mode)
    };
    assert_eq!(hits[0].id, "restarts", "{hits:?}");
    key(&mut m, KeyCode::Enter);
    assert_eq!(m.mode, Mode::Normal);
    assert_eq!(m.runbook.view.as_ref().unwrap().id, "restarts");
    assert_eq!(m.focus, Focus::Runbook);
    ch(&mut m, '1');
    assert_eq!(
        m.runbook.view.as_ref().unwrap().id,
        "network",
        "1 goes back to the matches"
    );
    ch(&mut m, 'b');
    typed(&mut m, "backups");
    key(&mut m, KeyCode::Enter);
    key(&mut m, KeyCode::Tab);
    ch(&mut m, 'j');
    assert_eq!(
        m.runbook.view.as_ref().unwrap().id,
        m.runbook.matches[0].id,
        "another incident shows its own match"
    );
    ch(&mut m, 'b');
    key(&mut m, KeyCode::Esc);
    assert_eq!(m.mode, Mode::Normal);
}
