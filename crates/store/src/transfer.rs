//! Moving an installation from SQLite to PostgreSQL when it outgrows one machine: every table
//! copied as it is, in one read snapshot of the source and one transaction on the target, so the
//! target holds either all of it or nothing, and the audit chain verifies there as it did here.
//!
//! The target must be a fresh database (migrated, nobody in it). The copy reads the target's
//! own schema (its tables, columns, types and foreign keys) rather than a list kept in code, so
//! a new migration needs no change here; both backends' migrations keep the same tables and
//! columns, and the copy refuses a table the source lacks.
//!
//! The documents travel in the same transaction: SQLite keeps them as files in the data
//! folder, PostgreSQL in `document_blobs` (every node reads them there), so the folder's
//! documents are written into the target's table before the commit.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{Acquire, Row};

use crate::blobs::{BlobError, BlobStore, insert_blob};
use crate::{Backend, Result, Store, StoreError};

fn blob_error(error: BlobError) -> StoreError {
    match error {
        BlobError::Database(error) => StoreError::Database(error),
        other => StoreError::Corrupt(format!("reading the documents to move: {other}")),
    }
}

/// What was copied: each table with its number of rows, in the order they were copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferReport {
    pub tables: Vec<(String, u64)>,
}

/// A column of the target and how its values travel.
struct Column {
    name: String,
    kind: Kind,
}

/// How a column's values are read and bound.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Text,
    Bytes,
}

impl Store {
    /// Copies everything this SQLite store holds into `target`, a freshly migrated PostgreSQL
    /// database with no users, cases or audit events, and the documents of `documents` (the
    /// SQLite installation's folder) into the target's `document_blobs`. Refuses any other
    /// pairing or a target that is in use, and writes nothing then.
    pub async fn copy_everything_into(
        &self,
        target: &Store,
        documents: &BlobStore,
    ) -> Result<TransferReport> {
        if self.backend() != Backend::Sqlite || target.backend() != Backend::Postgres {
            return Err(StoreError::UnsupportedUrl);
        }
        let tables = copy_order(target).await?;
        let mut source = self.reader().acquire().await?;
        // One read transaction: a snapshot of the source even while it is being written.
        let mut snapshot = source.begin().await?;
        let mut tx = target.write.begin().await?;
        for in_use in ["users", "cases", "audit_events"] {
            let count: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
                "select count(*) from {in_use}"
            )))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            if count > 0 {
                return Err(StoreError::TargetInUse(format!(
                    "{in_use} has {count} rows"
                )));
            }
        }
        // The rows the migrations themselves put in (the audit head at zero, ...) make way for
        // the source's; triggers (the append-only audit, the reminder rows kept in step with
        // the tasks) stay off while the rows arrive as they were, and come back on before the
        // commit. The tables belong to the user that migrated them, who may do this.
        for (table, _) in tables.iter().rev() {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "alter table {table} disable trigger user"
            )))
            .execute(&mut *tx)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("delete from {table}")))
                .execute(&mut *tx)
                .await?;
        }
        let mut report = TransferReport { tables: Vec::new() };
        for (table, columns) in &tables {
            let names: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
            let list = names.join(", ");
            let placeholders: Vec<String> = (1..=names.len()).map(|n| format!("${n}")).collect();
            let insert = format!(
                "insert into {table} ({list}) values ({})",
                placeholders.join(", ")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!("select {list} from {table}")))
                .fetch_all(&mut *snapshot)
                .await?;
            for row in &rows {
                let mut statement = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
                for (index, column) in columns.iter().enumerate() {
                    statement = match column.kind {
                        Kind::Integer => statement.bind(row.try_get::<Option<i64>, _>(index)?),
                        Kind::Text => statement.bind(row.try_get::<Option<String>, _>(index)?),
                        Kind::Bytes => statement.bind(row.try_get::<Option<Vec<u8>>, _>(index)?),
                    };
                }
                statement.execute(&mut *tx).await?;
            }
            report.tables.push((table.clone(), rows.len() as u64));
        }
        // The documents, one at a time (each at most an upload's size), each checked against
        // its name: a damaged file would otherwise travel under a digest it does not have.
        let mut moved = 0_u64;
        for digest in documents.digests().await.map_err(blob_error)? {
            let Some(bytes) = documents.get(&digest).await.map_err(blob_error)? else {
                continue;
            };
            if BlobStore::digest(&bytes) != digest {
                return Err(StoreError::Corrupt(format!(
                    "the document {digest} does not match its name"
                )));
            }
            insert_blob(&mut *tx, &digest, &bytes).await?;
            moved += 1;
        }
        match report
            .tables
            .iter_mut()
            .find(|(table, _)| table == "document_blobs")
        {
            Some((_, rows)) => *rows += moved,
            None => report.tables.push(("document_blobs".to_owned(), moved)),
        }
        for (table, _) in &tables {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "alter table {table} enable trigger user"
            )))
            .execute(&mut *tx)
            .await?;
        }
        // Sequences continue after the copied rows (the audit trail's `seq`).
        let serials = sqlx::query(
            "select table_name::text, column_name::text from information_schema.columns \
             where table_schema = current_schema() and column_default like 'nextval(%'",
        )
        .fetch_all(&mut *tx)
        .await?;
        for serial in &serials {
            let (table, column): (String, String) = (serial.try_get(0)?, serial.try_get(1)?);
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "select setval(pg_get_serial_sequence('{table}', '{column}'), \
                 coalesce((select max({column}) from {table}), 0) + 1, false)"
            )))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        snapshot.commit().await?;
        Ok(report)
    }
}

/// The target's tables with their columns, parents before the tables that refer to them (so
/// foreign keys hold at every insert). The migrations' own bookkeeping is not copied: the
/// target ran the same migrations.
async fn copy_order(target: &Store) -> Result<Vec<(String, Vec<Column>)>> {
    let rows = sqlx::query(
        "select c.table_name::text, c.column_name::text, c.data_type::text \
         from information_schema.columns c \
         join information_schema.tables t \
           on t.table_schema = c.table_schema and t.table_name = c.table_name \
         where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' \
           and c.table_name <> '_sqlx_migrations' \
         order by c.table_name, c.ordinal_position",
    )
    .fetch_all(target.reader())
    .await?;
    let mut columns: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for row in &rows {
        let (table, name, kind): (String, String, String) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let kind = match kind.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Integer,
            "text" => Kind::Text,
            "bytea" => Kind::Bytes,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "{table}.{name} is {kind}: the copy knows text, integers and bytes only"
                )));
            }
        };
        columns
            .entry(table)
            .or_default()
            .push(Column { name, kind });
    }
    let references = sqlx::query(
        "select tc.table_name::text, ccu.table_name::text \
         from information_schema.table_constraints tc \
         join information_schema.constraint_column_usage ccu \
           on ccu.constraint_name = tc.constraint_name \
          and ccu.constraint_schema = tc.constraint_schema \
         where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()",
    )
    .fetch_all(target.reader())
    .await?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in &references {
        let (child, parent): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        if child != parent {
            parents.entry(child).or_default().insert(parent);
        }
    }
    let mut ordered: Vec<(String, Vec<Column>)> = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    while !columns.is_empty() {
        let ready: Vec<String> = columns
            .keys()
            .filter(|table| {
                parents
                    .get(*table)
                    .is_none_or(|needed| needed.iter().all(|parent| placed.contains(parent)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Corrupt(format!(
                "the tables refer to each other in a circle: {:?}",
                columns.keys().collect::<Vec<_>>()
            )));
        }
        for table in ready {
            let table_columns = columns.remove(&table).unwrap_or_default();
            placed.insert(table.clone());
            ordered.push((table, table_columns));
        }
    }
    Ok(ordered)
}
