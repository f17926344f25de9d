//! The history popup (`R`) at the smallest supported size and the design
//! size: the results of a search (newest first, one chosen, more behind
//! them), and one of them read with its whole timeline, oldest first.
use oncall::incident::ResolvedPage;

use super::*;

fn at(hours: i64) -> DateTime<Utc> {
    t0() - chrono::Duration::hours(hours)
}

fn resolved(id: u64, service: &str, title: &str, hours: i64, owner: Option<&str>) -> Incident {
    Incident::builder(id, title, at(hours + 1))
        .service(service)
        .severity(if id.is_multiple_of(2) {
            Severity::High
        } else {
            Severity::Critical
        })
        .status(Status::Resolved)
        .label("alertname", "NodeFilesystemSpaceFillingUp")
        .created_at(at(hours + 1))
        .updated_at(at(hours))
        .owner(owner)
        .build()
}

fn found() -> Vec<Incident> {
    vec![
        resolved(
            13,
            "backups",
            "Filesystem /var on backup-1 at 97%",
            2,
            Some("sam"),
        ),
        resolved(
            8,
            "postgres",
            "Disk /var/lib/postgresql filling on db-2",
            30,
            Some("alex"),
        ),
        resolved(
            6,
            "api",
            "Disk /var/log full on api-3: log rotation stopped",
            200,
            None,
        ),
        resolved(
            2,
            "backups",
            "Filesystem /var on backup-1 at 91%",
            9000,
            Some("priya"),
        ),
    ]
}

/// The main screen with the history open, "disk var" searched, the hub's
/// page answered (with more behind it) and the second result chosen.
fn history_model(width: u16, height: u16) -> Model {
    let mut m = screen_model(width, height);
    press(&mut m, KeyCode::Char('R'));
    typed(&mut m, "disk var");
    press(&mut m, KeyCode::Enter);
    let page = ResolvedPage {
        incidents: found(),
        next: Some(2),
    };
    let answer = WorkerEvent::HistoryPage {
        q: "disk var".into(),
        before: None,
        result: Ok(page),
    };
    update(&mut m, Msg::Worker(answer));
    press(&mut m, KeyCode::Down);
    m
}

/// The second result opened and its timeline come.
fn reading_model(width: u16, height: u16) -> Model {
    let mut m = history_model(width, height);
    press(&mut m, KeyCode::Enter);
    let entry = |hours_before: i64, minutes: i64, who: &str, kind, text: &str| TimelineEntry {
        at: at(hours_before) + chrono::Duration::minutes(minutes),
        who: who.into(),
        kind,
        text: text.into(),
        taken_at: None,
    };
    let mut whole = found().swap_remove(1);
    whole.description = "Free space under 10% on /var/lib/postgresql; WAL piling up.".into();
    whole.timeline = vec![
        entry(31, 0, "alertmanager", EventKind::Opened, ""),
        entry(31, 4, "alex", EventKind::Acknowledged, ""),
        entry(
            31,
            20,
            "alex",
            EventKind::Note,
            "Old WAL segments kept by a stale slot.",
        ),
        entry(
            31,
            35,
            "alex",
            EventKind::Note,
            "Dropped slot backup_old; 40G back.",
        ),
        entry(30, 0, "alex", EventKind::Resolved, "Disk at 61%."),
    ];
    let answer = WorkerEvent::HistoryIncident {
        id: 8,
        result: Ok(Box::new(whole)),
    };
    update(&mut m, Msg::Worker(answer));
    m
}

#[test]
fn history_results() {
    for (w, h) in [(80, 24), (120, 40)] {
        let m = history_model(w, h);
        let t = draw(&m, w, h);
        let screen = text(&t);
        assert!(screen.contains("search: disk var"), "{screen}");
        assert!(
            screen.contains("4 found for “disk var”, more below"),
            "{screen}"
        );
        assert!(screen.contains("#13"), "{screen}");
        assert!(screen.contains("nobody"), "{screen}");
        snapshot!(format!("history_results_{w}x{h}"), t.backend());
    }
}

#[test]
fn history_reading_one() {
    for (w, h) in [(80, 24), (120, 40)] {
        let m = reading_model(w, h);
        let t = draw(&m, w, h);
        let screen = text(&t);
        assert!(screen.contains("#8 high · resolved"), "{screen}");
        assert!(screen.contains("Timeline, oldest first"), "{screen}");
        assert!(screen.contains("Dropped slot backup_old"), "{screen}");
        assert!(screen.contains("read-only"), "{screen}");
        snapshot!(format!("history_reading_{w}x{h}"), t.backend());
    }
}
