//! A hub's rows written into an empty PostgreSQL database, and read back out
//! of one, for `oncall migrate`. The tables mirror SQLite's, so the rows go
//! in as they are, ids, change numbers, delivery states and leases and all.
//!
//! The whole copy is one transaction, under the writes lock every hub's
//! changes take: a failure anywhere leaves the database as it was (empty),
//! and no hub can write between the check that it is empty and the commit.
//! A database that holds anything, or that a hub is serving, is refused: a
//! hub keeps the database's id in memory, and the copy brings the SQLite
//! hub's id with it.
use futures::future::try_join_all;
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, Row, Transaction};

use crate::hub::store::StoreError;
use crate::hub::store::copy::{HubRows, Kind, NUMBERED, TABLES, Table, Value};

use super::{PgTarget, WRITES_LOCK, changes, schema};

/// Rows sent at once (pipelined on the one connection).
const BATCH: usize = 256;

/// Migrates the database `target` names to this build's schema (as a hub
/// starting on it would), then copies `rows` into it, if it is empty and no
/// hub serves it.
pub async fn import(target: &PgTarget, rows: &HubRows) -> Result<(), StoreError> {
    let named = |e| target.named(e);
    let mut client = target.connect_as("oncall migrate").await.map_err(named)?;
    schema::migrate(&mut client).await.map_err(named)?;
    let tx = client.transaction().await.map_err(|e| named(e.into()))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITES_LOCK])
        .await
        .map_err(|e| named(e.into()))?;
    refuse_unless_empty(&tx, target).await?;
    for (table, table_rows) in TABLES.iter().zip(&rows.tables) {
        insert(&tx, table, table_rows).await.map_err(named)?;
    }
    let written = write_hub(&tx, rows).await;
    written.map_err(named)?;
    tx.commit().await.map_err(|e| named(e.into()))?;
    Ok(())
}

/// The change number and the hub id; the identity columns' next values
/// past the copied ids; a notification of the change number.
async fn write_hub(tx: &Transaction<'_>, rows: &HubRows) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE hub SET change_seq = $1, hub_id = $2 WHERE id = 1",
        &[&rows.change_seq, &rows.hub_id],
    )
    .await?;
    for (table, column) in NUMBERED {
        // Sequences are not transactional: this one is done last, and a
        // number skipped because of a later failure costs nothing.
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                     COALESCE((SELECT max({column}) FROM {table}), 1), \
                     (SELECT max({column}) FROM {table}) IS NOT NULL)"
            ),
            &[],
        )
        .await?;
    }
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&changes::CHANNEL, &rows.change_seq.to_string()],
    )
    .await?;
    Ok(())
}

async fn refuse_unless_empty(tx: &Transaction<'_>, target: &PgTarget) -> Result<(), StoreError> {
    let row = tx
        .query_one(
            "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM handoffs), \
                    (SELECT count(*) FROM idempotency), (SELECT count(*) FROM deliveries), \
                    (SELECT count(*) FROM pg_stat_activity \
                      WHERE datname = current_database() AND pid <> pg_backend_pid() \
                        AND application_name = 'oncall hub')",
            &[],
        )
        .await
        .map_err(|e| target.named(e.into()))?;
    let count = |i: usize| row.try_get::<_, i64>(i).unwrap_or(0);
    let kinds = [
        (0, "incident"),
        (1, "hand-off"),
        (2, "idempotency record"),
        (3, "delivery"),
    ];
    let held: Vec<String> = kinds
        .into_iter()
        .filter(|(i, _)| count(*i) > 0)
        .map(|(i, what)| match (count(i), what) {
            (1, what) => format!("1 {what}"),
            (n, "delivery") => format!("{n} deliveries"),
            (n, what) => format!("{n} {what}s"),
        })
        .collect();
    if !held.is_empty() {
        return Err(StoreError::Refused(format!(
            "{target} is not empty: it holds {}. oncall migrate copies into an empty database only: \
             create a new one (createdb) and name it with --to",
            held.join(", ")
        )));
    }
    if count(4) > 0 {
        return Err(StoreError::Refused(format!(
            "{target} is being served by {} hub connection(s): stop the hubs on it, migrate, then start them",
            count(4)
        )));
    }
    Ok(())
}

async fn insert(
    tx: &Transaction<'_>,
    table: &Table,
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let stmt = tx
        .prepare(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            names.join(", "),
            marks.join(", ")
        ))
        .await?;
    for (batch_no, batch) in rows.chunks(BATCH).enumerate() {
        let params = batch
            .iter()
            .enumerate()
            .map(|(i, row)| {
                params_of(table, row).map_err(|why| {
                    StoreError::Corrupt(format!(
                        "{} row {}: {why}",
                        table.name,
                        batch_no * BATCH + i + 1
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        try_join_all(params.iter().map(|p| {
            let refs: Vec<&(dyn ToSql + Sync)> = p
                .iter()
                .map(|v| v.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let stmt = &stmt;
            async move { tx.execute(stmt, &refs).await }
        }))
        .await?;
    }
    Ok(())
}

type Param = Box<dyn ToSql + Sync + Send>;

/// `row`'s values as PostgreSQL takes them for `table`'s columns.
fn params_of(table: &Table, row: &[Value]) -> Result<Vec<Param>, String> {
    if row.len() != table.columns.len() {
        return Err(format!(
            "{} values for {} columns",
            row.len(),
            table.columns.len()
        ));
    }
    table
        .columns
        .iter()
        .zip(row)
        .map(|(column, value)| -> Result<Param, String> {
            Ok(match (column.kind, value) {
                (Kind::Int, Value::Int(v)) => Box::new(*v),
                (Kind::Int4, Value::Int(v)) => Box::new(
                    i32::try_from(*v)
                        .map_err(|_| format!("{} {v} is out of range", column.name))?,
                ),
                (Kind::Text, Value::Text(t)) => Box::new(t.clone()),
                (Kind::Bytes, Value::Bytes(b)) => Box::new(b.clone()),
                (Kind::Bool, Value::Bool(b)) => Box::new(*b),
                (Kind::Int, Value::Null) => Box::new(None::<i64>),
                (Kind::Int4, Value::Null) => Box::new(None::<i32>),
                (Kind::Text, Value::Null) => Box::new(None::<String>),
                (Kind::Bytes, Value::Null) => Box::new(None::<Vec<u8>>),
                (Kind::Bool, Value::Null) => Box::new(None::<bool>),
                (kind, value) => {
                    return Err(format!(
                        "{} holds {} where {kind:?} belongs",
                        column.name,
                        value.shown()
                    ));
                }
            })
        })
        .collect()
}

/// Every row of the database `target` names, read in one snapshot: what
/// `oncall migrate` compares with the SQLite file's.
pub async fn export(target: &PgTarget) -> Result<HubRows, StoreError> {
    let named = |e: tokio_postgres::Error| target.named(e.into());
    let mut client = target.connect_as("oncall migrate").await?;
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
        .map_err(named)?;
    let hub = tx
        .query_one("SELECT change_seq, hub_id FROM hub WHERE id = 1", &[])
        .await
        .map_err(named)?;
    let mut rows = HubRows {
        change_seq: hub.try_get(0).map_err(named)?,
        hub_id: hub.try_get(1).map_err(named)?,
        tables: Vec::new(),
    };
    for table in TABLES {
        let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            names.join(", "),
            table.name,
            table.order
        );
        let found = tx.query(&sql, &[]).await.map_err(named)?;
        let values = found
            .iter()
            .map(|row| values_of(table, row))
            .collect::<Result<_, _>>()
            .map_err(named)?;
        rows.tables.push(values);
    }
    tx.commit().await.map_err(named)?;
    Ok(rows)
}

fn values_of(table: &Table, row: &Row) -> Result<Vec<Value>, tokio_postgres::Error> {
    fn or_null<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
        v.map_or(Value::Null, f)
    }
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| -> Result<Value, tokio_postgres::Error> {
            Ok(match column.kind {
                Kind::Int => or_null(row.try_get::<_, Option<i64>>(i)?, Value::Int),
                Kind::Int4 => or_null(row.try_get::<_, Option<i32>>(i)?, |v| {
                    Value::Int(i64::from(v))
                }),
                Kind::Text => or_null(row.try_get::<_, Option<String>>(i)?, Value::Text),
                Kind::Bytes => or_null(row.try_get::<_, Option<Vec<u8>>>(i)?, Value::Bytes),
                Kind::Bool => or_null(row.try_get::<_, Option<bool>>(i)?, Value::Bool),
            })
        })
        .collect()
}
