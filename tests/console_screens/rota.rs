//! The rota view (`w`) at the smallest supported size and the design size:
//! who is on call now and until when, who is next, whom each level reaches,
//! and the overrides in force and upcoming (one being removed, one cover
//! waiting for the hub); then the cover prompt and the removal question.
use oncall::incident::{LevelView, Override, PolicyView, Targets};

use super::*;

fn made(id: u64, responder: &str, from_min: i64, until_min: i64) -> Override {
    Override {
        id,
        responder: responder.into(),
        start: t0() + chrono::Duration::minutes(from_min),
        end: t0() + chrono::Duration::minutes(until_min),
        created_by: "sam".into(),
        created_at: t0() - chrono::Duration::minutes(30),
        removed_by: None,
        removed_at: None,
        displaced: Vec::new(),
    }
}

/// The main screen with the rota view open: a policy of two levels, two
/// overrides listed, the cursor on the second.
fn rota_model(width: u16, height: u16) -> Model {
    let mut m = screen_model(width, height);
    let mut oncall = m.oncall.clone().unwrap();
    oncall.policies = vec![PolicyView {
        services: vec!["db".into(), "postgres".into()],
        levels: vec![
            LevelView {
                level: 1,
                name: "1st line".into(),
                who: Some("alex".into()),
                targets: Targets::OnCall,
                after: None,
            },
            LevelView {
                level: 2,
                name: "DBAs".into(),
                who: Some("priya".into()),
                targets: Targets::Named(vec!["priya".into()]),
                after: None,
            },
        ],
    }];
    update(
        &mut m,
        Msg::Feed(FeedEvent::Rota {
            oncall,
            handoff: None,
        }),
    );
    press(&mut m, KeyCode::Char('w'));
    let listed = vec![made(3, "sam", -30, 15), made(4, "priya", 600, 1080)];
    update(&mut m, Msg::Worker(WorkerEvent::Overrides(Ok(listed))));
    press(&mut m, KeyCode::Down);
    m
}

#[test]
fn rota_view() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut m = rota_model(w, h);
        let t = draw(&m, w, h);
        let screen = text(&t);
        assert!(screen.contains("On call now: alex"), "{screen}");
        assert!(screen.contains("Next:        sam"), "{screen}");
        assert!(
            screen.contains("db, postgres: 1 alex → 2 priya"),
            "{screen}"
        );
        assert!(screen.contains("#3 sam"), "{screen}");
        assert!(screen.contains("#4 priya"), "{screen}");
        snapshot!(format!("rota_view_{w}x{h}"), t.backend());
        press(&mut m, KeyCode::Char('x'));
        snapshot!(
            format!("rota_view_remove_{w}x{h}"),
            draw(&m, w, h).backend()
        );
    }
}

#[test]
fn rota_view_cover_prompt() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut m = rota_model(w, h);
        // A cover sent and not answered yet shows as waiting.
        press(&mut m, KeyCode::Char('c'));
        press(&mut m, KeyCode::Enter);
        typed(&mut m, "8h");
        press(&mut m, KeyCode::Enter);
        press(&mut m, KeyCode::Enter);
        assert!(!m.overrides.covering.is_empty());
        press(&mut m, KeyCode::Char('c'));
        press(&mut m, KeyCode::Enter);
        typed(&mut m, "+2h");
        let t = draw(&m, w, h);
        let screen = text(&t);
        assert!(screen.contains("until, or how long (8h): +2h"), "{screen}");
        assert!(screen.contains("waiting for the hub"), "{screen}");
        snapshot!(format!("rota_view_cover_{w}x{h}"), t.backend());
    }
}
