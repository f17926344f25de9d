//! The key table itself: every key of every mode, in the order the footer
//! and the help show them. README.md's "Keys" names each of them (a test
//! checks it).
use crossterm::event::KeyCode as K;

use super::Context as C;
use super::Key::{Any, Char, Code, Ctrl};
use super::KeyAction as A;
use super::{Binding, Context};

const fn normal(
    keys: &'static [super::Group],
    footer: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding::new(Context::Normal, keys, footer, help)
}

pub const BINDINGS: &[Binding] = &[
    // The list and the panes.
    normal(
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        None,
        "next / previous incident (in the focused runbook: line)",
    ),
    normal(
        &[&[
            (Code(K::PageDown), A::PageDown),
            (Code(K::PageUp), A::PageUp),
        ]],
        None,
        "a page down / up",
    )
    .also(&[
        &[(Char('d'), A::PageDown), (Char('u'), A::PageUp)],
        &[(Ctrl('d'), A::PageDown), (Ctrl('u'), A::PageUp)],
    ]),
    // The ends of the list, and the timeline: one row.
    normal(
        &[
            &[(Char('g'), A::Top), (Char('G'), A::Bottom)],
            &[(Char('J'), A::TimelineDown), (Char('K'), A::TimelineUp)],
        ],
        None,
        "list or runbook ends · timeline older / newer",
    )
    .also(&[&[(Code(K::Home), A::Top), (Code(K::End), A::Bottom)]]),
    // The acknowledgement, its undoing and its snooze: one row, so the help
    // still fits the smallest terminal.
    normal(
        &[&[
            (Char('a'), A::Acknowledge),
            (Char('U'), A::GiveBack),
            (Char('Z'), A::Snooze),
        ]],
        Some("ack"),
        "acknowledge: yours / give it back, paged again / snooze it",
    ),
    normal(
        &[&[(Char('e'), A::Escalate)]],
        Some("escalate"),
        "escalate to the next line (asks you to confirm)",
    ),
    normal(
        &[&[(Char('r'), A::Resolve)]],
        Some("resolve"),
        "resolve, with an optional note",
    ),
    // What is written about it: for the team, and for stakeholders (one
    // row, so the help still fits the smallest terminal).
    normal(
        &[&[(Char('n'), A::Note), (Char('i'), A::StatusUpdate)]],
        Some("note/update"),
        "add a note to the timeline / a status update for stakeholders",
    ),
    normal(
        &[&[(Char('H'), A::Handoff)]],
        Some("hand off"),
        "hand off the shift: the note is composed, Enter sends it",
    ),
    // After the hand-off: the footer of the smallest terminal has room for
    // one of them, and `/` is the filter key everywhere.
    // Narrowing the list, and finding one incident: two rows, so the help
    // still fits the smallest terminal.
    normal(
        &[&[(Char('/'), A::Filter)], &[(Char('#'), A::JumpTo)]],
        Some("filter"),
        "filter (words, #id, key=value) / go to an incident by its number",
    ),
    normal(
        &[&[
            (Char('m'), A::QuickMine),
            (Char('!'), A::QuickTriggered),
            (Char('c'), A::QuickSevere),
            (Code(K::Esc), A::ClearFilter),
        ]],
        None,
        "only mine / triggered / critical and high (again: off) / all off",
    ),
    // Many at once: alike incidents grouped, rows marked; an action on a
    // group or on the marked rows goes to each of them.
    normal(
        &[
            &[(Char('='), A::GroupBy)],
            &[(Code(K::Enter), A::OpenGroup)],
        ],
        None,
        "group by alert / by service / off · open or close the group",
    ),
    normal(
        &[&[(Char('v'), A::Mark), (Char('V'), A::MarkRange)]],
        None,
        "mark or unmark (a group: all of it) / mark up to the last mark",
    ),
    normal(
        &[&[(Char('R'), A::History)]],
        None,
        "search resolved incidents, and read one",
    ),
    normal(
        &[&[(Char('O'), A::OpenLink)]],
        None,
        "open the incident's runbook URL or alert source in the browser",
    ),
    // Who holds it and who else is on it: taking and giving share a row,
    // and so do asking for help and naming a manager.
    normal(
        &[&[(Char('T'), A::TakeOver), (Char('A'), A::Assign)]],
        Some("take/give"),
        "take the incident over / assign it to someone (asks who)",
    ),
    normal(
        &[&[(Char('p'), A::AskHelp), (Char('M'), A::Manager)]],
        Some("ask/major"),
        "ask someone to help (who, why) / declare major: name its manager",
    ),
    // Squashes (silences and maintenance windows): one row, so the help
    // still fits the smallest terminal.
    normal(
        &[&[(Char('s'), A::Squash), (Char('S'), A::Squashes)]],
        Some("squash"),
        "squash the selected alert (how long, why) / the squashes in force",
    ),
    normal(
        &[&[(Char(' '), A::TickStep)]],
        Some("tick step"),
        "tick the runbook step at the cursor (from the list: the next)",
    ),
    // Which runbook: any of them, or another that matched (one row).
    normal(
        &[
            &[(Char('b'), A::Browse)],
            &[
                (Char('1'), A::PickRunbook(1)),
                (Char('2'), A::PickRunbook(2)),
                (Char('3'), A::PickRunbook(3)),
                (Char('4'), A::PickRunbook(4)),
                (Char('5'), A::PickRunbook(5)),
                (Char('6'), A::PickRunbook(6)),
                (Char('7'), A::PickRunbook(7)),
                (Char('8'), A::PickRunbook(8)),
                (Char('9'), A::PickRunbook(9)),
            ],
        ],
        Some("runbooks"),
        "search all runbooks and read one / the Nth matched runbook",
    ),
    normal(
        &[&[(Char('y'), A::Copy), (Char('o'), A::Open)]],
        None,
        "copy the code block (OSC 52, over SSH too) / open in $PAGER",
    ),
    // One row for the hub's lists (heartbeats, noise report, rota) and the
    // follow-ups, so that the help still fits the smallest terminal.
    normal(
        &[
            &[
                (Char('h'), A::Heartbeats),
                (Char('N'), A::Report),
                (Char('w'), A::Rota),
            ],
            &[(Char('f'), A::AddFollowup), (Char('F'), A::Followups)],
        ],
        None,
        "heartbeats / noise report / rota · add a follow-up / follow-ups",
    ),
    normal(&[&[(Char('?'), A::Help)]], Some("help"), "this help")
        .also(&[&[(Code(K::F(1)), A::Help)]]),
    normal(&[&[(Char('q'), A::Quit)]], Some("quit"), "quit").also(&[&[(Ctrl('c'), A::Quit)]]),
    normal(
        &[&[(Code(K::Tab), A::SwitchFocus)]],
        Some("focus"),
        "switch focus between the list and the runbook",
    )
    .also(&[&[(Code(K::BackTab), A::SwitchFocus)]]),
    normal(
        &[&[(Char('z'), A::Zoom)]],
        Some("zoom"),
        "zoom the focused pane to the whole screen (z again: back)",
    ),
    normal(
        &[&[(Char('t'), A::TopOrSection)]],
        Some("top/§"),
        "the runbook's top; from there, back to the incident's section",
    ),
    // A pane zoomed to the whole screen: the list's keys, and z goes back.
    Binding::new(
        C::Zoomed,
        &[&[(Char('z'), A::Zoom)]],
        Some("back"),
        "back to all the panes",
    ),
    // The help scrolls when the terminal is too small for it.
    Binding::new(
        C::Help,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[
                (Code(K::PageDown), A::PageDown),
                (Code(K::PageUp), A::PageUp),
            ],
        ],
        Some("scroll"),
        "scroll",
    )
    .also(&[
        &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        &[(Char(' '), A::PageDown)],
    ]),
    Binding::new(C::Help, &[&[(Any, A::Close)]], Some("close help"), "close"),
    Binding::new(
        C::Heartbeats,
        &[&[(Any, A::Close)]],
        Some("close"),
        "close the heartbeats",
    ),
    // Prompts on the message line: letters type.
    Binding::new(
        C::Filter,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("keep filter"),
        "keep the filter",
    ),
    Binding::new(
        C::Filter,
        &[&[(Code(K::Esc), A::ClearFilter)]],
        Some("clear filter"),
        "clear it",
    ),
    Binding::new(
        C::Jump,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("go"),
        "go to it",
    ),
    Binding::new(
        C::Jump,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    Binding::new(
        C::Note,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("send note"),
        "send the note",
    ),
    Binding::new(
        C::Note,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    Binding::new(
        C::Resolve,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("resolve"),
        "resolve, with the note if one is written",
    ),
    Binding::new(
        C::Ask,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("send"),
        "send it",
    ),
    Binding::new(
        C::Ask,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    Binding::new(
        C::Confirm,
        &[&[(Char('y'), A::Confirm), (Code(K::Enter), A::Confirm)]],
        Some("escalate"),
        "escalate",
    )
    .also(&[&[(Char('Y'), A::Confirm)]]),
    Binding::new(
        C::Confirm,
        &[&[(Char('n'), A::Cancel), (Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    )
    .also(&[&[(Any, A::Cancel)]]),
    Binding::new(
        C::ConfirmBatch,
        &[&[(Char('y'), A::Confirm), (Code(K::Enter), A::Confirm)]],
        Some("all of them"),
        "send it to each of them",
    )
    .also(&[&[(Char('Y'), A::Confirm)]]),
    Binding::new(
        C::ConfirmBatch,
        &[&[(Char('n'), A::Cancel), (Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    )
    .also(&[&[(Any, A::Cancel)]]),
    Binding::new(
        C::ConfirmForce,
        &[&[(Char('y'), A::Confirm), (Code(K::Enter), A::Confirm)]],
        Some("name them anyway"),
        "name them incident manager anyway",
    )
    .also(&[&[(Char('Y'), A::Confirm)]]),
    Binding::new(
        C::ConfirmForce,
        &[&[(Char('n'), A::Cancel), (Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    )
    .also(&[&[(Any, A::Cancel)]]),
    Binding::new(
        C::ConfirmCopy,
        &[&[(Char('y'), A::Confirm), (Code(K::Enter), A::Confirm)]],
        Some("copy"),
        "copy it",
    )
    .also(&[&[(Char('Y'), A::Confirm)]]),
    Binding::new(
        C::ConfirmCopy,
        &[&[(Char('n'), A::Cancel), (Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    )
    .also(&[&[(Any, A::Cancel)]]),
    Binding::new(
        C::ChooseLink,
        &[&[(Char('r'), A::OpenRunbookLink)]],
        Some("runbook"),
        "open the incident's runbook URL",
    ),
    Binding::new(
        C::ChooseLink,
        &[&[(Char('s'), A::OpenSourceLink)]],
        Some("source"),
        "open the alert's source",
    ),
    Binding::new(
        C::ChooseLink,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "open neither",
    )
    .also(&[&[(Any, A::Cancel)]]),
    // The runbook search: letters type the search.
    Binding::new(
        C::Browse,
        &[&[(Code(K::Up), A::Up), (Code(K::Down), A::Down)]],
        Some("choose"),
        "choose a runbook",
    )
    .also(&[&[(Ctrl('p'), A::Up), (Ctrl('n'), A::Down)]]),
    Binding::new(
        C::Browse,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("read"),
        "read it",
    ),
    Binding::new(
        C::Browse,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("close"),
        "close the search",
    ),
    // The hand-off being written: letters type the words (or the name).
    Binding::new(
        C::HandoffNote,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("save and send the hand-off"),
        "save the note, send the hand-off",
    ),
    Binding::new(
        C::HandoffNote,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel, nothing is sent",
    ),
    Binding::new(
        C::HandoffNote,
        &[
            &[
                (Code(K::PageDown), A::PageDown),
                (Code(K::PageUp), A::PageUp),
            ],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("scroll"),
        "scroll the note (letters type your words)",
    ),
    Binding::new(
        C::HandoffName,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("next"),
        "take the name, then the note",
    ),
    // The hand-off note handed to this responder.
    Binding::new(
        C::HandoffRead,
        &[&[
            (Code(K::Enter), A::Dismiss),
            (Code(K::Esc), A::Dismiss),
            (Char('q'), A::Dismiss),
        ]],
        Some("dismiss"),
        "dismiss the note",
    ),
    Binding::new(
        C::HandoffRead,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("scroll"),
        "scroll a line",
    ),
    Binding::new(
        C::HandoffRead,
        &[&[
            (Code(K::PageDown), A::PageDown),
            (Code(K::PageUp), A::PageUp),
        ]],
        Some("page"),
        "scroll ten lines",
    )
    .also(&[&[(Char(' '), A::PageDown)]]),
    Binding::new(
        C::HandoffRead,
        &[&[(Char('g'), A::Top)]],
        Some("top"),
        "back to the top",
    ),
    // The noise report (`N`).
    Binding::new(
        C::Report,
        &[&[
            (Code(K::Enter), A::Close),
            (Code(K::Esc), A::Close),
            (Char('q'), A::Close),
        ]],
        Some("close"),
        "close the report",
    )
    .also(&[&[(Char('N'), A::Close)]]),
    Binding::new(
        C::Report,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("scroll"),
        "scroll a line",
    ),
    Binding::new(
        C::Report,
        &[&[
            (Code(K::PageDown), A::PageDown),
            (Code(K::PageUp), A::PageUp),
        ]],
        Some("page"),
        "scroll ten lines",
    )
    .also(&[&[(Char(' '), A::PageDown)]]),
    Binding::new(
        C::Report,
        &[&[(Char('g'), A::Top)]],
        Some("top"),
        "back to the top",
    ),
    // The squash form (`s`): the matchers, then how long in one key.
    Binding::new(
        C::SquashPick,
        &[&[
            (Char('1'), A::SquashHours(1)),
            (Char('4'), A::SquashHours(4)),
            (Char('e'), A::SquashToShiftEnd),
        ]],
        Some("1h/4h/end of shift"),
        "squash 1h, 4h or to the shift's end",
    ),
    Binding::new(
        C::SquashPick,
        &[&[(Char('t'), A::TypeDuration)]],
        Some("type how long"),
        "type how long (90m)",
    ),
    Binding::new(
        C::SquashPick,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        None,
        "choose a matcher",
    ),
    Binding::new(
        C::SquashPick,
        &[&[(Char(' '), A::Toggle)]],
        Some("matcher on/off"),
        "matcher on/off",
    ),
    Binding::new(
        C::SquashPick,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    Binding::new(
        C::SquashTyped,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("take it"),
        "take it, then the reason",
    ),
    Binding::new(
        C::SquashTyped,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    Binding::new(
        C::SquashReason,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("squash"),
        "send it (a reason is required)",
    ),
    Binding::new(
        C::SquashReason,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    // The squashes in force (`S`).
    Binding::new(
        C::Squashes,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("choose"),
        "choose",
    ),
    Binding::new(
        C::Squashes,
        &[&[(Char('x'), A::Remove)]],
        Some("remove"),
        "remove (asks first)",
    )
    .also(&[&[(Code(K::Delete), A::Remove)]]),
    Binding::new(
        C::Squashes,
        &[&[(Code(K::Esc), A::Cancel), (Char('q'), A::Cancel)]],
        Some("close"),
        "close",
    ),
    Binding::new(
        C::ConfirmUnsquash,
        &[&[(Char('y'), A::Confirm), (Code(K::Enter), A::Confirm)]],
        Some("remove"),
        "remove it",
    )
    .also(&[&[(Char('Y'), A::Confirm)]]),
    Binding::new(
        C::ConfirmUnsquash,
        &[&[(Char('n'), A::Cancel), (Code(K::Esc), A::Cancel)]],
        Some("keep it"),
        "keep it",
    )
    .also(&[&[(Any, A::Cancel)]]),
    // The rota view (`w`): who is on call, the levels, the overrides.
    Binding::new(
        C::Rota,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("choose"),
        "choose an override",
    ),
    Binding::new(
        C::Rota,
        &[&[(Char('c'), A::Cover)]],
        Some("cover"),
        "cover a shift (asks when, until when, for whom)",
    ),
    Binding::new(
        C::Rota,
        &[&[(Char('x'), A::Remove)]],
        Some("remove"),
        "remove the chosen override (asks first)",
    )
    .also(&[&[(Code(K::Delete), A::Remove)]]),
    Binding::new(
        C::Rota,
        &[&[(Code(K::Esc), A::Cancel), (Char('q'), A::Cancel)]],
        Some("close"),
        "close",
    ),
    Binding::new(
        C::CoverPrompt,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("next"),
        "take it and ask the next (the last sends the cover)",
    ),
    Binding::new(
        C::CoverPrompt,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    Binding::new(
        C::ConfirmUncover,
        &[&[(Char('y'), A::Confirm), (Code(K::Enter), A::Confirm)]],
        Some("remove"),
        "remove it",
    )
    .also(&[&[(Char('Y'), A::Confirm)]]),
    Binding::new(
        C::ConfirmUncover,
        &[&[(Char('n'), A::Cancel), (Code(K::Esc), A::Cancel)]],
        Some("keep it"),
        "keep it",
    )
    .also(&[&[(Any, A::Cancel)]]),
    // The follow-up form (`f`) and the note before closing one.
    Binding::new(
        C::FollowupForm,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("next"),
        "take it: the text, then the owner, then when it is due",
    ),
    Binding::new(
        C::FollowupForm,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("cancel"),
        "cancel",
    ),
    // My open follow-ups (`F`).
    Binding::new(
        C::Followups,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("choose"),
        "choose",
    ),
    Binding::new(
        C::Followups,
        &[&[
            (Char('d'), A::FollowupDone),
            (Char('x'), A::FollowupDropped),
        ]],
        Some("done/drop"),
        "mark it done / drop it (asks for a note)",
    ),
    Binding::new(
        C::Followups,
        &[&[(Code(K::Esc), A::Cancel), (Char('q'), A::Cancel)]],
        Some("close"),
        "close",
    ),
    Binding::new(
        C::FollowupNote,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("send"),
        "send it, with the note typed (it may be empty)",
    ),
    Binding::new(
        C::FollowupNote,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("keep it"),
        "keep it open",
    ),
    // The history of resolved incidents (`R`): letters type the search.
    Binding::new(
        C::History,
        &[&[(Code(K::Up), A::Up), (Code(K::Down), A::Down)]],
        Some("choose"),
        "choose (at the end: the next page)",
    )
    .also(&[&[(Ctrl('p'), A::Up), (Ctrl('n'), A::Down)]]),
    Binding::new(
        C::History,
        &[&[
            (Code(K::PageDown), A::PageDown),
            (Code(K::PageUp), A::PageUp),
        ]],
        Some("more"),
        "a page down / up (at the end: the next page)",
    ),
    Binding::new(
        C::History,
        &[&[(Code(K::Enter), A::Submit)]],
        Some("search/read"),
        "search the words typed; if already searched, read the one chosen",
    ),
    Binding::new(
        C::History,
        &[&[(Code(K::Esc), A::Cancel)]],
        Some("close"),
        "close the history",
    ),
    // A resolved incident read from the history: read-only.
    Binding::new(
        C::HistoryRead,
        &[&[(Code(K::Esc), A::Close), (Char('q'), A::Close)]],
        Some("back"),
        "back to the results",
    ),
    Binding::new(
        C::HistoryRead,
        &[
            &[(Char('j'), A::Down), (Char('k'), A::Up)],
            &[(Code(K::Down), A::Down), (Code(K::Up), A::Up)],
        ],
        Some("scroll"),
        "scroll a line",
    ),
    Binding::new(
        C::HistoryRead,
        &[&[
            (Code(K::PageDown), A::PageDown),
            (Code(K::PageUp), A::PageUp),
        ]],
        None,
        "scroll a page",
    )
    .also(&[&[(Char(' '), A::PageDown)]]),
    Binding::new(
        C::HistoryRead,
        &[&[(Char('g'), A::Top)]],
        None,
        "back to the top",
    ),
];
