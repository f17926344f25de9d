//! The squash form and the squashes list at the smallest supported size:
//! the selected alert's matchers (alertname and service on, its other
//! labels off), the one-key durations, the reason being typed; and the
//! squashes in force and scheduled with the removal question.
use std::collections::BTreeMap;

use oncall::incident::Squash;

use super::*;

const W: u16 = 80;
const H: u16 = 24;

#[test]
fn squash_form_80x24() {
    let mut m = screen_model(W, H);
    press(&mut m, KeyCode::Char('s'));
    snapshot!("squash_form_80x24", draw(&m, W, H).backend());
    press(&mut m, KeyCode::Char('1'));
    typed(&mut m, "bond0 swap, OPS-88");
    snapshot!("squash_form_reason_80x24", draw(&m, W, H).backend());
}

fn squash(id: u64, from_min: i64, until_min: i64, reason: &str, pairs: &[(&str, &str)]) -> Squash {
    Squash {
        id,
        matchers: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        starts: t0() + chrono::Duration::minutes(from_min),
        until: t0() + chrono::Duration::minutes(until_min),
        reason: reason.into(),
        created_by: "sam".into(),
        created_at: t0() - chrono::Duration::minutes(30),
        removed_by: None,
        removed_at: None,
    }
}

#[test]
fn squashes_list_80x24() {
    let mut m = screen_model(W, H);
    press(&mut m, KeyCode::Char('S'));
    let listed = vec![
        squash(
            3,
            -30,
            90,
            "edge-lb bond swap",
            &[
                ("alertname", "HostNetworkReceiveErrors"),
                ("service", "edge-lb"),
            ],
        ),
        squash(
            4,
            60,
            180,
            "db-2 disk replacement window",
            &[("service", "postgres")],
        ),
    ];
    update(&mut m, Msg::Worker(WorkerEvent::Squashes(Ok(listed))));
    press(&mut m, KeyCode::Down);
    press(&mut m, KeyCode::Char('x'));
    snapshot!("squashes_list_80x24", draw(&m, W, H).backend());
}
