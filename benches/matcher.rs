//! Matching 10,000 incidents against 300 runbooks (the shipped ones plus
//! generated team runbooks, each with headings and a `sections` map, so the
//! section of every match is chosen too), as the console would for a busy
//! feed.
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use oncall::runbook::{Library, Origin, Query, Runbook, rank};

const RUNBOOKS: usize = 300;

fn library() -> Library {
    let mut runbooks: Vec<Runbook> = Library::shipped().all().to_vec();
    let mut n = 0;
    while runbooks.len() < RUNBOOKS {
        n += 1;
        runbooks.push(Runbook {
            id: format!("team-{n}"),
            title: format!("Team runbook {n}"),
            services: vec![format!("svc-{n}"), format!("svc-{}", n + 1)],
            keywords: vec![
                format!("widget {n}"),
                format!("queue-{n} stalled"),
                "checkout".to_string(),
            ],
            labels: [("team".to_string(), format!("team-{}", n % 12))]
                .into_iter()
                .collect(),
            alerts: vec![format!("TeamAlert{n}"), format!("TeamLatency{n}")],
            sections: [(format!("TeamAlert{n}"), "Queue stalled".to_string())]
                .into_iter()
                .collect(),
            body: format!(
                "# Team runbook {n}\n\n## Checks\n\n### Queue stalled\n\ntext\n\n\
                 ### Widget {n} latency\n\ntext\n\n## Actions\n\n### Restart the consumers\n"
            ),
            origin: Origin::File(PathBuf::from(format!("team-{n}.md"))),
        });
    }
    Library::from_runbooks(runbooks)
}

struct Incident {
    title: String,
    description: String,
    service: String,
    labels: oncall::incident::Labels,
}

fn incidents() -> Vec<Incident> {
    let alerts = [
        "HostOutOfMemory",
        "NodeFilesystemAlmostOutOfSpace",
        "TeamAlert17",
        "NoSuchAlert",
        "HostNetworkReceiveErrors",
    ];
    (0..10_000)
        .map(|i| Incident {
            title: format!(
                "Queue-{} stalled: checkout latency high on host-{i} with packet loss",
                i % 180
            ),
            description:
                "Consumers stopped; 50,000 messages waiting. See the dashboard for details."
                    .to_string(),
            service: format!("svc-{}", i % 250),
            labels: [
                (
                    "alertname".to_string(),
                    alerts[i % alerts.len()].to_string(),
                ),
                ("instance".to_string(), format!("host-{i}:9100")),
                ("team".to_string(), format!("team-{}", i % 12)),
            ]
            .into_iter()
            .collect(),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let lib = library();
    assert_eq!(lib.len(), RUNBOOKS);
    let incidents = incidents();
    c.bench_function("match 10k incidents against 300 runbooks", |b| {
        b.iter(|| {
            let mut firsts = 0usize;
            for inc in &incidents {
                let q = Query {
                    title: &inc.title,
                    description: &inc.description,
                    service: &inc.service,
                    labels: Some(&inc.labels),
                    ..Query::default()
                };
                firsts += rank(black_box(&lib), &q).len();
            }
            firsts
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
