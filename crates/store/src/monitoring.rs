//! The SOP monitoring forms of PermenPAN-RB 35/2012 (migration 0025): the assessor grants
//! the admin gives, and one form per SOP and half-year, saved as a draft (each save names the
//! revision it edited, so a stale save is refused) and paraf-signed once: the signature stores
//! the SHA-256 of the form's content and seals the row (a trigger refuses any later change).
//! The signature may carry the form's issued PDF, recorded in the same transaction.
//! Every write appends its audit event in the same transaction. This module never proposes an
//! assessment (that is `pelihara_domain::monitoring` and the web's wording) and never renders.

use chrono::{DateTime, Utc};
use pelihara_domain::UserId;
use pelihara_domain::monitoring::{HalfYear, MonitoringRow, SealedContent};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::audit::{AuditSource, Change};
use crate::codec::{from_json, instant, millis, opt_instant, to_json, uuid};
use crate::documents::{NewIssuedDocument, issue_detail, record_issue};
use crate::write_conn::WriteConn;
use crate::{Result, Store, StoreError};

/// A stored monitoring form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringForm {
    pub id: Uuid,
    pub sop_code: String,
    pub sop_version: u32,
    pub half: HalfYear,
    pub sop_title: String,
    pub sop_number: String,
    pub unit: String,
    pub threshold_percent: u32,
    pub rows: Vec<MonitoringRow>,
    /// Who saved it last, or signed it.
    pub assessor_id: UserId,
    pub assessor_name: String,
    pub assessor_nip: String,
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    /// The SHA-256 the signature stored (see [`MonitoringForm::content_sha256`]).
    pub content_sha256: Option<String>,
}

impl MonitoringForm {
    /// The hash of the form's content as signed at `signed_at`.
    pub fn seal(&self, signed_at: DateTime<Utc>) -> String {
        let assessor_id = self.assessor_id.to_string();
        SealedContent {
            sop_code: &self.sop_code,
            sop_version: self.sop_version,
            year: self.half.year,
            semester: self.half.semester,
            sop_title: &self.sop_title,
            sop_number: &self.sop_number,
            unit: &self.unit,
            threshold_percent: self.threshold_percent,
            rows: &self.rows,
            assessor_id: &assessor_id,
            assessor_name: &self.assessor_name,
            assessor_nip: &self.assessor_nip,
            signed_at: millis(signed_at),
        }
        .sha256()
    }

    /// The form as `assessor`'s paraf at `signed_at` seals it: the signer, the moment and the
    /// seal over both. What the store keeps and what the issued PDF prints, so they agree.
    pub fn sealed_by(&self, assessor: &Assessor, signed_at: DateTime<Utc>) -> MonitoringForm {
        let mut sealed = self.clone();
        sealed.assessor_id = assessor.id;
        sealed.assessor_name = assessor.name.clone();
        sealed.assessor_nip = assessor.nip.clone();
        sealed.signed_at = Some(signed_at);
        sealed.content_sha256 = Some(sealed.seal(signed_at));
        sealed
    }

    /// Whether a signed form still holds what its signature sealed.
    pub fn seal_holds(&self) -> bool {
        match (self.signed_at, &self.content_sha256) {
            (Some(at), Some(stored)) => self.seal(at) == *stored,
            _ => false,
        }
    }
}

/// What an assessor saves: the header and the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringDraft {
    pub sop_code: String,
    pub sop_version: u32,
    pub half: HalfYear,
    pub sop_title: String,
    pub sop_number: String,
    pub unit: String,
    pub threshold_percent: u32,
    pub rows: Vec<MonitoringRow>,
}

/// The assessor who saves or signs: their id, name and NIP as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessor {
    pub id: UserId,
    pub name: String,
    pub nip: String,
}

/// What became of a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved(Box<MonitoringForm>),
    /// The form was signed meanwhile: nothing changed.
    AlreadySigned,
    /// Someone saved (or made) the form since the revision given: nothing changed.
    Stale,
}

/// What became of a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOutcome {
    Signed(Box<MonitoringForm>),
    /// Signed before (by this or another attempt): nothing changed.
    AlreadySigned,
    /// Saved since the revision given: nothing changed.
    Stale,
    /// No such form.
    Missing,
}

const COLUMNS: &str = "id, sop_code, sop_version, year, semester, sop_title, sop_number, unit, \
     threshold_percent, rows_json, assessor_id, assessor_name, assessor_nip, revision, \
     created_at, updated_at, signed_at, content_sha256";

fn small(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}

fn from_row(row: &AnyRow) -> Result<MonitoringForm> {
    let year: i64 = row.try_get("year")?;
    let semester = small(row.try_get("semester")?, "semester")?;
    let half = i32::try_from(year)
        .ok()
        .and_then(|year| HalfYear::new(year, semester))
        .ok_or_else(|| StoreError::Corrupt(format!("half-year {year}/{semester}")))?;
    Ok(MonitoringForm {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        sop_code: row.try_get("sop_code")?,
        sop_version: small(row.try_get("sop_version")?, "SOP version")?,
        half,
        sop_title: row.try_get("sop_title")?,
        sop_number: row.try_get("sop_number")?,
        unit: row.try_get("unit")?,
        threshold_percent: small(row.try_get("threshold_percent")?, "threshold")?,
        rows: from_json(&row.try_get::<String, _>("rows_json")?)?,
        assessor_id: UserId(uuid(&row.try_get::<String, _>("assessor_id")?)?),
        assessor_name: row.try_get("assessor_name")?,
        assessor_nip: row.try_get("assessor_nip")?,
        revision: row.try_get("revision")?,
        created_at: instant(row.try_get("created_at")?)?,
        updated_at: instant(row.try_get("updated_at")?)?,
        signed_at: opt_instant(row.try_get("signed_at")?)?,
        content_sha256: row.try_get("content_sha256")?,
    })
}

impl Store {
    /// Gives (`granted`) or takes back the assessor grant of `user`, audited
    /// (`monitoring.assessor_grant` / `monitoring.assessor_revoke`); `false` when it was
    /// already so (nothing written). Who may hold it is the caller's rule
    /// (`pelihara_domain::monitoring::may_be_assessor`).
    pub async fn set_assessor(
        &self,
        user: UserId,
        granted: bool,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let change = Change {
            source,
            at: now,
            action: if granted {
                "monitoring.assessor_grant"
            } else {
                "monitoring.assessor_revoke"
            },
            detail: serde_json::json!({ "user_id": user }),
        };
        let granted_by = source.actor_id.map(|id| id.to_string());
        let result = self
            .write_with_event(change, async |tx| {
                let changed = if granted {
                    sqlx::query(
                        "insert into sop_assessors (user_id, granted_at, granted_by) \
                         values ($1, $2, $3) on conflict (user_id) do nothing",
                    )
                    .bind(user.to_string())
                    .bind(millis(now))
                    .bind(granted_by.clone())
                    .execute(&mut **tx)
                    .await?
                } else {
                    sqlx::query("delete from sop_assessors where user_id = $1")
                        .bind(user.to_string())
                        .execute(&mut **tx)
                        .await?
                };
                if changed.rows_affected() == 0 {
                    // Nothing to record: roll back rather than audit a non-change.
                    return Err(StoreError::Duplicate("assessor grant"));
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::Duplicate(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Whether `user` holds the assessor grant.
    pub async fn is_assessor(&self, user: UserId) -> Result<bool> {
        Ok(
            sqlx::query("select 1 as one from sop_assessors where user_id = $1")
                .bind(user.to_string())
                .fetch_optional(self.reader())
                .await?
                .is_some(),
        )
    }

    /// Everyone holding the assessor grant.
    pub async fn assessors(&self) -> Result<Vec<UserId>> {
        let rows = sqlx::query("select user_id from sop_assessors order by user_id")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| Ok(UserId(uuid(&row.try_get::<String, _>("user_id")?)?)))
            .collect()
    }

    /// The form of an SOP for a half-year, if one was saved.
    pub async fn monitoring_form(
        &self,
        sop_code: &str,
        half: HalfYear,
    ) -> Result<Option<MonitoringForm>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from sop_monitoring_forms \
             where sop_code = $1 and year = $2 and semester = $3"
        )))
        .bind(sop_code.to_owned())
        .bind(i64::from(half.year))
        .bind(i64::from(half.semester))
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// A form by its id.
    pub async fn monitoring_form_by_id(&self, id: Uuid) -> Result<Option<MonitoringForm>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from sop_monitoring_forms where id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The latest `limit` forms, the newest half-year first.
    pub async fn monitoring_forms(&self, limit: i64) -> Result<Vec<MonitoringForm>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from sop_monitoring_forms \
             order by year desc, semester desc, sop_code limit $1"
        )))
        .bind(limit.clamp(1, 500))
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Saves a draft: a new form when `revision` is `None` (refused as stale when the SOP's
    /// half-year has one already), else the form of that SOP and half-year if it is still at
    /// `revision` and unsigned. One audited write (`monitoring.save`).
    pub async fn save_monitoring_draft(
        &self,
        draft: &MonitoringDraft,
        revision: Option<i64>,
        assessor: &Assessor,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<SaveOutcome> {
        let change = Change {
            source,
            at: now,
            action: "monitoring.save",
            detail: serde_json::json!({
                "sop_code": draft.sop_code,
                "sop_version": draft.sop_version,
                "year": draft.half.year,
                "semester": draft.half.semester,
                "revision": revision.map_or(1, |revision| revision + 1),
            }),
        };
        let rows = to_json(&draft.rows)?;
        let result = self
            .write_with_event(change, async |tx| {
                let written = match revision {
                    None => {
                        let inserted = sqlx::query(
                            "insert into sop_monitoring_forms (id, sop_code, sop_version, year, \
                             semester, sop_title, sop_number, unit, threshold_percent, rows_json, \
                             assessor_id, assessor_name, assessor_nip, revision, created_at, \
                             updated_at, signed_at, content_sha256) values ($1, $2, $3, $4, $5, \
                             $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14, null, null) \
                             on conflict (sop_code, year, semester) do nothing",
                        )
                        .bind(Uuid::new_v4().to_string())
                        .bind(draft.sop_code.clone())
                        .bind(i64::from(draft.sop_version))
                        .bind(i64::from(draft.half.year))
                        .bind(i64::from(draft.half.semester))
                        .bind(draft.sop_title.clone())
                        .bind(draft.sop_number.clone())
                        .bind(draft.unit.clone())
                        .bind(i64::from(draft.threshold_percent))
                        .bind(rows.clone())
                        .bind(assessor.id.to_string())
                        .bind(assessor.name.clone())
                        .bind(assessor.nip.clone())
                        .bind(millis(now))
                        .execute(&mut **tx)
                        .await?;
                        inserted.rows_affected()
                    }
                    Some(revision) => sqlx::query(
                        "update sop_monitoring_forms set sop_version = $1, sop_title = $2, \
                             sop_number = $3, unit = $4, threshold_percent = $5, rows_json = $6, \
                             assessor_id = $7, assessor_name = $8, assessor_nip = $9, \
                             revision = revision + 1, updated_at = $10 \
                             where sop_code = $11 and year = $12 and semester = $13 \
                             and revision = $14 and signed_at is null",
                    )
                    .bind(i64::from(draft.sop_version))
                    .bind(draft.sop_title.clone())
                    .bind(draft.sop_number.clone())
                    .bind(draft.unit.clone())
                    .bind(i64::from(draft.threshold_percent))
                    .bind(rows.clone())
                    .bind(assessor.id.to_string())
                    .bind(assessor.name.clone())
                    .bind(assessor.nip.clone())
                    .bind(millis(now))
                    .bind(draft.sop_code.clone())
                    .bind(i64::from(draft.half.year))
                    .bind(i64::from(draft.half.semester))
                    .bind(revision)
                    .execute(&mut **tx)
                    .await?
                    .rows_affected(),
                };
                if written != 1 {
                    return Err(StoreError::Duplicate("monitoring form revision"));
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(
                match self.monitoring_form(&draft.sop_code, draft.half).await? {
                    Some(form) => SaveOutcome::Saved(Box::new(form)),
                    None => SaveOutcome::Stale,
                },
            ),
            Err(StoreError::Duplicate(_)) => Ok(
                match self.monitoring_form(&draft.sop_code, draft.half).await? {
                    Some(form) if form.signed_at.is_some() => SaveOutcome::AlreadySigned,
                    _ => SaveOutcome::Stale,
                },
            ),
            Err(error) => Err(error),
        }
    }

    /// Paraf-signs the form `id` as it stands at `revision`, by `assessor`: stamps the moment
    /// and the SHA-256 of its content (with the signer as assessor) and appends
    /// `monitoring.sign` holding that hash, in one transaction. With `document` (the signed
    /// form's PDF, rendered beforehand and already in the document store) its issue is
    /// recorded in that same transaction and named by the same event, so a signed form never
    /// lacks its document. Of several signatures at once exactly one is stored; the others
    /// change nothing (their document is not recorded).
    pub async fn sign_monitoring_form(
        &self,
        id: Uuid,
        revision: i64,
        assessor: &Assessor,
        document: Option<&NewIssuedDocument>,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<SignOutcome> {
        let Some(form) = self.monitoring_form_by_id(id).await? else {
            return Ok(SignOutcome::Missing);
        };
        if form.signed_at.is_some() {
            return Ok(SignOutcome::AlreadySigned);
        }
        if form.revision != revision {
            return Ok(SignOutcome::Stale);
        }
        // The content is the one read at `revision`: the update below only applies while the
        // row is still at it, so the hash covers exactly what is sealed.
        let form = form.sealed_by(assessor, now);
        let sha256 = form.content_sha256.clone().unwrap_or_default();
        let change = Change {
            source,
            at: now,
            action: "monitoring.sign",
            detail: serde_json::json!({
                "form_id": id.to_string(),
                "sop_code": form.sop_code,
                "sop_version": form.sop_version,
                "year": form.half.year,
                "semester": form.half.semester,
                "revision": revision,
                "sha256": sha256,
                "document": document.map(issue_detail),
            }),
        };
        let backend = self.backend;
        let result = self
            .write_with_event(change, async |tx| {
                let signed = sqlx::query(
                    "update sop_monitoring_forms set signed_at = $1, content_sha256 = $2, \
                     assessor_id = $3, assessor_name = $4, assessor_nip = $5 \
                     where id = $6 and revision = $7 and signed_at is null",
                )
                .bind(millis(now))
                .bind(sha256.clone())
                .bind(assessor.id.to_string())
                .bind(assessor.name.clone())
                .bind(assessor.nip.clone())
                .bind(id.to_string())
                .bind(revision)
                .execute(&mut **tx)
                .await?;
                if signed.rows_affected() != 1 {
                    return Err(StoreError::Duplicate("monitoring signature"));
                }
                if let Some(document) = document {
                    record_issue(&mut WriteConn::Sqlx(tx), backend, source, document, now).await?;
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(match self.monitoring_form_by_id(id).await? {
                Some(form) => SignOutcome::Signed(Box::new(form)),
                None => SignOutcome::Missing,
            }),
            Err(StoreError::Duplicate(_)) => Ok(match self.monitoring_form_by_id(id).await? {
                None => SignOutcome::Missing,
                Some(form) if form.signed_at.is_some() => SignOutcome::AlreadySigned,
                Some(_) => SignOutcome::Stale,
            }),
            Err(error) => Err(error),
        }
    }
}
