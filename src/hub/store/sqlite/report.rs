//! The noise report on SQLite: the shared SQL (`store::report`) run in one
//! read transaction, so the three queries see one snapshot.
use rusqlite::{Connection, Row, params};

use crate::hub::store::StoreError;
use crate::hub::store::report::{
    Dialect, FigureRow, Grouping, ReportWindow, assemble, figures_sql, responders_sql,
};
use crate::report::NoiseReport;

pub fn report(conn: &Connection, window: &ReportWindow) -> Result<NoiseReport, StoreError> {
    let since_text = window.since_text();
    let (since, until) = (
        crate::report::seconds(window.since),
        crate::report::seconds(window.until),
    );
    let (nights, people) = (window.nights_json(), window.people_json());
    let recorded = i64::from(window.recorded_only);
    let args = params![since_text, since, until, nights, people, recorded];
    let figures = |grouping| -> Result<Vec<FigureRow>, StoreError> {
        let mut stmt = conn.prepare_cached(&figures_sql(Dialect::Sqlite, grouping))?;
        let rows = stmt.query_map(args, figure_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let alerts = figures(Grouping::Alert)?;
    let services = figures(Grouping::Service)?;
    let mut stmt = conn.prepare_cached(&responders_sql(Dialect::Sqlite))?;
    let responders = stmt
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(assemble(window, alerts, services, responders))
}

fn figure_row(r: &Row<'_>) -> rusqlite::Result<FigureRow> {
    Ok(FigureRow {
        key: r.get(0)?,
        service: r.get(1)?,
        alertname: r.get::<_, i64>(2)? != 0,
        counts: [
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
        ],
        percentiles: [r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?],
    })
}
