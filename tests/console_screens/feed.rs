//! The feed's health on screen: nothing known is not nothing open, a
//! minute stale is red, and the feed coming back is said.
use super::*;
use oncall::feed::FeedError;
use ratatui::style::Color;

fn failed() -> Msg {
    Msg::Feed(FeedEvent::Failed {
        error: FeedError::Unreachable("http://hub:8080".into()),
        retry_in: Duration::from_secs(8),
    })
}

/// The colour of the first cell of `needle` on the screen.
fn colour_of(t: &Terminal<TestBackend>, needle: &str) -> Option<Color> {
    let buf = t.backend().buffer();
    let screen = text(t);
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))?;
    let x = line[..line.find(needle)?].chars().count() as u16;
    buf[(x, y as u16)].fg.into()
}

#[test]
fn offline_with_no_copy_says_nothing_is_known() {
    for (w, h) in SIZES {
        let feed = FeedStatus::new("team hub", Duration::from_secs(2));
        let mut m = new_model(feed);
        update(&mut m, Msg::Resize(w, h));
        update(&mut m, failed());
        let screen = text(&draw(&m, w, h));
        let top = screen.lines().next().unwrap();
        assert!(top.contains("nothing known"), "{w}x{h}: {top}");
        assert!(!screen.contains("nothing open"), "{w}x{h}:\n{screen}");
        assert!(
            screen.contains("Nothing known: the feed has not answered yet"),
            "{w}x{h}:\n{screen}"
        );
        if (w, h) == (80, 24) {
            snapshot!("offline_nothing_known_80x24", draw(&m, w, h).backend());
        }
    }
    // An empty answer is one: nothing open.
    let mut quiet = new_model(FeedStatus::new("team hub", Duration::from_secs(2)));
    update(
        &mut quiet,
        Msg::Feed(FeedEvent::Polled {
            incidents: Vec::new(),
            full: true,
            resume: None,
        }),
    );
    assert!(text(&draw(&quiet, 120, 40)).contains("nothing open"));
}

#[test]
fn a_feed_stale_for_more_than_a_minute_turns_red_and_its_return_is_said() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(50)));
        update(&mut m, failed());
        let t = draw(&m, w, h);
        assert!(text(&t).contains("stale 50s"), "{w}x{h}");
        assert_eq!(colour_of(&t, "stale 50s"), Some(Color::Yellow), "{w}x{h}");
        update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(61)));
        let t = draw(&m, w, h);
        assert!(text(&t).contains("stale 61s"), "{w}x{h}");
        assert_eq!(colour_of(&t, "stale 61s"), Some(Color::Red), "{w}x{h}");
        update(&mut m, Msg::Tick(t0() + chrono::Duration::seconds(185)));
        update(&mut m, Msg::Feed(FeedEvent::Unchanged));
        let screen = text(&draw(&m, w, h));
        assert!(
            screen.contains("Feed back: live again after 3m offline."),
            "{w}x{h}:\n{screen}"
        );
        assert!(
            screen.contains("● live") || screen.contains("team hub live"),
            "{w}x{h}"
        );
    }
}

#[test]
fn a_feed_of_two_hubs_names_the_one_that_answers_after_failover() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        let answering = |hub: &str| {
            Msg::Feed(FeedEvent::Answering {
                hub: hub.into(),
                other_database: false,
            })
        };
        update(&mut m, answering("hub-a.example"));
        update(&mut m, Msg::Feed(FeedEvent::Unchanged));
        assert!(text(&draw(&m, w, h)).contains("hub-a.example"), "{w}x{h}");
        // hub-a stops answering; the next poll is hub-b's, of the same database.
        update(&mut m, answering("hub-b.example:8443"));
        update(&mut m, Msg::Feed(FeedEvent::Unchanged));
        let t = draw(&m, w, h);
        let screen = text(&t);
        let top = screen.lines().next().unwrap();
        assert!(top.contains("hub-b.example:8443"), "{w}x{h}: {top}");
        assert!(!screen.contains("hub-a.example"), "{w}x{h}");
        assert!(!screen.contains("another database"), "{w}x{h}");
        // Nothing else on the bar is lost for it.
        assert!(
            top.contains("2W") || top.contains("2 warning"),
            "{w}x{h}: {top}"
        );
        if (w, h) == (80, 24) || (w, h) == (120, 40) {
            snapshot!(format!("two_hubs_after_failover_{w}x{h}"), t.backend());
        }
    }
}
