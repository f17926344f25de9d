//! The incident list at every width from 80 columns: the id and owner
//! always there, the title given what is left, and how many rows are
//! above and below when the list does not fit.
use super::*;

#[test]
fn every_width_shows_the_id_and_owner_and_the_title_gets_the_rest() {
    let mut titles = Vec::new();
    for w in (80..=200).step_by(10) {
        let m = screen_model(w, 30);
        let screen = text(&draw(&m, w, 30));
        let row = screen
            .lines()
            .find(|l| l.contains("PostgreSQL primary"))
            .unwrap_or_else(|| panic!("{w}: {screen}"));
        assert!(row.contains(" #15 "), "{w}: {row}");
        assert!(row.contains(" alex "), "{w}: {row}");
        let header = screen.lines().find(|l| l.contains("SEV")).unwrap();
        for column in ["ID", "SERVICE", "TITLE", "OWNER"] {
            assert!(header.contains(column), "{w}: {header}");
        }
        // The columns end at the list's border: the title took all that was left.
        assert!(header.contains("×│"), "{w}: {header}");
        let title = header.find("OWNER").unwrap() - header.find("TITLE").unwrap() - 1;
        titles.push((w, title));
    }
    // Never fewer than at the smallest size, beside the detail and runbook
    // too (from `SIDE_BY_SIDE` columns).
    let at_80 = titles[0].1;
    for &(w, title) in &titles {
        assert!(title >= at_80, "{w}: {title} < {at_80}");
    }
    assert!(
        titles
            .iter()
            .any(|&(w, _)| w >= oncall::console::layout::SIDE_BY_SIDE),
        "a width beside the detail is checked"
    );
}

#[test]
fn a_list_longer_than_its_pane_says_how_many_rows_are_out_of_sight() {
    for (w, h) in SIZES {
        let mut m = screen_model(w, h);
        let rows = oncall::console::layout::list_rows((w, h), None);
        let more: Vec<Incident> = (100..100 + rows as u64)
            .map(|id| {
                let mut inc = incident(&specs()[4]);
                inc.id = id;
                inc
            })
            .collect();
        update(
            &mut m,
            Msg::Feed(FeedEvent::Polled {
                incidents: more,
                full: false,
                resume: None,
            }),
        );
        let below = m.list.visible.len() - rows;
        let first = text(&draw(&m, w, h));
        assert!(
            first.contains(&format!(" 0 above · {below} below ")),
            "{w}x{h}:\n{first}"
        );
        press(&mut m, KeyCode::Char('G'));
        let last = text(&draw(&m, w, h));
        assert!(
            last.contains(&format!(" {below} above · 0 below ")),
            "{w}x{h}:\n{last}"
        );
    }
    // All of it in view: nothing said.
    let m = screen_model(120, 40);
    assert!(!text(&draw(&m, 120, 40)).contains(" above · "));
}
