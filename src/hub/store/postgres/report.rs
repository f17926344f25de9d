//! The noise report on PostgreSQL: the shared SQL (`store::report`) run in
//! one read-only snapshot, so the three queries see the same data.
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::hub::store::StoreError;
use crate::hub::store::report::{
    Dialect, FigureRow, Grouping, ReportWindow, assemble, figures_sql, responders_sql,
};
use crate::report::NoiseReport;

pub async fn report(
    tx: &deadpool_postgres::Transaction<'_>,
    window: &ReportWindow,
) -> Result<NoiseReport, StoreError> {
    let since_text = window.since_text();
    let (since, until) = (
        crate::report::seconds(window.since),
        crate::report::seconds(window.until),
    );
    let (nights, people) = (window.nights_json(), window.people_json());
    let args: [&(dyn ToSql + Sync); 6] = [
        &since_text,
        &since,
        &until,
        &nights,
        &people,
        &window.recorded_only,
    ];
    let mut groups = Vec::new();
    for grouping in [Grouping::Alert, Grouping::Service] {
        let stmt = tx
            .prepare_cached(&figures_sql(Dialect::Postgres, grouping))
            .await?;
        let rows = tx.query(&stmt, &args).await?;
        groups.push(rows.iter().map(figure_row).collect::<Result<Vec<_>, _>>()?);
    }
    let stmt = tx
        .prepare_cached(&responders_sql(Dialect::Postgres))
        .await?;
    let responders = tx
        .query(&stmt, &args)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()?;
    let services = groups.pop().unwrap_or_default();
    let alerts = groups.pop().unwrap_or_default();
    Ok(assemble(window, alerts, services, responders))
}

fn figure_row(r: &Row) -> Result<FigureRow, tokio_postgres::Error> {
    Ok(FigureRow {
        key: r.try_get(0)?,
        service: r.try_get(1)?,
        alertname: r.try_get::<_, i64>(2)? != 0,
        counts: [
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
            r.try_get(8)?,
            r.try_get(9)?,
        ],
        percentiles: [
            r.try_get(10)?,
            r.try_get(11)?,
            r.try_get(12)?,
            r.try_get(13)?,
        ],
    })
}
