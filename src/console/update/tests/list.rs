//! The list as it is rebuilt: its columns measured, and where the cursor
//! stays when the selected incident moves.
use super::*;
use crate::console::model::Widest;

#[test]
fn the_list_measures_its_columns_when_it_is_rebuilt() {
    let mut m = polled();
    assert_eq!(
        m.widest,
        Widest {
            id: 2,
            service: 3,
            owner: 1
        },
        "#1..#3, api, nobody (—)"
    );
    let mut long = inc(1234, Severity::High, Status::Acknowledged, "Lag", "");
    long.service = "payments-gateway".into();
    long.owner = Some("kristina".into());
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: vec![long],
            full: false,
            resume: None,
        }),
    );
    assert_eq!(
        m.widest,
        Widest {
            id: 5,
            service: 16,
            owner: 8
        }
    );
    // Filtered out, it no longer widens the columns.
    ch(&mut m, '/');
    typed(&mut m, "disk");
    assert_eq!(m.widest.id, 2);
}
