//! Heartbeats on screen: those late or down in the top bar, the `h` box
//! listing every heartbeat (down and late first) with its last ping and
//! when the next is due, and a feed without heartbeats showing none.
use super::*;
use oncall::incident::{Heartbeat, HeartbeatState, PingStatus};

fn beat(
    name: &str,
    state: HeartbeatState,
    last: Option<(i64, PingStatus)>,
    due: Option<i64>,
) -> Heartbeat {
    let at = |min: i64| t0() + chrono::Duration::minutes(min);
    Heartbeat {
        name: name.to_string(),
        service: "backups".to_string(),
        severity: Severity::High,
        schedule: "every 1h".to_string(),
        grace: "10m".to_string(),
        state,
        last_ping: last.map(|(m, _)| at(m)),
        last_status: last.map(|(_, s)| s),
        exit_code: None,
        next_due: due.map(at),
        runbook: None,
    }
}

fn beats() -> Vec<Heartbeat> {
    vec![
        beat(
            "nightly-report",
            HeartbeatState::Up,
            Some((-5, PingStatus::Success)),
            Some(55),
        ),
        beat(
            "db-backup",
            HeartbeatState::Down,
            Some((-200, PingStatus::Fail)),
            Some(-140),
        ),
        beat("etl", HeartbeatState::New, None, None),
        beat(
            "log-rotate",
            HeartbeatState::Late,
            Some((-64, PingStatus::Success)),
            Some(-4),
        ),
        beat(
            "mail-queue",
            HeartbeatState::Running,
            Some((-2, PingStatus::Start)),
            Some(58),
        ),
    ]
}

fn with_beats(w: u16, h: u16, heartbeats: Vec<Heartbeat>) -> Model {
    let mut m = screen_model(w, h);
    update(&mut m, Msg::Feed(FeedEvent::Heartbeats(heartbeats)));
    m
}

#[test]
fn the_top_bar_shows_heartbeats_late_or_down() {
    for (w, h) in SIZES {
        let m = with_beats(w, h, beats());
        let screen = text(&draw(&m, w, h));
        let top = screen.lines().next().unwrap();
        assert!(
            top.contains("♥ 1 down 1 late") || top.contains("♥2"),
            "{w}x{h}: {top}"
        );
        if (w, h) == (120, 40) {
            snapshot!("heartbeats_top_bar_120x40", top);
        }
    }
    let one = with_beats(
        120,
        40,
        vec![beat("db-backup", HeartbeatState::Down, None, Some(-1))],
    );
    let top = text(&draw(&one, 120, 40))
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(top.contains("♥ db-backup down"), "{top}");
    let fine = with_beats(120, 40, vec![beats().remove(0)]);
    assert!(
        !text(&draw(&fine, 120, 40))
            .lines()
            .next()
            .unwrap()
            .contains('♥'),
        "up is no news"
    );
}

#[test]
fn h_lists_the_heartbeats_worst_first_and_any_key_closes() {
    for (w, h) in SIZES {
        let mut m = with_beats(w, h, beats());
        press(&mut m, KeyCode::Char('h'));
        let screen = text(&draw(&m, w, h));
        let order: Vec<usize> = [
            "db-backup",
            "log-rotate",
            "mail-queue",
            "nightly-report",
            "etl",
        ]
        .iter()
        .map(|n| {
            screen
                .find(n)
                .unwrap_or_else(|| panic!("{w}x{h} lists {n}:\n{screen}"))
        })
        .collect();
        assert!(
            order.windows(2).all(|p| p[0] < p[1]),
            "{w}x{h}: worst first:\n{screen}"
        );
        snapshot!(format!("heartbeats_list_{w}x{h}"), draw(&m, w, h).backend());
        press(&mut m, KeyCode::Char('x'));
        assert!(!text(&draw(&m, w, h)).contains("Heartbeats"), "closed");
    }
}

#[test]
fn a_feed_without_heartbeats_shows_none() {
    let mut m = screen_model(120, 40);
    press(&mut m, KeyCode::Char('h'));
    let screen = text(&draw(&m, 120, 40));
    assert!(
        screen.contains("No heartbeats: the hub watches none"),
        "{screen}"
    );
    assert!(!screen.lines().next().unwrap().contains('♥'));
}
