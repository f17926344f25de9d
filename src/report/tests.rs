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
fn a_quote_or_backslash_in_a_name_is_escaped_in_the_matchers_it_quotes() {
    let odd = advice(&alert(
        r#"Disk "data" at C:\"#,
        true,
        Figures {
            incidents: 1,
            pages: 1,
            ..Figures::default()
        },
    ));
    assert_eq!(
        odd.action,
        r#"Squash alertname="Disk \"data\" at C:\\", service="db" while its cause is fixed: it paged once (0 at night)."#
    );
    // The squash itself carries the name as it is.
    assert_eq!(
        odd.squash.get("alertname").map(String::as_str),
        Some(r#"Disk "data" at C:\"#)
    );
}

#[test]
fn an_alert_a_squash_kept_quiet_is_not_advised_to_be_squashed_again() {
    let quiet = advice(&alert(
        "BackupSlow",
        true,
        Figures {
            incidents: 3,
            occurrences: 5,
            squashed: 2,
            ..Figures::default()
        },
    ));
    assert_eq!(
        quiet.action,
        "Squashed already: a squash kept 2 of its 3 incidents quiet (raised 5 times); fix its cause, or change the alert, before the squash ends."
    );
}

#[test]
fn a_report_without_the_squashed_figure_reads_as_none_squashed() {
    let older = serde_json::json!({
        "incidents": 2, "occurrences": 2, "pages": 1, "night_pages": 0,
        "self_resolved": 0, "flapping": 0, "ack_median_secs": null,
        "ack_p90_secs": null, "resolve_median_secs": null, "resolve_p90_secs": null
    });
    let f: Figures = serde_json::from_value(older).unwrap();
    assert_eq!((f.incidents, f.squashed), (2, 0));
    let back = serde_json::to_value(Figures { squashed: 4, ..f }).unwrap();
    assert_eq!(back["squashed"], 4);
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
