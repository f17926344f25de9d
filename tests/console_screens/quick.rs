//! The quick filters on screen: the top bar says which are on, so a list
//! narrowed by a key never hides what pages without saying so.
use super::*;

#[test]
fn quick_filters_show_in_the_top_bar_and_the_list_count() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut m = screen_model(w, h);
        press(&mut m, KeyCode::Char('!'));
        press(&mut m, KeyCode::Char('c'));
        let t = draw(&m, w, h);
        let shown = text(&t);
        let top = shown.lines().next().unwrap_or("");
        assert!(top.contains("only triggered · high+"), "{top}");
        assert!(shown.contains(" of 7)"), "{shown}");
        assert!(
            !shown.contains("WARN"),
            "warnings are filtered out: {shown}"
        );
        snapshot!(format!("quick_filters_{w}x{h}"), t.backend());
        press(&mut m, KeyCode::Esc);
        let top = text(&draw(&m, w, h))
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        assert!(!top.contains("only"), "{top}");
    }
}
