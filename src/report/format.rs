//! The report as text: a plain table for a terminal (`oncall report`) and
//! Markdown for a ticket or a wiki (`--markdown`). Every name in it came
//! from an alert or a config and is cleaned before it is printed.
use unicode_width::UnicodeWidthStr;

use super::{Figures, NoiseReport};
use crate::sanitize;

const FIGURE_HEADERS: [&str; 9] = [
    "incidents",
    "occurrences",
    "pages",
    "night",
    "self-resolved",
    "flapping",
    "squashed",
    "ack med/p90",
    "resolve med/p90",
];

/// The report as plain columns, one section after another.
pub fn table(report: &NoiseReport) -> String {
    let mut out = heading(report);
    for section in sections(report) {
        out.push('\n');
        out.push_str(section.title);
        out.push('\n');
        if section.rows.is_empty() {
            out.push_str("  none\n");
            continue;
        }
        out.push_str(&columns(&section.headers, &section.rows));
    }
    out.push_str(&format!("\n{}\n", noisiest_title()));
    if report.noisiest.is_empty() {
        out.push_str("  none\n");
    }
    for (i, a) in report.noisiest.iter().enumerate() {
        out.push_str(&format!(
            "{:>2}. {} ({}): {}\n",
            i + 1,
            sanitize::line(&a.alert),
            sanitize::line(&a.service),
            sanitize::line(&a.action)
        ));
    }
    out
}

/// The report in Markdown: a heading, a table per section, and the advice as
/// a numbered list.
pub fn markdown(report: &NoiseReport) -> String {
    let mut out = format!("# {}", heading(report));
    for section in sections(report) {
        out.push_str(&format!("\n## {}\n\n", section.title));
        if section.rows.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let headers: Vec<String> = section.headers.iter().map(|h| h.to_string()).collect();
        out.push_str(&line(&headers));
        out.push_str(&line(&vec!["---".to_string(); headers.len()]));
        for row in &section.rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&line(&cells));
        }
    }
    out.push_str(&format!("\n## {}\n\n", noisiest_title()));
    if report.noisiest.is_empty() {
        out.push_str("None.\n");
    }
    for (i, a) in report.noisiest.iter().enumerate() {
        out.push_str(&format!(
            "{}. **{}** ({}): {}\n",
            i + 1,
            cell(&a.alert),
            cell(&a.service),
            cell(&a.action)
        ));
    }
    out
}

fn heading(report: &NoiseReport) -> String {
    format!(
        "Noise report, {} to {} (night is 22:00-07:00 {})\n",
        report.since.format("%Y-%m-%d %H:%M UTC"),
        report.until.format("%Y-%m-%d %H:%M UTC"),
        sanitize::line(&report.timezone)
    )
}

fn noisiest_title() -> String {
    format!(
        "The {} noisiest alerts, and what would silence each",
        super::TOP
    )
}

/// One table of the report, its cells already cleaned.
pub struct Section {
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// The report's tables: alerts, services, responders.
pub fn sections(report: &NoiseReport) -> Vec<Section> {
    let alerts = Section {
        title: "Alerts, noisiest first",
        headers: [&["alert", "service"][..], &FIGURE_HEADERS[..]].concat(),
        rows: report
            .alerts
            .iter()
            .map(|a| {
                let mut row = vec![sanitize::line(&a.alert), sanitize::line(&a.service)];
                row.extend(figures(&a.figures));
                row
            })
            .collect(),
    };
    let services = Section {
        title: "Services, noisiest first",
        headers: [&["service"][..], &FIGURE_HEADERS[..]].concat(),
        rows: report
            .services
            .iter()
            .map(|s| {
                let mut row = vec![sanitize::line(&s.service)];
                row.extend(figures(&s.figures));
                row
            })
            .collect(),
    };
    let responders = Section {
        title: "Pages per responder",
        headers: vec!["responder", "pages", "night"],
        rows: report
            .responders
            .iter()
            .map(|r| {
                vec![
                    sanitize::line(&r.responder),
                    r.pages.to_string(),
                    r.night_pages.to_string(),
                ]
            })
            .collect(),
    };
    vec![alerts, services, responders]
}

fn figures(f: &Figures) -> Vec<String> {
    vec![
        f.incidents.to_string(),
        f.occurrences.to_string(),
        f.pages.to_string(),
        f.night_pages.to_string(),
        f.self_resolved.to_string(),
        f.flapping.to_string(),
        f.squashed.to_string(),
        pair(f.ack_median_secs, f.ack_p90_secs),
        pair(f.resolve_median_secs, f.resolve_p90_secs),
    ]
}

fn pair(median: Option<u64>, p90: Option<u64>) -> String {
    match (median, p90) {
        (None, None) => "-".to_string(),
        (m, p) => format!("{}/{}", span(m), span(p)),
    }
}

/// Seconds as "45s", "12m", "1h05m", "2d03h"; "-" for none.
pub fn span(secs: Option<u64>) -> String {
    let Some(s) = secs else {
        return "-".to_string();
    };
    match s {
        0..60 => format!("{s}s"),
        60..3600 if s % 60 == 0 => format!("{}m", s / 60),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// Rows under their headers, each column as wide as its widest cell.
pub fn columns(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.width()))))
            .collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&mut headers.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// A cell of a Markdown table: cleaned, and its pipes kept from ending it.
fn cell(text: &str) -> String {
    sanitize::line(text).replace('|', "\\|")
}
