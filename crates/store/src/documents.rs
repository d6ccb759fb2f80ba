//! Issued documents (the PDFs with a QR code): recording an issue together with its audit
//! event, superseding the previous issue of the same document, and the lookups of the public
//! verification page. The PDF bytes are kept by the caller in the `BlobStore` before the issue
//! is recorded; this module never renders and never decides who may download.

use chrono::{DateTime, Utc};
use pelihara_domain::{CaseId, UserId};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditSource, NewEvent, append};
use crate::codec::{instant, millis, uuid};
use crate::write_conn::WriteConn;
use crate::writer::{JobFuture, Keep};
use crate::{Backend, Result, Store};

/// One issue of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    /// The random id the QR code carries.
    pub id: String,
    /// `lembar-disposisi`, `kartu-kendali`, `tanda-terima`, `berita-acara`, `sop`.
    pub kind: String,
    pub case_id: Option<CaseId>,
    /// What the document is of: the case id, or `sop:<code>:<version>`.
    pub subject: String,
    /// `a4` or `f4`.
    pub paper: String,
    pub number: String,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<UserId>,
    /// Lowercase hex SHA-256 of the PDF (its name in the document store).
    pub sha256: String,
    /// Which revision of its source the document was made from: the web layer counts the case
    /// records the document prints (not the case row's version), so a download can tell when
    /// to re-issue; 0 for documents of no case. (Migration 0004's comment calls it the case
    /// version; committed migrations stay unchanged, this is the meaning.)
    pub source_version: i64,
    /// The newer issue that replaced this one.
    pub superseded_by: Option<String>,
}

/// A document to record as issued.
#[derive(Debug, Clone)]
pub struct NewIssuedDocument {
    pub id: String,
    pub kind: String,
    pub case_id: Option<CaseId>,
    pub subject: String,
    pub paper: String,
    pub number: String,
    pub sha256: String,
    /// See [`IssuedDocument::source_version`].
    pub source_version: i64,
}

const COLUMNS: &str = "id, kind, case_id, subject, paper, number, issued_at, issued_by, sha256, \
                       source_version, superseded_by";

fn from_row(row: &AnyRow) -> Result<IssuedDocument> {
    let case_id: Option<String> = row.try_get("case_id")?;
    let issued_by: Option<String> = row.try_get("issued_by")?;
    Ok(IssuedDocument {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        case_id: case_id.as_deref().map(uuid).transpose()?.map(CaseId),
        subject: row.try_get("subject")?,
        paper: row.try_get("paper")?,
        number: row.try_get("number")?,
        issued_at: instant(row.try_get("issued_at")?)?,
        issued_by: issued_by.as_deref().map(uuid).transpose()?.map(UserId),
        sha256: row.try_get("sha256")?,
        source_version: row.try_get("source_version")?,
        superseded_by: row.try_get("superseded_by")?,
    })
}

/// What an issue's audit event records of the document.
pub(crate) fn issue_detail(document: &NewIssuedDocument) -> serde_json::Value {
    json!({
        "id": document.id,
        "kind": document.kind,
        "case_id": document.case_id.map(|id| id.to_string()),
        "subject": document.subject,
        "paper": document.paper,
        "number": document.number,
        "sha256": document.sha256,
        "source_version": document.source_version,
    })
}

/// Records `document` as issued and supersedes the earlier current issue of the same document
/// (kind, subject, paper), inside the caller's transaction; the caller appends the audit event
/// that names it.
pub(crate) async fn record_issue(
    conn: &mut WriteConn<'_>,
    backend: Backend,
    source: &AuditSource,
    document: &NewIssuedDocument,
    now: DateTime<Utc>,
) -> Result<()> {
    // Two issues of one document at once must leave exactly one current. SQLite
    // has one writer; on PostgreSQL (read committed) the second transaction's
    // supersede would not see the first's uncommitted row, so issuers queue on a
    // table lock that conflicts only with itself and writers, never with the
    // readers of the verification page.
    if backend == Backend::Postgres {
        conn.execute(
            "lock table issued_documents in share row exclusive mode",
            Vec::new(),
        )
        .await?;
    }
    // Insert first: `superseded_by` refers to the new row.
    conn.execute(
        "insert into issued_documents (id, kind, case_id, subject, paper, number, \
             issued_at, issued_by, sha256, source_version, superseded_by) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, null)",
        vec![
            document.id.clone().into(),
            document.kind.clone().into(),
            document.case_id.map(|id| id.to_string()).into(),
            document.subject.clone().into(),
            document.paper.clone().into(),
            document.number.clone().into(),
            millis(now).into(),
            source.actor_id.map(|id| id.to_string()).into(),
            document.sha256.clone().into(),
            document.source_version.into(),
        ],
    )
    .await?;
    conn.execute(
        "update issued_documents set superseded_by = $1 \
             where kind = $2 and subject = $3 and paper = $4 and superseded_by is null \
             and id <> $1",
        vec![
            document.id.clone().into(),
            document.kind.clone().into(),
            document.subject.clone().into(),
            document.paper.clone().into(),
        ],
    )
    .await?;
    Ok(())
}

impl Store {
    /// Records an issue and marks every earlier current issue of the same document (kind,
    /// subject, paper) as superseded by it, in one transaction with the audit event
    /// `document.issue` that holds the PDF's SHA-256.
    pub async fn issue_document(
        &self,
        source: &AuditSource,
        document: &NewIssuedDocument,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = issue_detail(document);
        let backend = self.backend;
        let (source, document) = (source.clone(), document.clone());
        // A write job: on SQLite it shares the group commit (and its one fsync) with the case
        // actions of the moment, instead of a transaction and an fsync of its own.
        self.write_job(move |mut conn| -> JobFuture<'_, ()> {
            Box::pin(async move {
                record_issue(&mut conn, backend, &source, &document, now).await?;
                append(
                    &mut conn,
                    backend,
                    NewEvent {
                        at: now,
                        source: &source,
                        acting: &None,
                        action: "document.issue",
                        case_id: None,
                        step_no: None,
                        detail: &detail,
                    },
                )
                .await?;
                Ok(Keep::Commit(()))
            })
        })
        .await
    }

    /// An issue by its verification id.
    pub async fn issued_document(&self, id: &str) -> Result<Option<IssuedDocument>> {
        let row = sqlx::query(
            "select id, kind, case_id, subject, paper, number, issued_at, issued_by, sha256, \
             source_version, superseded_by from issued_documents where id = $1",
        )
        .bind(id.to_owned())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The current (not superseded) issue of a document, if any.
    pub async fn current_issued_document(
        &self,
        kind: &str,
        subject: &str,
        paper: &str,
    ) -> Result<Option<IssuedDocument>> {
        let row = sqlx::query(
            "select id, kind, case_id, subject, paper, number, issued_at, issued_by, sha256, \
             source_version, superseded_by from issued_documents \
             where kind = $1 and subject = $2 and paper = $3 and superseded_by is null \
             order by issued_at desc limit 1",
        )
        .bind(kind.to_owned())
        .bind(subject.to_owned())
        .bind(paper.to_owned())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every issue of a document (kind, subject, paper), oldest first: the current one and
    /// those it superseded.
    pub async fn issued_document_history(
        &self,
        kind: &str,
        subject: &str,
        paper: &str,
    ) -> Result<Vec<IssuedDocument>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {COLUMNS} from issued_documents \
             where kind = $1 and subject = $2 and paper = $3 order by issued_at, id"
        )))
        .bind(kind.to_owned())
        .bind(subject.to_owned())
        .bind(paper.to_owned())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn issue(id: &str, sha: char) -> NewIssuedDocument {
        NewIssuedDocument {
            id: id.to_owned(),
            kind: "sop".to_owned(),
            case_id: None,
            subject: "sop:pemeliharaan-aplikasi-website:1".to_owned(),
            paper: "a4".to_owned(),
            number: "Dinkominfo / 9 / 1 / 23".to_owned(),
            sha256: sha.to_string().repeat(64),
            source_version: 0,
        }
    }

    #[tokio::test]
    async fn a_reissue_supersedes_and_both_stay_verifiable() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = Store::open(&url).await.unwrap();
        let source = AuditSource::cli("test");
        let t0 = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
        store
            .issue_document(&source, &issue("a", 'a'), t0)
            .await
            .unwrap();
        // The same document on other paper is another document: not superseded.
        let mut f4 = issue("f", 'f');
        f4.paper = "f4".to_owned();
        store.issue_document(&source, &f4, t0).await.unwrap();
        let t1 = t0 + chrono::Duration::minutes(5);
        store
            .issue_document(&source, &issue("b", 'b'), t1)
            .await
            .unwrap();

        let first = store.issued_document("a").await.unwrap().unwrap();
        assert_eq!(first.superseded_by.as_deref(), Some("b"));
        assert_eq!(first.sha256, "a".repeat(64));
        assert_eq!(first.issued_at, t0);
        let second = store.issued_document("b").await.unwrap().unwrap();
        assert_eq!(second.superseded_by, None);
        let current = store
            .current_issued_document("sop", "sop:pemeliharaan-aplikasi-website:1", "a4")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(current.id, "b");
        let paper = store.issued_document("f").await.unwrap().unwrap();
        assert_eq!(paper.superseded_by, None);
        assert!(store.issued_document("zzz").await.unwrap().is_none());

        // Each issue is an audit event carrying the PDF's hash, and the chain still verifies.
        let events = store.recent_events(10).await.unwrap();
        let issues: Vec<_> = events
            .iter()
            .filter(|event| event.action == "document.issue")
            .map(|event| event.detail["sha256"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(issues, ["b".repeat(64), "f".repeat(64), "a".repeat(64)]);
        assert_eq!(store.verify_audit().await.unwrap().first_bad, None);
    }
}
