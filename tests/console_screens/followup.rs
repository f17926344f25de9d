//! Follow-ups on screen at the smallest supported size: the top bar's count
//! of this responder's open follow-ups (overdue ones said), the `f` form's
//! prompt line, and the `F` popup with an overdue follow-up first and the
//! note asked before closing one.
use oncall::incident::{Followup, FollowupStatus};

use super::*;

const W: u16 = 80;
const H: u16 = 24;

fn followup(id: u64, incident_id: u64, due_min: i64, text: &str) -> Followup {
    let due = t0() + chrono::Duration::minutes(due_min);
    Followup {
        id,
        incident_id,
        incident_title: "Replication lag on db-2".into(),
        text: text.into(),
        owner: "alex".into(),
        due: Some(due),
        status: FollowupStatus::Open,
        note: None,
        created_by: "sam".into(),
        created_at: t0() - chrono::Duration::hours(2),
        closed_by: None,
        closed_at: None,
        overdue: due <= t0(),
    }
}

fn with_followups() -> Model {
    let mut m = screen_model(W, H);
    let open = vec![
        followup(4, 15, -30, "Check the RAID firmware before the swap"),
        followup(6, 9, 3 * 24 * 60, "Alert on chrony's source count"),
    ];
    update(&mut m, Msg::Feed(FeedEvent::Followups(open)));
    m
}

#[test]
fn the_top_bar_counts_my_open_followups_80x24() {
    let m = with_followups();
    let t = draw(&m, W, H);
    let top = text(&t);
    assert!(top.contains("f-ups!"), "{top}");
    snapshot!("followups_top_bar_80x24", t.backend());
    let wide = text(&draw(&m, 160, 40));
    assert!(wide.contains("2 follow-ups, 1 overdue"), "{wide}");
}

#[test]
fn the_followup_form_asks_one_line_at_a_time_80x24() {
    let mut m = with_followups();
    press(&mut m, KeyCode::Char('f'));
    typed(&mut m, "Add a loss alert");
    press(&mut m, KeyCode::Enter);
    let shown = text(&draw(&m, W, H));
    assert!(shown.contains("owner (empty: alex)"), "{shown}");
}

#[test]
fn my_followups_popup_80x24() {
    let mut m = with_followups();
    press(&mut m, KeyCode::Char('F'));
    snapshot!("followups_popup_80x24", draw(&m, W, H).backend());
    press(&mut m, KeyCode::Char('d'));
    typed(&mut m, "firmware is current");
    let shown = text(&draw(&m, W, H));
    assert!(
        shown.contains("done #4, note: firmware is current"),
        "{shown}"
    );
}
