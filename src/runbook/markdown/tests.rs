use super::*;

fn text(r: &Rendered) -> Vec<String> {
    r.lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect()
}

#[test]
fn headings_lists_and_paragraphs() {
    let r = render(
        "# Title\n\nSome text here.\n\n- one\n- two\n\n1. first\n2. second\n",
        40,
        &BTreeSet::new(),
    );
    assert_eq!(
        text(&r),
        [
            "Title",
            "",
            "Some text here.",
            "",
            "• one",
            "• two",
            "",
            "1. first",
            "2. second"
        ]
    );
}

#[test]
fn checklist_steps_are_anchored_and_ticked_from_state() {
    let md = "## Safe actions\n\n- [ ] look first\n- [ ] then act\n- [x] already done\n";
    let done: BTreeSet<usize> = [1].into_iter().collect();
    let r = render(md, 40, &done);
    let t = text(&r);
    assert_eq!(r.steps.len(), 3);
    assert_eq!(t[r.steps[0].line], "[ ] look first");
    assert_eq!(t[r.steps[1].line], "[x] then act");
    assert!(r.steps[1].done && r.steps[2].done && !r.steps[0].done);
    assert_eq!(r.steps[0].text, "look first");
}

#[test]
fn code_blocks_keep_their_text() {
    let md = "Run:\n\n```sh\ndf -h /var\ndu -xh /var | sort -h | tail\n```\n";
    let r = render(md, 40, &BTreeSet::new());
    assert_eq!(r.code_blocks.len(), 1);
    assert_eq!(
        r.code_blocks[0].text,
        "df -h /var\ndu -xh /var | sort -h | tail\n"
    );
    let t = text(&r);
    assert_eq!(t[r.code_blocks[0].first_line], "  df -h /var");
    assert_eq!(
        t[r.code_blocks[0].last_line],
        "  du -xh /var | sort -h | tail"
    );
}

#[test]
fn long_lines_wrap_with_hanging_indent() {
    let r = render(
        "- a list item that is far too long for a narrow pane\n",
        20,
        &BTreeSet::new(),
    );
    let t = text(&r);
    assert!(t.len() > 1, "{t:?}");
    assert!(t.iter().all(|l| l.width() <= 20), "{t:?}");
    assert!(t[1].starts_with("  "), "{t:?}");
}

#[test]
fn tables_align_and_fit() {
    let md = "| check | healthy |\n|---|---|\n| `df -h` | under 80% |\n| a very very long cell that must be cut | x |\n";
    let r = render(md, 30, &BTreeSet::new());
    let t = text(&r);
    assert!(t[0].starts_with("check"), "{t:?}");
    assert!(t[1].contains('┼'), "{t:?}");
    assert!(t.iter().all(|l| l.width() <= 30), "{t:?}");
    assert!(t[3].contains('…'), "{t:?}");
}

#[test]
fn quotes_are_marked() {
    let r = render("> careful: this cannot be undone\n", 40, &BTreeSet::new());
    assert_eq!(text(&r)[0], "│ careful: this cannot be undone");
}

proptest::proptest! {
    #[test]
    fn any_markdown_renders_within_width(md in "[-#>*`|\\[\\] a-z0-9\n.]{0,400}", width in 10u16..120) {
        let r = render(&md, width, &BTreeSet::new());
        for l in &r.lines {
            proptest::prop_assert!(l.width() <= usize::from(width), "{:?}", l);
        }
    }
}

#[test]
fn a_word_made_of_several_styles_is_not_split() {
    let r = render(
        "see the runbook on certificates too (`tls-certificates`).\n",
        40,
        &BTreeSet::new(),
    );
    let t = text(&r);
    assert!(t.iter().any(|l| l.contains("(tls-certificates).")), "{t:?}");
}

#[test]
fn wide_characters_in_a_narrow_pane_do_not_hang() {
    let r = render("- 漢字漢字漢字漢字漢字漢字漢字\n", 10, &BTreeSet::new());
    assert!(!r.lines.is_empty());
}

#[test]
fn tabs_in_code_are_laid_out_as_spaces_and_copied_as_tabs() {
    let r = render("```\n\tSpeed: 1000Mb/s\n```\n", 40, &BTreeSet::new());
    assert_eq!(text(&r)[0], "      Speed: 1000Mb/s");
    assert_eq!(r.code_blocks[0].text, "\tSpeed: 1000Mb/s\n");
}

#[test]
fn control_characters_in_a_runbook_never_reach_the_screen() {
    let r = render(
        "# T\u{1b}[2J\n\nsee \u{1b}]0;x\u{7}this `a\u{1b}[1mb`\n\n```\nrm\u{1b}[31m -rf\n```\n",
        40,
        &BTreeSet::new(),
    );
    for l in text(&r) {
        assert!(!l.chars().any(char::is_control), "{l:?}");
    }
}

#[test]
fn a_long_code_fence_label_is_cut_to_the_pane() {
    let r = render("```#aa0 [* aa]\n", 10, &BTreeSet::new());
    assert!(r.lines.iter().all(|l| l.width() <= 10), "{:?}", text(&r));
    assert!(text(&r)[0].starts_with("  #aa0"), "{:?}", text(&r));
}

#[test]
fn a_block_s_tag_is_read_from_its_fence_info_and_shown_above_it() {
    let md = "```sh irreversible\nrm -rf /srv/cache\n```\n\n```bash read-only\ndf -h\n```\n\n```sql heavy\nselect 1\n```\n\n```text\nok\n```\n";
    let r = render(md, 40, &BTreeSet::new());
    let tags: Vec<_> = r.code_blocks.iter().map(|b| b.tag).collect();
    assert_eq!(
        tags,
        [
            Some(BlockTag::Irreversible),
            Some(BlockTag::ReadOnly),
            Some(BlockTag::Heavy),
            None
        ]
    );
    let t = text(&r);
    let above = |i: usize| t[r.code_blocks[i].first_line - 1].clone();
    assert_eq!(above(0), "  irreversible · sh");
    assert_eq!(above(1), "  read-only · bash");
    assert_eq!(above(2), "  heavy · sql");
    assert_eq!(above(3), "  text");
    // The tag stands out from the dim language beside it.
    let label = &r.lines[r.code_blocks[0].first_line - 1].spans[1];
    assert_eq!(label.content, "irreversible");
    assert_eq!(label.style.fg, Some(Color::Red));
    assert!(label.style.add_modifier.contains(Modifier::BOLD));
}

#[test]
fn unknown_info_words_are_no_tag_and_the_graver_of_two_tags_wins() {
    assert_eq!(BlockTag::parse("sh title=\"x\" irreversible-ish"), None);
    assert_eq!(BlockTag::parse("sh Heavy"), Some(BlockTag::Heavy));
    assert_eq!(
        BlockTag::parse("sh read-only irreversible"),
        Some(BlockTag::Irreversible)
    );
}

#[test]
fn a_tagged_fence_in_a_narrow_pane_keeps_its_tag_and_cuts_the_rest() {
    let r = render(
        "```a-very-long-language-name irreversible\nx\n```\n",
        16,
        &BTreeSet::new(),
    );
    let t = text(&r);
    assert!(t[0].starts_with("  irreversible"), "{t:?}");
    assert!(r.lines.iter().all(|l| l.width() <= 16), "{t:?}");
}

#[test]
fn escapes_in_a_fence_info_never_reach_the_screen() {
    let r = render(
        "```sh\u{1b}]0;owned\u{7} heavy\nx\n```\n",
        40,
        &BTreeSet::new(),
    );
    assert_eq!(r.code_blocks[0].tag, Some(BlockTag::Heavy));
    for l in text(&r) {
        assert!(!l.chars().any(char::is_control), "{l:?}");
    }
}

#[test]
fn headings_are_anchored_where_they_are_drawn() {
    let md = "# Pods\n\nA paragraph long enough to wrap over more than one line here.\n\n## Crash-looping `pods`\n\n- [ ] look\n\n### Image pull failures\n\ntext\n";
    let r = render(md, 30, &BTreeSet::new());
    let t = text(&r);
    let found: Vec<(u8, &str)> = r
        .headings
        .iter()
        .map(|h| (h.level, h.text.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (1, "Pods"),
            (2, "Crash-looping pods"),
            (3, "Image pull failures")
        ]
    );
    for h in &r.headings {
        assert_eq!(t[h.line], h.text, "{t:?}");
    }
    assert!(r.headings[1].line > 3, "after the wrapped paragraph: {t:?}");
}

#[test]
fn the_outline_names_the_headings_the_renderer_draws() {
    let md = "# Pods\n\ntext\n\n## Crash-looping `pods`\n\n```\n# not a heading\n```\n\nSetext\nheading\n------\n\n### 3. Image pull failures\n";
    let outline = outline(md);
    let found: Vec<(u8, &str, usize)> = outline
        .iter()
        .map(|h| (h.level, h.text.as_str(), h.line))
        .collect();
    assert_eq!(
        found,
        [
            (1, "Pods", 0),
            (2, "Crash-looping pods", 4),
            (2, "Setext heading", 10),
            (3, "3. Image pull failures", 14)
        ]
    );
    let drawn: Vec<(u8, String)> = render(md, 40, &BTreeSet::new())
        .headings
        .into_iter()
        .map(|h| (h.level, h.text))
        .collect();
    let listed: Vec<(u8, String)> = outline.into_iter().map(|h| (h.level, h.text)).collect();
    assert_eq!(drawn, listed);
}
