//! Every screen that takes the keyboard from the list (the help, the
//! runbook search, the escalate question, the filter and note prompts, the
//! hand-off being written and the one handed to you) at the smallest
//! supported size and the design size. Each footer is its mode's keys from
//! the key table.
use oncall::console::keys::{self, Context};
use oncall::incident::Handoff;

use super::*;

const MODAL_SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Opens the screen on the main screen at each size, checks its footer
/// (unless a popup covers it) against the key table and keeps its snapshot.
fn at_each_size(name: &str, context: Context, open: impl Fn(&mut Model)) {
    for (w, h) in MODAL_SIZES {
        let mut m = screen_model(w, h);
        open(&mut m);
        assert_eq!(m.key_context(), context, "{name}");
        let screen = text(&draw(&m, w, h));
        let footer = screen.lines().last().unwrap_or_default();
        let first = keys::effective(context)
            .into_iter()
            .find_map(|b| b.footer.map(|f| format!(" {} {f} ", b.label())))
            .unwrap();
        let covered = footer.contains('─');
        assert!(
            covered || footer.starts_with(&first),
            "{name} {w}x{h}: {footer}"
        );
        snapshot!(format!("{name}_{w}x{h}"), draw(&m, w, h).backend());
    }
}

/// alex's shift, with the open incidents of the main screen.
fn shift(to: Option<&str>) -> oncall::handoff::Shift {
    oncall::handoff::Shift {
        from: "alex".into(),
        to: to.map(str::to_string),
        since: t0() - chrono::Duration::hours(11),
        now: t0(),
        incidents: specs()
            .iter()
            .map(incident)
            .filter(|i| i.status.is_open())
            .collect(),
        squashes: Vec::new(),
        followups: Vec::new(),
    }
}

fn hand_off_ready(m: &mut Model, to: Option<&str>) {
    press(m, KeyCode::Char('H'));
    update(m, Msg::Worker(WorkerEvent::HandoffReady(Ok(shift(to)))));
}

#[test]
fn help() {
    at_each_size("help", Context::Help, |m| press(m, KeyCode::Char('?')));
}

#[test]
fn runbook_search() {
    at_each_size("runbook_search", Context::Browse, |m| {
        press(m, KeyCode::Char('b'));
        typed(m, "conntrack");
    });
}

#[test]
fn escalate_question() {
    at_each_size("escalate_question", Context::Confirm, |m| {
        press(m, KeyCode::Char('e'))
    });
}

#[test]
fn filter_prompt() {
    at_each_size("filter_prompt", Context::Filter, |m| {
        press(m, KeyCode::Char('/'));
        typed(m, "postgres");
    });
}

#[test]
fn note_prompt() {
    at_each_size("note_prompt", Context::Note, |m| {
        press(m, KeyCode::Char('n'));
        typed(m, "vendor called back");
    });
}

#[test]
fn resolve_prompt() {
    at_each_size("resolve_prompt", Context::Resolve, |m| {
        press(m, KeyCode::Char('r'));
        typed(m, "rolled back");
    });
}

#[test]
fn hand_off_asking_whom() {
    at_each_size("hand_off_asking_whom", Context::HandoffName, |m| {
        hand_off_ready(m, None);
        typed(m, "pri");
    });
}

#[test]
fn hand_off_note() {
    at_each_size("hand_off_note", Context::HandoffNote, |m| {
        hand_off_ready(m, Some("sam"));
        typed(m, "db-1 is fragile");
    });
}

#[test]
fn hand_off_to_you() {
    at_each_size("hand_off_to_you", Context::HandoffRead, |m| {
        let note = "# Hand-off from sam to alex\n\n## Open (2)\n\n- #14 packet loss on \
                    edge-lb-1: switch port counters clean, vendor ticket open\n- #9 RAID on \
                    db-2: disk ordered\n\nLeave pgbouncer pinned until morning.\n";
        let handoff = Handoff {
            id: 4,
            from: "sam".into(),
            to: "alex".into(),
            at: t0() - chrono::Duration::minutes(5),
            note: note.into(),
            moved: vec![14, 9],
            until: Some(t0() + chrono::Duration::hours(8)),
        };
        let oncall = OnCall {
            now: None,
            next: None,
            shift: None,
            policies: Vec::new(),
        };
        update(
            m,
            Msg::Feed(FeedEvent::Rota {
                oncall,
                handoff: Some(handoff),
            }),
        );
    });
}

#[test]
fn a_zoomed_pane_says_z_goes_back_where_the_footer_said_zoom() {
    // Wide enough for the whole footer.
    let mut m = screen_model(200, 40);
    let footer = |m: &Model| text(&draw(m, 200, 40)).lines().last().unwrap().to_string();
    assert!(footer(&m).contains(" z zoom "), "{}", footer(&m));
    press(&mut m, KeyCode::Char('z'));
    assert_eq!(m.key_context(), Context::Zoomed);
    let zoomed = footer(&m);
    assert!(
        zoomed.contains(" Tab focus  z back  t top/§  ? help"),
        "{zoomed}"
    );
    assert!(!zoomed.contains("zoom"), "{zoomed}");
}

/// A week of noise as the hub reports it: a flapping alert, one that clears
/// by itself at night, a title-only one with a long name, one a squash kept
/// quiet.
fn a_week_of_noise() -> oncall::report::NoiseReport {
    use oncall::report::{AlertFigures, Figures, NoiseReport, ResponderFigures, ServiceFigures};
    let figures =
        |pages, night, self_resolved, flapping, ack: Option<u64>, fix: Option<u64>| Figures {
            incidents: pages,
            occurrences: pages + 2,
            pages,
            night_pages: night,
            self_resolved,
            flapping,
            squashed: 0,
            ack_median_secs: ack,
            ack_p90_secs: ack.map(|a| a * 2),
            resolve_median_secs: fix,
            resolve_p90_secs: fix.map(|f| f * 3),
        };
    let squashed = Figures {
        incidents: 3,
        occurrences: 7,
        squashed: 3,
        ..Figures::default()
    };
    let alert = |name: &str, service: &str, alertname, f| AlertFigures {
        alert: name.into(),
        service: service.into(),
        alertname,
        figures: f,
    };
    let mut report = NoiseReport {
        since: t0() - chrono::Duration::days(7),
        until: t0(),
        timezone: "Europe/Berlin".into(),
        alerts: vec![
            alert(
                "NodeCPUBlip",
                "worker",
                true,
                figures(9, 7, 6, 1, Some(300), Some(240)),
            ),
            alert(
                "PostgresqlReplicationLag",
                "postgres",
                true,
                figures(6, 2, 0, 4, Some(420), Some(3900)),
            ),
            alert(
                "Filesystem /var on backup-1 at 93% and filling: full in ~3h",
                "backups",
                false,
                figures(2, 0, 0, 0, None, Some(86_400)),
            ),
            alert("BatchQueueDeep", "batch", true, squashed.clone()),
        ],
        services: vec![
            ServiceFigures {
                service: "worker".into(),
                figures: figures(9, 7, 6, 1, Some(300), Some(240)),
            },
            ServiceFigures {
                service: "postgres".into(),
                figures: figures(6, 2, 0, 4, Some(420), Some(3900)),
            },
            ServiceFigures {
                service: "backups".into(),
                figures: figures(2, 0, 0, 0, None, Some(86_400)),
            },
            ServiceFigures {
                service: "batch".into(),
                figures: squashed,
            },
        ],
        responders: vec![
            ResponderFigures {
                responder: "alex".into(),
                pages: 11,
                night_pages: 6,
            },
            ResponderFigures {
                responder: "sam".into(),
                pages: 6,
                night_pages: 3,
            },
        ],
        noisiest: Vec::new(),
    };
    oncall::report::finish(&mut report);
    report
}

#[test]
fn noise_report() {
    at_each_size("noise_report", Context::Report, |m| {
        press(m, KeyCode::Char('N'));
        update(
            m,
            Msg::Worker(WorkerEvent::Report(Ok(Box::new(a_week_of_noise())))),
        );
    });
}
