//! The leases of background jobs: one node at a time runs a job (the reminder sweep, the
//! deliveries, the digest), until its lease runs out. A lease keeps nodes from doing the same
//! work twice; correctness never rests on it (every sweep is idempotent by itself).

use chrono::{DateTime, Duration, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::{instant, millis, opt_instant};
use crate::{Result, Store};

/// A background job's lease as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    pub job: String,
    pub holder: Option<String>,
    pub lease_until: DateTime<Utc>,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
}

fn lease_from_row(row: &AnyRow) -> Result<JobLease> {
    Ok(JobLease {
        job: row.try_get("job")?,
        holder: row.try_get("holder")?,
        lease_until: instant(row.try_get("lease_until")?)?,
        last_started_at: opt_instant(row.try_get("last_started_at")?)?,
        last_finished_at: opt_instant(row.try_get("last_finished_at")?)?,
    })
}

impl Store {
    /// Takes the lease of `job` for `node` until `now + ttl` if nobody holds it (or the
    /// holder's lease ran out, or `node` holds it already). `None` when another node holds it.
    pub async fn try_acquire_lease(
        &self,
        job: &str,
        node: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Option<JobLease>> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into job_leases (job, holder, lease_until) values ($1, null, 0) \
             on conflict (job) do nothing",
        )
        .bind(job.to_owned())
        .execute(&mut *tx)
        .await?;
        // One conditional update decides: on PostgreSQL the second of two racing nodes
        // re-checks the condition after the first commits and finds the lease taken.
        let updated = sqlx::query(
            "update job_leases set holder = $1, lease_until = $2, last_started_at = $3 \
             where job = $4 and (holder is null or lease_until <= $3 or holder = $1)",
        )
        .bind(node.to_owned())
        .bind(millis(now + ttl))
        .bind(millis(now))
        .bind(job.to_owned())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let row = sqlx::query(
            "select job, holder, lease_until, last_started_at, last_finished_at \
             from job_leases where job = $1",
        )
        .bind(job.to_owned())
        .fetch_one(&mut *tx)
        .await?;
        let lease = lease_from_row(&row)?;
        tx.commit().await?;
        Ok(Some(lease))
    }

    /// Extends `node`'s lease of `job` to `now + ttl`; `false` if `node` no longer holds it
    /// (it ran out and another node took it: stop working on the job).
    pub async fn renew_lease(
        &self,
        job: &str,
        node: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated =
            sqlx::query("update job_leases set lease_until = $1 where job = $2 and holder = $3")
                .bind(millis(now + ttl))
                .bind(job.to_owned())
                .bind(node.to_owned())
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Gives up `node`'s lease of `job`. With `finished_at`, the run completed then (the next
    /// run is measured from it); without, the job was not run (not due yet, or abandoned).
    /// `false` if `node` did not hold the lease.
    pub async fn release_lease(
        &self,
        job: &str,
        node: &str,
        finished_at: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "update job_leases set holder = null, lease_until = 0, \
             last_finished_at = coalesce($1, last_finished_at) where job = $2 and holder = $3",
        )
        .bind(finished_at.map(millis))
        .bind(job.to_owned())
        .bind(node.to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Every job's lease (the admin's view of the scheduler).
    pub async fn job_leases(&self) -> Result<Vec<JobLease>> {
        let rows = sqlx::query(
            "select job, holder, lease_until, last_started_at, last_finished_at \
             from job_leases order by job",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(lease_from_row).collect()
    }
}
