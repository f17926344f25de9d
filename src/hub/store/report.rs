//! The noise report's SQL, written once for both stores: the figures are
//! aggregated in the database, over the incidents opened in the window
//! (found through `incidents_created`) and what their timelines and
//! deliveries say (through the per-incident indexes of migration 7 on
//! SQLite, 2 on PostgreSQL), so the hub never loads the incidents
//! themselves. The dialects differ only in a few expressions: parameters,
//! reading a time as seconds, the `alertname` label, the lists passed as
//! JSON, and the percentiles, which PostgreSQL computes with
//! `percentile_cont` and SQLite from the durations ranked by a window
//! function (the same interpolation, so both stores give the same figures).
//!
//! Parameters, in order: the window's start as text to the second (what the
//! index on `created_at` compares), its start and end as seconds since the
//! epoch (what is compared exactly), the nights as a JSON list of `[start,
//! end)` seconds, the people as a JSON list of names (a resolution by anyone
//! else is the source's), and whether pages are read from the timelines
//! (a hub where nobody has contacts) instead of the deliveries.
use chrono::{DateTime, Utc};

use crate::report::{self, AlertFigures, Figures, NoiseReport, ResponderFigures, ServiceFigures};

/// What the report is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportWindow {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The hub's time zone, by name, for the report's heading.
    pub timezone: String,
    /// The nights of the window in the hub's time zone (`report::nights`).
    pub nights: Vec<[f64; 2]>,
    /// The hub's people: a resolution by anyone else was its source's.
    pub people: Vec<String>,
    /// Nobody has contacts: count the pages the timelines record.
    pub recorded_only: bool,
}

impl ReportWindow {
    /// The window's start, to the second, as stored times begin: every
    /// time in that second or later sorts at or after it as text.
    pub fn since_text(&self) -> String {
        self.since.format("%Y-%m-%dT%H:%M:%S").to_string()
    }

    pub fn nights_json(&self) -> String {
        serde_json::Value::from(
            self.nights
                .iter()
                .map(|n| serde_json::Value::from(n.to_vec()))
                .collect::<Vec<_>>(),
        )
        .to_string()
    }

    pub fn people_json(&self) -> String {
        serde_json::Value::from(self.people.clone()).to_string()
    }

    /// An empty report of this window, for the rows to go in.
    pub fn empty(&self) -> NoiseReport {
        NoiseReport {
            since: self.since,
            until: self.until,
            timezone: self.timezone.clone(),
            ..NoiseReport::default()
        }
    }
}

/// Labels as the hub writes them, a JSON object of strings, as a
/// PostgreSQL regular expression: what it matches, PostgreSQL reads as
/// JSON. It is stricter than JSON (no nested values, no numbers, no `\u`
/// escape beyond ASCII nor of NUL, which PostgreSQL refuses), and the
/// labels it refuses the report reads as having no `alertname`. It holds
/// no single quote, so it goes into the SQL as it is.
fn labels_as_written() -> String {
    let ws = r"[ \t\n\r]*";
    let string = r#""(?:[^"\\\x01-\x1f]|\\["\\/bfnrt]|\\u00(?:0[1-9a-fA-F]|[1-7][0-9a-fA-F]))*""#;
    let pair = format!("{string}{ws}:{ws}{string}{ws}");
    format!(r"^{ws}\{{{ws}(?:{pair}(?:,{ws}{pair})*)?\}}{ws}$")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// What the rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Alert,
    Service,
}

/// One row of a figures query, as both stores read it: the group's keys
/// (alert or service, the service of an alert, whether the alert is its
/// `alertname`), then the counts (incidents, occurrences, pages, night
/// pages, self-resolved, flapping, squashed), then the percentiles in
/// seconds.
pub struct FigureRow {
    pub key: String,
    pub service: String,
    pub alertname: bool,
    pub counts: [i64; 7],
    pub percentiles: [Option<f64>; 4],
}

/// Puts the rows of the two figures queries and the responders query into
/// `window`'s report, in noise order with its advice.
pub fn assemble(
    window: &ReportWindow,
    alerts: Vec<FigureRow>,
    services: Vec<FigureRow>,
    responders: Vec<(String, i64, i64)>,
) -> NoiseReport {
    let mut out = window.empty();
    out.alerts = alerts
        .into_iter()
        .map(|r| AlertFigures {
            figures: figures(&r),
            alert: r.key,
            service: r.service,
            alertname: r.alertname,
        })
        .collect();
    out.services = services
        .into_iter()
        .map(|r| ServiceFigures {
            figures: figures(&r),
            service: r.key,
        })
        .collect();
    out.responders = responders
        .into_iter()
        .map(|(responder, pages, night)| ResponderFigures {
            responder,
            pages: count(pages),
            night_pages: count(night),
        })
        .collect();
    report::finish(&mut out);
    out
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn figures(r: &FigureRow) -> Figures {
    let [
        incidents,
        occurrences,
        pages,
        night_pages,
        self_resolved,
        flapping,
        squashed,
    ] = r.counts.map(count);
    let [ack_m, ack_p, res_m, res_p] = r.percentiles.map(report::whole_seconds);
    Figures {
        incidents,
        occurrences,
        pages,
        night_pages,
        self_resolved,
        flapping,
        squashed,
        ack_median_secs: ack_m,
        ack_p90_secs: ack_p,
        resolve_median_secs: res_m,
        resolve_p90_secs: res_p,
    }
}

impl Dialect {
    fn p(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => {
                let cast = [
                    "text",
                    "float8",
                    "float8",
                    "text::jsonb",
                    "text::jsonb",
                    "bool",
                ];
                format!("${n}::{}", cast.get(n - 1).copied().unwrap_or("text"))
            }
        }
    }

    /// A stored time (RFC 3339 text) as seconds since the epoch.
    fn epoch(self, col: &str) -> String {
        match self {
            Dialect::Sqlite => format!("unixepoch({col}, 'subsec')"),
            Dialect::Postgres => format!("EXTRACT(EPOCH FROM ({col})::timestamptz)::float8"),
        }
    }

    /// The incident's `alertname` label, NULL when it has none. Labels
    /// the hub did not write (edited by hand, damaged: not JSON, or not an
    /// object of strings, which the hub cannot read back either) must not
    /// fail the report: their incident is filed under its title, the same
    /// on both stores. SQLite checks the JSON first; PostgreSQL has no such
    /// check before version 16 and its cast would fail the whole query, so
    /// there the text is first matched against [`labels_as_written`].
    fn alertname(self) -> String {
        match self {
            // Nested, as a CASE is the one place SQL promises not to
            // evaluate what a false condition guards.
            Dialect::Sqlite => "CASE WHEN json_valid(i.labels) THEN \
                 CASE WHEN json_type(i.labels) = 'object' \
                      AND json_type(i.labels, '$.alertname') = 'text' \
                      AND NOT EXISTS (SELECT 1 FROM json_each(i.labels) l \
                                       WHERE l.type <> 'text') \
                 THEN json_extract(i.labels, '$.alertname') END END"
                .to_string(),
            Dialect::Postgres => format!(
                "CASE WHEN i.labels ~ '{}' THEN \
                 CASE WHEN jsonb_typeof(i.labels::jsonb -> 'alertname') = 'string' \
                 THEN i.labels::jsonb ->> 'alertname' END END",
                labels_as_written()
            ),
        }
    }

    /// Whether seconds `t` fall in one of the nights.
    fn at_night(self, t: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "EXISTS (SELECT 1 FROM json_each(?4) n WHERE {t} >= json_extract(n.value, '$[0]') \
                 AND {t} < json_extract(n.value, '$[1]'))"
            ),
            Dialect::Postgres => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements($4::text::jsonb) n \
                 WHERE {t} >= (n ->> 0)::float8 AND {t} < (n ->> 1)::float8)"
            ),
        }
    }

    /// Where `needle` starts in `text`, from 1; 0 when it is not there.
    fn pos(self, text: &str, needle: &str) -> String {
        match self {
            Dialect::Sqlite => format!("instr({text}, {needle})"),
            Dialect::Postgres => format!("strpos({text}, {needle})"),
        }
    }

    /// Whom a timeline entry `t` says the hub paged: the owner an opening
    /// names ("opened via api, owned by alice (1st line)") or the one an
    /// escalation reached ("escalated from 1st line to 2nd line (bob)");
    /// NULL when it names nobody.
    fn recorded_who(self) -> String {
        let opened = format!(
            "substr(t.text, {} + 11)",
            self.pos("t.text", "', owned by '")
        );
        let escalated = format!("substr(t.text, {} + 2)", self.pos("t.text", "' ('"));
        format!(
            "CASE WHEN t.kind = 'opened' AND {owned} > 0 AND {o_end} > 0
                  THEN substr({opened}, 1, {o_end} - 1)
                  WHEN t.kind = 'escalated' AND {paren} > 0 AND {e_end} > 0
                  THEN substr({escalated}, 1, {e_end} - 1) END",
            owned = self.pos("t.text", "', owned by '"),
            o_end = self.pos(&opened, "' ('"),
            paren = self.pos("t.text", "' ('"),
            e_end = self.pos(&escalated, "')'"),
        )
    }

    fn people(self) -> &'static str {
        match self {
            Dialect::Sqlite => "(SELECT value FROM json_each(?5))",
            Dialect::Postgres => "(SELECT jsonb_array_elements_text($5::text::jsonb))",
        }
    }

    fn recorded_only(self) -> &'static str {
        match self {
            Dialect::Sqlite => "(?6 = 1)",
            Dialect::Postgres => "$6::bool",
        }
    }

    /// The `pct` table: each group's median and 90th percentile times to
    /// acknowledge and to resolve, in seconds.
    fn percentiles(self) -> String {
        match self {
            Dialect::Postgres => "pct AS (
                SELECT k1, k2, k3,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY ack) AS ack_median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY ack) AS ack_p90,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY res) AS res_median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY res) AS res_p90
                  FROM inc GROUP BY k1, k2, k3)"
                .to_string(),
            Dialect::Sqlite => {
                // Rank each group's durations (0-based `i` of `n`); the
                // percentile p lies at p * (n - 1): the duration there,
                // interpolated towards the next by the fraction.
                let at = |what: &str, p: &str| {
                    let pos = format!("({p} * (n - 1))");
                    let whole = format!("CAST({pos} AS INTEGER)");
                    format!(
                        "SUM(CASE WHEN what <> '{what}' THEN NULL \
                         WHEN i = {whole} THEN d * (1 - ({pos} - {whole})) \
                         WHEN i = {whole} + 1 THEN d * ({pos} - {whole}) ELSE 0 END)"
                    )
                };
                format!(
                    "ranked AS (
                        SELECT k1, k2, k3, 'ack' AS what, ack AS d,
                               ROW_NUMBER() OVER (PARTITION BY k1, k2, k3 ORDER BY ack) - 1 AS i,
                               COUNT(*) OVER (PARTITION BY k1, k2, k3) AS n
                          FROM inc WHERE ack IS NOT NULL
                        UNION ALL
                        SELECT k1, k2, k3, 'res', res,
                               ROW_NUMBER() OVER (PARTITION BY k1, k2, k3 ORDER BY res) - 1,
                               COUNT(*) OVER (PARTITION BY k1, k2, k3)
                          FROM inc WHERE res IS NOT NULL),
                    pct AS (
                        SELECT k1, k2, k3, {} AS ack_median, {} AS ack_p90,
                               {} AS res_median, {} AS res_p90
                          FROM ranked GROUP BY k1, k2, k3)",
                    at("ack", "0.5"),
                    at("ack", "0.9"),
                    at("res", "0.5"),
                    at("res", "0.9"),
                )
            }
        }
    }

    /// The tables every query starts from: `inc`, the incidents opened in
    /// the window with their keys, durations and flags, and `page_rows`,
    /// one row per page with whom it reached and whether at night.
    fn common(self, grouping: Grouping) -> String {
        let keys = match grouping {
            Grouping::Alert => {
                "COALESCE(alertname, title) AS k1, service AS k2, \
                 CASE WHEN alertname IS NULL THEN 0 ELSE 1 END AS k3"
            }
            Grouping::Service => "service AS k1, '' AS k2, 0 AS k3",
        };
        let (p1, p2, p3) = (self.p(1), self.p(2), self.p(3));
        let created = self.epoch("i.created_at");
        let at = self.epoch("t.at");
        let due = self.epoch("d.due_at");
        let alertname = self.alertname();
        let people = self.people();
        let recorded = self.recorded_only();
        let night = self.at_night("paged.at");
        let recorded_who = self.recorded_who();
        format!(
            "WITH opened AS (
                SELECT i.id, i.owner, i.status, i.occurrences, i.service, i.title,
                       {alertname} AS alertname,
                       {created} AS opened_at,
                       (SELECT MIN({at}) FROM timeline t
                         WHERE t.incident_id = i.id AND t.kind = 'acknowledged') AS acked_at,
                       (SELECT MAX({at}) FROM timeline t
                         WHERE t.incident_id = i.id AND t.kind = 'resolved') AS resolved_at,
                       (SELECT t.who FROM timeline t
                         WHERE t.incident_id = i.id AND t.kind = 'resolved'
                         ORDER BY t.id DESC LIMIT 1) AS resolved_by,
                       CASE WHEN i.squashed_by IS NOT NULL OR EXISTS
                                 (SELECT 1 FROM timeline t WHERE t.incident_id = i.id
                                     AND t.kind IN ('squashed', 'unsquashed'))
                            THEN 1 ELSE 0 END AS squashed,
                       (SELECT MAX({at}) FROM timeline t
                         WHERE t.kind = 'resolved' AND t.incident_id =
                               (SELECT MAX(p.id) FROM incidents p
                                 WHERE p.dedup_key = i.dedup_key AND p.id < i.id))
                           AS previous_resolved_at
                  FROM incidents i
                 WHERE i.created_at >= {p1} AND {created} >= {p2} AND {created} <= {p3}),
            inc AS (
                SELECT id, owner, occurrences, squashed, {keys},
                       acked_at - opened_at AS ack,
                       resolved_at - opened_at AS res,
                       CASE WHEN status = 'resolved' AND acked_at IS NULL
                                 AND resolved_at - opened_at <= 300
                                 AND resolved_by NOT IN {people}
                            THEN 1 ELSE 0 END AS self_resolved,
                       CASE WHEN opened_at - previous_resolved_at BETWEEN 0 AND 3600
                            THEN 1 ELSE 0 END AS flapping
                  FROM opened),
            paged AS (
                SELECT d.incident_id AS id, d.recipient AS who, MIN({due}) AS at
                  FROM deliveries d
                 WHERE NOT {recorded} AND d.recipient_kind = 'person' AND d.state = 'delivered'
                   AND d.event IN ('opened', 'escalated', 'repeat', 'ack_timeout', 'help',
                                   'assigned', 'unacknowledged', 'snooze_over')
                   AND d.incident_id IN (SELECT id FROM inc)
                 GROUP BY d.incident_id, d.round, d.recipient
                UNION ALL
                SELECT t.incident_id, {recorded_who}, {at}
                  FROM timeline t JOIN inc ON inc.id = t.incident_id
                 WHERE {recorded} AND t.kind IN ('opened', 'escalated')),
            page_rows AS (
                SELECT paged.id, paged.who, CASE WHEN {night} THEN 1 ELSE 0 END AS night
                  FROM paged WHERE paged.who IS NOT NULL AND paged.who <> '')"
        )
    }
}

/// The figures per alert or per service: one [`FigureRow`] each.
pub fn figures_sql(dialect: Dialect, grouping: Grouping) -> String {
    format!(
        "{common},
        counted AS (
            SELECT k1, k2, k3, COUNT(*) AS incidents, SUM(occurrences) AS occurrences,
                   SUM(self_resolved) AS self_resolved, SUM(flapping) AS flapping,
                   SUM(squashed) AS squashed
              FROM inc GROUP BY k1, k2, k3),
        paging AS (
            SELECT inc.k1, inc.k2, inc.k3, COUNT(*) AS pages, SUM(page_rows.night) AS night
              FROM page_rows JOIN inc ON inc.id = page_rows.id
             GROUP BY inc.k1, inc.k2, inc.k3),
        {pct}
        SELECT c.k1, c.k2, CAST(c.k3 AS BIGINT),
               CAST(c.incidents AS BIGINT), CAST(c.occurrences AS BIGINT),
               CAST(COALESCE(g.pages, 0) AS BIGINT), CAST(COALESCE(g.night, 0) AS BIGINT),
               CAST(c.self_resolved AS BIGINT), CAST(c.flapping AS BIGINT),
               CAST(c.squashed AS BIGINT),
               q.ack_median, q.ack_p90, q.res_median, q.res_p90
          FROM counted c
          LEFT JOIN paging g ON g.k1 = c.k1 AND g.k2 = c.k2 AND g.k3 = c.k3
          LEFT JOIN pct q ON q.k1 = c.k1 AND q.k2 = c.k2 AND q.k3 = c.k3",
        common = dialect.common(grouping),
        pct = dialect.percentiles(),
    )
}

/// The pages per responder: name, pages, night pages.
pub fn responders_sql(dialect: Dialect) -> String {
    format!(
        "{common}
        SELECT who, CAST(COUNT(*) AS BIGINT), CAST(SUM(night) AS BIGINT)
          FROM page_rows GROUP BY who",
        common = dialect.common(Grouping::Service),
    )
}

/// The indexes the report reads through, the same on both stores: a step
/// of both MIGRATIONS lists, so never edited once released (a change is a
/// step of its own).
pub const INDEXES: &str = "
    CREATE INDEX incidents_created ON incidents (created_at);
    CREATE INDEX incidents_dedup_key ON incidents (dedup_key, id);
    CREATE INDEX timeline_incident_kind ON timeline (incident_id, kind, at);
    CREATE INDEX deliveries_incident_pages ON deliveries (incident_id, round, recipient)
        WHERE recipient_kind = 'person' AND state = 'delivered';
";
