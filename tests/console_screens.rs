//! The main screen as a responder sees it, at the design size and at the
//! smallest supported size, drawn with ratatui's TestBackend.
// Helpers here may unwrap and panic as #[test] functions may (clippy.toml).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
/// A snapshot kept with the others in tests/snapshots, whichever file of
/// these tests takes it.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({ snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots") }, {
            insta::assert_snapshot!($name, $value)
        })
    };
}

#[path = "console_screens/code_blocks.rs"]
mod code_blocks;
#[path = "console_screens/colour.rs"]
mod colour;
#[path = "console_screens/feed.rs"]
mod feed;
#[path = "console_screens/followup.rs"]
mod followup;
#[path = "console_screens/heartbeats.rs"]
mod heartbeats;
#[path = "console_screens/history.rs"]
mod history;
#[path = "console_screens/links.rs"]
mod links;
#[path = "console_screens/list.rs"]
mod list;
#[path = "console_screens/many.rs"]
mod many;
#[path = "console_screens/modal.rs"]
mod modal;
#[path = "console_screens/ownership.rs"]
mod ownership;
#[path = "console_screens/panes.rs"]
mod panes;
#[path = "console_screens/prompts.rs"]
mod prompts;
#[path = "console_screens/quick.rs"]
mod quick;
#[path = "console_screens/rota.rs"]
mod rota;
#[path = "console_screens/sections.rs"]
mod sections;
#[path = "console_screens/squash.rs"]
mod squash;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use oncall::console::model::{FeedStatus, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::{FeedEvent, WorkerEvent};
use oncall::incident::{
    EventKind, Incident, NextShift, OnCall, Severity, Shift, Status, TimelineEntry,
};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
}

struct Spec {
    id: u64,
    severity: Severity,
    status: Status,
    service: &'static str,
    title: &'static str,
    alert: &'static str,
    minutes: i64,
    owner: Option<&'static str>,
    occurrences: u64,
}

fn incident(s: &Spec) -> Incident {
    Incident::builder(s.id, s.title, t0())
        .service(s.service)
        .severity(s.severity)
        .status(s.status)
        .label("alertname", s.alert)
        .label("instance", &format!("{}-1:9100", s.service))
        .description("rx_errors climbing on eno2 (bond0 member); probes from eu-west time out.")
        .source("alertmanager")
        .created_at(t0() - chrono::Duration::minutes(s.minutes))
        .owner(s.owner)
        .occurrences(s.occurrences)
        .version(3)
        .build()
}

fn specs() -> Vec<Spec> {
    use Severity::*;
    use Status::*;
    vec![
        Spec {
            id: 14,
            severity: Critical,
            status: Triggered,
            service: "edge-lb",
            title: "Receive errors and 18% packet loss on edge-lb-1 bond0",
            alert: "HostNetworkReceiveErrors",
            minutes: 3,
            owner: None,
            occurrences: 4,
        },
        Spec {
            id: 15,
            severity: Critical,
            status: Acknowledged,
            service: "postgres",
            title: "PostgreSQL primary db-1 refusing connections: too many clients",
            alert: "PostgresqlTooManyConnections",
            minutes: 4,
            owner: Some("alex"),
            occurrences: 1,
        },
        Spec {
            id: 9,
            severity: High,
            status: Acknowledged,
            service: "postgres",
            title: "RAID array md0 degraded on db-2: /dev/sdb faulty",
            alert: "NodeRAIDDegraded",
            minutes: 95,
            owner: Some("sam"),
            occurrences: 1,
        },
        Spec {
            id: 11,
            severity: High,
            status: Triggered,
            service: "api",
            title: "OOM killer ended java (pid 31544) on api-3",
            alert: "HostOomKillDetected",
            minutes: 41,
            owner: None,
            occurrences: 3,
        },
        Spec {
            id: 7,
            severity: Warning,
            status: Triggered,
            service: "backups",
            title: "Filesystem /var on backup-1 at 93% and filling: full in ~3h",
            alert: "NodeFilesystemSpaceFillingUp",
            minutes: 130,
            owner: None,
            occurrences: 1,
        },
        Spec {
            id: 12,
            severity: Warning,
            status: Triggered,
            service: "web",
            title: "HTTP 5xx rate 7.2% on checkout (threshold 2%)",
            alert: "NginxHighHttp5xxErrorRate",
            minutes: 6,
            owner: None,
            occurrences: 12,
        },
        Spec {
            id: 3,
            severity: Info,
            status: Resolved,
            service: "worker",
            title: "Clock on worker-7 is 1.8s off NTP",
            alert: "NodeClockSkewDetected",
            minutes: 55,
            owner: Some("priya"),
            occurrences: 1,
        },
    ]
}

/// alex's console as it starts, before anything is received; times in UTC.
fn new_model(feed: FeedStatus) -> Model {
    model_with(feed, Library::shipped())
}

/// As `new_model`, with `library` for its runbooks.
fn model_with(feed: FeedStatus, library: Library) -> Model {
    let utc = FixedOffset::east_opt(0).unwrap();
    let library = Arc::new(library);
    Model::new(
        "alex".into(),
        feed,
        library,
        t0(),
        std::env::temp_dir(),
        utc,
    )
}

/// A console `width` by `height` whose only runbook is `runbook` (a team
/// file's text), with the one incident of `spec` received and selected.
fn one_runbook_model(width: u16, height: u16, runbook: &str, spec: &Spec) -> Model {
    let rb = oncall::runbook::library::runbook_from_text(
        runbook,
        std::path::Path::new("team.md"),
        oncall::runbook::Origin::File("team.md".into()),
    )
    .unwrap()
    .runbook;
    let feed = FeedStatus::new("team hub", Duration::from_secs(2));
    let mut m = model_with(feed, Library::from_runbooks(vec![rb]));
    update(&mut m, Msg::Resize(width, height));
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![incident(spec)],
            full: true,
            resume: None,
        }),
    );
    m
}

fn screen_model(width: u16, height: u16) -> Model {
    let feed = FeedStatus::new("team hub", Duration::from_secs(2));
    let mut m = new_model(feed);
    update(&mut m, Msg::Resize(width, height));
    let incidents = specs().iter().map(incident).collect();
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents,
            full: true,
            resume: None,
        }),
    );
    let mut detail = incident(&specs()[0]);
    let at = |min: i64| t0() - chrono::Duration::minutes(min);
    detail.timeline = vec![
        TimelineEntry {
            at: at(3),
            who: "alertmanager".into(),
            kind: EventKind::Opened,
            text: String::new(),
            taken_at: None,
        },
        TimelineEntry {
            at: at(2),
            who: "alertmanager".into(),
            kind: EventKind::Repeated,
            text: "repeated (4 times)".into(),
            taken_at: None,
        },
        TimelineEntry {
            at: at(1),
            who: "sam".into(),
            kind: EventKind::Note,
            text: "Switch port counters clean on core-sw-2.".into(),
            taken_at: None,
        },
    ];
    update(
        &mut m,
        Msg::Worker(WorkerEvent::Fetched {
            id: 14,
            result: Ok(detail),
        }),
    );
    let oncall = OnCall {
        now: Some(Shift {
            who: "alex".into(),
            since: t0() - chrono::Duration::hours(11),
            until: t0() + chrono::Duration::minutes(45),
        }),
        next: Some(NextShift {
            who: "sam".into(),
            from: t0() + chrono::Duration::minutes(45),
        }),
        shift: None,
        policies: Vec::new(),
    };
    update(
        &mut m,
        Msg::Feed(FeedEvent::Rota {
            oncall,
            handoff: None,
        }),
    );
    m
}

/// The sizes every screen is checked at: the smallest supported, the
/// narrowest side by side would once take, and the design size.
const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 40)];

fn press(m: &mut Model, code: KeyCode) {
    update(m, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(m: &mut Model, text: &str) {
    for c in text.chars() {
        press(m, KeyCode::Char(c));
    }
}

/// The screen as text, one line a row.
fn text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn draw(m: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(m, f)).unwrap();
    terminal
}

#[test]
fn main_screen_120x40() {
    let m = screen_model(120, 40);
    insta::assert_snapshot!(draw(&m, 120, 40).backend());
}

#[test]
fn main_screen_100x30() {
    let m = screen_model(100, 30);
    insta::assert_snapshot!(draw(&m, 100, 30).backend());
}

#[test]
fn main_screen_80x24() {
    let m = screen_model(80, 24);
    insta::assert_snapshot!(draw(&m, 80, 24).backend());
}

#[test]
fn escalate_confirm_line_120x40() {
    let mut m = screen_model(120, 40);
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE)),
    );
    let t = draw(&m, 120, 40);
    let text = format!("{}", t.backend());
    assert!(
        text.contains("Escalate #14 from 1st line to 2nd line?"),
        "{text}"
    );
    assert!(text.contains("y/Enter escalate"), "{text}");
}

#[test]
fn help_screen_lists_the_key_table() {
    // Tall enough for every mode's keys (at 120x40 the list's keys and a
    // word that the other modes show theirs on the bottom line).
    let mut m = screen_model(120, 80);
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    let text = format!("{}", draw(&m, 120, 80).backend());
    for b in oncall::console::keys::BINDINGS {
        assert!(text.contains(b.help), "help lacks '{}'", b.help);
    }
}

#[test]
fn a_stale_feed_says_so_and_keeps_the_list() {
    let mut m = screen_model(120, 40);
    m.now = t0() + chrono::Duration::seconds(45);
    update(
        &mut m,
        Msg::Feed(FeedEvent::Failed {
            error: oncall::feed::FeedError::Unreachable("http://hub:8080".into()),
            retry_in: Duration::from_secs(8),
        }),
    );
    let text = format!("{}", draw(&m, 120, 40).backend());
    assert!(text.contains("stale 45s"), "{text}");
    assert!(text.contains("cannot reach http://hub:8080"), "{text}");
    assert!(text.contains("Receive errors and 18%"), "{text}");
}

#[test]
fn help_scrolls_through_every_key_on_the_smallest_supported_terminal() {
    let mut m = screen_model(80, 24);
    let press = |m: &mut oncall::console::model::Model, c: char| {
        update(
            m,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    };
    press(&mut m, '?');
    let first = format!("{}", draw(&m, 80, 24).backend());
    assert!(first.contains("more below"), "{first}");
    assert!(first.contains("any key: close"), "{first}");
    // Down a line at a time to the end: every key of the list is seen on
    // the way, and the help stays open.
    let mut seen = first.clone();
    for _ in 0..40 {
        press(&mut m, 'j');
        seen.push_str(&format!("{}", draw(&m, 80, 24).backend()));
    }
    for b in oncall::console::keys::rows(oncall::console::keys::Context::Normal) {
        assert!(
            seen.contains(b.help),
            "help at 80x24 never shows '{}'",
            b.help
        );
    }
    let last = format!("{}", draw(&m, 80, 24).backend());
    assert!(
        last.contains("more above") && !last.contains("below"),
        "{last}"
    );
    // Back up is as many lines as it went down, not forty.
    press(&mut m, 'k');
    let up = format!("{}", draw(&m, 80, 24).backend());
    assert!(up.contains("above, 1 below"), "{up}");
    // Any other key closes it.
    press(&mut m, 'x');
    assert_eq!(m.mode, oncall::console::model::Mode::Normal);
}

#[test]
fn the_runbook_search_lists_matches_with_the_matching_line() {
    let mut m = screen_model(120, 40);
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE)),
    );
    for c in "conntrack".chars() {
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let text = format!("{}", draw(&m, 120, 40).backend());
    assert!(text.contains("search: conntrack"), "{text}");
    assert!(text.contains("(network)"), "{text}");
    assert!(text.contains("Enter read"), "{text}");
}
