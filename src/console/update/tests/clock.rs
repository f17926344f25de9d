//! The clock: the screen is drawn again only when a text on it changes.
use super::*;

#[test]
fn nothing_changed_means_no_redraw() {
    let mut m = polled();
    m.take_dirty();
    update(&mut m, Msg::Feed(FeedEvent::Unchanged));
    assert!(!m.take_dirty());
    update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(5)));
    assert!(
        !m.take_dirty(),
        "same minute, feed live: nothing on screen changes"
    );
    update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(61)));
    assert!(m.take_dirty(), "ages move on at the minute");
}

#[test]
fn the_clock_redraws_only_when_an_age_on_screen_changes() {
    // Opened half a minute off the minute: ages turn at :30, not at :00.
    let mut m = polled();
    for inc in Arc::make_mut(&mut m.list.incidents) {
        inc.created_at -= chrono::Duration::seconds(30);
    }
    live_at(&mut m, 15);
    assert!(!live_at(&mut m, 28), "no age has turned yet");
    assert!(live_at(&mut m, 31), "ages turned at :30 past");
    assert!(
        !live_at(&mut m, 61),
        "the wall-clock minute alone changes nothing on screen"
    );
}

#[test]
fn the_clock_ignores_ages_of_rows_scrolled_out_of_view() {
    let mut m = polled();
    m.size = (120, 12);
    let rows = crate::console::layout::list_rows(m.size, None);
    // Rows in view opened on the minute; one far below opened at :30.
    let mut many: Vec<Incident> = (1..=rows as u64 + 5)
        .map(|id| inc(id, Severity::Warning, Status::Triggered, "disk", ""))
        .collect();
    let last = many.len() - 1;
    many[last].created_at -= chrono::Duration::seconds(30);
    poll(&mut m, many);
    live_at(&mut m, 15);
    assert!(!live_at(&mut m, 31), "only an unseen row's age turned");
    assert!(live_at(&mut m, 61), "rows in view turned");
}
