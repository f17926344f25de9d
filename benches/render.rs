//! Drawing the main screen with 10,000 incidents (flat, and grouped into 200
//! alerts), and applying a full poll of 10,000 incidents to the model. See BENCHMARKS.md for figures.
// A bench stops at the first thing that goes wrong: it measures, it does not recover.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use oncall::console::model::{FeedStatus, Model};
use oncall::console::msg::Msg;
use oncall::console::{update, view};
use oncall::feed::FeedEvent;
use oncall::incident::{Incident, Severity, Status};
use oncall::runbook::Library;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn incidents(n: u64) -> Vec<Incident> {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
    let alerts = [
        "HostNetworkReceiveErrors",
        "NodeFilesystemSpaceFillingUp",
        "HostOomKillDetected",
        "PostgresqlTooManyConnections",
    ];
    (1..=n)
        .map(|id| {
            let title = format!(
                "Incident number {id} on host-{} with a realistic length of title",
                id % 300
            );
            Incident::builder(id, &title, t0)
                .service(["api", "postgres", "web", "edge-lb"][(id % 4) as usize])
                .severity(Severity::ALL[(id % 4) as usize])
                .status(if id % 3 == 0 {
                    Status::Acknowledged
                } else {
                    Status::Triggered
                })
                .label("alertname", alerts[(id % 4) as usize])
                .label("instance", &format!("host-{}:9100", id % 300))
                .description("Something realistic happened here.")
                .source("bench")
                .created_at(t0 - chrono::Duration::seconds(id as i64 * 7))
                .owner((id % 3 == 0).then_some("sam"))
                .occurrences(id % 5 + 1)
                .build()
        })
        .collect()
}

fn model(width: u16, height: u16, list: Vec<Incident>) -> Model {
    let feed = FeedStatus::new("hub", Duration::from_secs(2));
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap();
    let mut m = Model::new(
        "alex".into(),
        feed,
        Arc::new(Library::shipped()),
        now,
        std::env::temp_dir(),
        chrono::FixedOffset::east_opt(0).unwrap(),
    );
    update(&mut m, Msg::Resize(width, height));
    update(
        &mut m,
        Msg::Feed(FeedEvent::Polled {
            incidents: list,
            full: true,
            resume: None,
        }),
    );
    m
}

fn bench_draw(c: &mut Criterion) {
    let list = incidents(10_000);
    for (w, h) in [(120u16, 40u16), (200, 60)] {
        let m = model(w, h, list.clone());
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        c.bench_function(&format!("draw main screen {w}x{h}, 10k incidents"), |b| {
            b.iter(|| {
                terminal.draw(|f| view(black_box(&m), f)).expect("draw");
            })
        });
    }
}

/// The same 10,000 incidents as 200 alerts, fifty pages each: a storm.
fn storm(n: u64) -> Vec<Incident> {
    let mut list = incidents(n);
    for inc in &mut list {
        inc.labels
            .insert("alertname", format!("StormAlert{}", inc.id % 200));
    }
    list
}

/// The list grouped by alert (`=`): 200 group rows, one of them open.
fn grouped(width: u16, height: u16, list: Vec<Incident>) -> Model {
    let mut m = model(width, height, list);
    let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    update(&mut m, key('='));
    update(&mut m, key('j'));
    update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert_eq!(m.list.groups.len(), 200, "200 groups");
    m
}

fn bench_draw_grouped(c: &mut Criterion) {
    let list = storm(10_000);
    for (w, h) in [(120u16, 40u16), (200, 60)] {
        let m = grouped(w, h, list.clone());
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        c.bench_function(
            &format!("draw main screen {w}x{h}, 10k incidents in 200 groups"),
            |b| {
                b.iter(|| {
                    terminal.draw(|f| view(black_box(&m), f)).expect("draw");
                })
            },
        );
    }
}

/// What the grouping costs where it is done: when the list is rebuilt, here
/// for the same 100 changes merged into the 10,000 with the list grouped.
fn bench_apply_changes_grouped(c: &mut Criterion) {
    let list = storm(10_000);
    let body = hundred_changes(&list);
    c.bench_function(
        "parse, clean and merge 100 changes into 10k incidents, grouped in 200",
        |b| {
            b.iter_batched(
                || grouped(200, 60, list.clone()),
                |mut m| {
                    take_poll(&mut m, black_box(&body), false);
                    m
                },
                criterion::BatchSize::LargeInput,
            )
        },
    );
}

fn bench_apply_poll(c: &mut Criterion) {
    let list = incidents(10_000);
    c.bench_function("apply a full poll of 10k incidents", |b| {
        b.iter_batched(
            || (model(200, 60, Vec::new()), list.clone()),
            |(mut m, list)| {
                update(
                    &mut m,
                    Msg::Feed(FeedEvent::Polled {
                        incidents: list,
                        full: true,
                        resume: None,
                    }),
                );
                m
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

/// A full feed of 10,000 incidents as the hub sends it.
fn feed_body() -> Vec<u8> {
    serde_json::to_vec(&oncall::incident::IncidentList {
        cursor: 1,
        incidents: incidents(10_000),
    })
    .expect("serialise")
}

/// A poll's answer as the console takes it: parsed, cleaned (as the feed
/// client does) and applied to the model.
fn take_poll(m: &mut Model, body: &[u8], full: bool) {
    let mut list: oncall::incident::IncidentList =
        oncall::feed::client::parse_json(body).expect("parse");
    list.incidents
        .iter_mut()
        .for_each(oncall::sanitize::incident);
    update(
        m,
        Msg::Feed(FeedEvent::Polled {
            incidents: list.incidents,
            full,
            resume: None,
        }),
    );
}

/// What a changed feed costs the console: the JSON as the hub sends it,
/// parsed, cleaned (as the feed client does) and applied to the model.
fn bench_parse_and_apply(c: &mut Criterion) {
    let body = feed_body();
    c.bench_function(
        &format!(
            "parse, clean and apply a changed feed of 10k incidents ({} KiB)",
            body.len() / 1024
        ),
        |b| {
            b.iter_batched(
                || model(200, 60, Vec::new()),
                |mut m| {
                    take_poll(&mut m, black_box(&body), true);
                    m
                },
                criterion::BatchSize::LargeInput,
            )
        },
    );
}

/// The normal path of a changed feed: the console asks only for what
/// changed since its cursor. Here 100 of the 10,000 incidents it holds
/// changed (acknowledged, escalated, repeated); parsed, cleaned and merged.
fn bench_apply_changes(c: &mut Criterion) {
    let list = incidents(10_000);
    let body = hundred_changes(&list);
    c.bench_function(
        "parse, clean and merge 100 changes into 10k incidents (since-cursor poll)",
        |b| {
            b.iter_batched(
                || model(200, 60, list.clone()),
                |mut m| {
                    take_poll(&mut m, black_box(&body), false);
                    m
                },
                criterion::BatchSize::LargeInput,
            )
        },
    );
}

/// The feed's answer when every hundredth of `list` changed: acknowledged,
/// escalated, repeated.
fn hundred_changes(list: &[Incident]) -> Vec<u8> {
    let changed: Vec<Incident> = list
        .iter()
        .step_by(100)
        .map(|inc| Incident {
            status: Status::Acknowledged,
            owner: Some("alex".to_string()),
            escalation_level: 2,
            occurrences: inc.occurrences + 1,
            version: inc.version + 1,
            ..inc.clone()
        })
        .collect();
    serde_json::to_vec(&oncall::incident::IncidentList {
        cursor: 2,
        incidents: changed,
    })
    .expect("serialise")
}

/// The parse alone, to tell its share from the rest.
fn bench_parse(c: &mut Criterion) {
    let body = feed_body();
    c.bench_function("parse only, 10k incidents", |b| {
        b.iter_batched(
            || (),
            |()| {
                oncall::feed::client::parse_json::<oncall::incident::IncidentList>(black_box(&body))
                    .expect("parse")
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group!(
    benches,
    bench_draw,
    bench_draw_grouped,
    bench_apply_poll,
    bench_parse,
    bench_parse_and_apply,
    bench_apply_changes,
    bench_apply_changes_grouped
);
criterion_main!(benches);
