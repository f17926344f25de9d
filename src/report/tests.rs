//! The report's shape on its own: nights in a time zone with summer time,
//! the advice for each kind of noise, and the text forms.
use chrono::{DateTime, Utc};

use super::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn nights_follow_the_time_zone_across_its_clock_change() {
    // Berlin leaves summer time on 2026-10-25 at 03:00 (back to 02:00).
    let nights = nights(
        &chrono_tz::Europe::Berlin,
        at("2026-10-24T12:00:00Z"),
        at("2026-10-26T12:00:00Z"),
    );
    let expect = [
        ("2026-10-24T20:00:00Z", "2026-10-25T06:00:00Z"),
        ("2026-10-25T21:00:00Z", "2026-10-26T06:00:00Z"),
    ];
    let expect: Vec<[f64; 2]> = expect
        .iter()
        .map(|(s, e)| [seconds(at(s)), seconds(at(e))])
        .collect();
    assert_eq!(nights, expect);
}

#[test]
fn a_window_inside_one_night_has_that_night() {
    let nights = nights(
        &chrono_tz::UTC,
        at("2026-11-23T23:00:00Z"),
        at("2026-11-24T01:00:00Z"),
    );
    assert_eq!(
        nights,
        vec![[
            seconds(at("2026-11-23T22:00:00Z")),
            seconds(at("2026-11-24T07:00:00Z"))
        ]]
    );
}

fn alert(name: &str, alertname: bool, f: Figures) -> AlertFigures {
    AlertFigures {
        alert: name.to_string(),
        service: "db".to_string(),
        alertname,
        figures: f,
    }
}

#[test]
fn advice_squashes_a_steady_alert_and_retunes_one_that_flaps_or_clears_itself() {
    let steady = advice(&alert(
        "DiskFull",
        true,
        Figures {
            incidents: 4,
            pages: 6,
            night_pages: 2,
            ..Figures::default()
        },
    ));
    assert_eq!(steady.threshold, None);
    assert_eq!(
        steady.action,
        "Squash alertname=\"DiskFull\", service=\"db\" while its cause is fixed: it paged 6 times (2 at night)."
    );
    assert_eq!(
        steady.squash.get("alertname").map(String::as_str),
        Some("DiskFull")
    );

    let blips = advice(&alert(
        "CpuBlip",
        true,
        Figures {
            incidents: 4,
            self_resolved: 3,
            ..Figures::default()
        },
    ));
    assert!(
        blips.action.starts_with(
            "Change the alert: 3 of its 4 incidents resolved by themselves within 5 minutes"
        ),
        "{}",
        blips.action
    );

    let flaps = advice(&alert(
        "Replication",
        true,
        Figures {
            incidents: 4,
            flapping: 2,
            ..Figures::default()
        },
    ));
    assert!(flaps.threshold.unwrap().contains("it flaps"));

    let untitled = advice(&alert("disk full on db-1", false, Figures::default()));
    assert_eq!(untitled.squash.len(), 1, "only the service can be matched");
    assert!(
        untitled.action.contains("it has no alertname label"),
        "{}",
        untitled.action
    );
}

#[test]
fn the_ten_noisiest_are_ordered_by_pages_then_occurrences() {
    let mut report = NoiseReport::default();
    for i in 0..12u64 {
        report.alerts.push(alert(
            &format!("A{i:02}"),
            true,
            Figures {
                incidents: 1,
                pages: i % 3,
                occurrences: i,
                ..Figures::default()
            },
        ));
    }
    finish(&mut report);
    let names: Vec<&str> = report.noisiest.iter().map(|a| a.alert.as_str()).collect();
    assert_eq!(
        names,
        [
            "A11", "A08", "A05", "A02", "A10", "A07", "A04", "A01", "A09", "A06"
        ]
    );
}

#[test]
fn spans_read_as_people_say_them() {
    let said: Vec<String> = [
        None,
        Some(45),
        Some(120),
        Some(150),
        Some(3900),
        Some(180_000),
    ]
    .into_iter()
    .map(format::span)
    .collect();
    assert_eq!(said, ["-", "45s", "2m", "2m30s", "1h05m", "2d02h"]);
}

#[test]
fn names_are_printed_inert_in_both_text_forms() {
    let mut report = NoiseReport {
        timezone: "UTC".to_string(),
        ..NoiseReport::default()
    };
    report.alerts.push(alert(
        "evil\x1b]52;c;aGk=\x07|name\u{202e}",
        true,
        Figures {
            pages: 1,
            ..Figures::default()
        },
    ));
    report.responders.push(ResponderFigures {
        responder: "mal\x1b[2Jlory".to_string(),
        pages: 1,
        night_pages: 0,
    });
    finish(&mut report);
    for text in [table(&report), markdown(&report)] {
        assert!(
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
            "{text:?}"
        );
    }
    assert!(
        markdown(&report).contains("\\|name"),
        "a pipe does not end a Markdown cell"
    );
}
