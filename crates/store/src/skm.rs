//! The Survei Kepuasan Masyarakat's rows: invitations (made in the OPD's acceptance
//! transaction, see `cases::write_transition`), the hashed tokens of survey links, the
//! anonymous responses, and the period's totals summed in SQL. The arithmetic of the result
//! is `pelihara_domain::skm`; this module never computes a grade nor sees a token in clear.

use chrono::{DateTime, Duration, Utc};
use pelihara_domain::skm::{INVITATION_DAYS, Score, SurveyAnswer, Totals, Unsur};
use pelihara_domain::{CaseId, OPD_POSITION, OpdId, Record, Transition};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::audit::{AuditSource, Change};
use crate::codec::{instant, millis, opt_instant, uuid};
use crate::write_conn::WriteConn;
use crate::{Result, Store, StoreError};

/// One survey invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkmInvitation {
    pub id: Uuid,
    pub case_id: CaseId,
    pub opd_id: OpdId,
    pub invited_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub announced_at: Option<DateTime<Utc>>,
    /// The case's tracking code and subject, for the OPD's list and the form's heading.
    pub tracking_code: String,
    pub subject: String,
}

impl SkmInvitation {
    /// Where the invitation stands at `now`.
    pub fn standing(&self, now: DateTime<Utc>) -> InvitationStanding {
        if self.answered_at.is_some() {
            InvitationStanding::Answered
        } else if now >= self.expires_at {
            InvitationStanding::Expired
        } else {
            InvitationStanding::Open
        }
    }
}

/// Whether an invitation may still be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStanding {
    Open,
    Answered,
    Expired,
}

impl InvitationStanding {
    pub fn code(self) -> &'static str {
        match self {
            InvitationStanding::Open => "open",
            InvitationStanding::Answered => "answered",
            InvitationStanding::Expired => "expired",
        }
    }
}

/// What became of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// Stored; the invitation is now answered.
    Recorded,
    /// Someone answered this invitation before: nothing was stored.
    AlreadyAnswered,
    /// The invitation expired: nothing was stored.
    Expired,
    /// No such invitation.
    Unknown,
}

/// One suggestion of a period, without anything that tells who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub at: DateTime<Utc>,
    pub text: String,
}

const INVITATION_COLUMNS: &str = "i.id, i.case_id, i.opd_id, i.invited_at, i.expires_at, \
     i.answered_at, i.announced_at, c.tracking_code, c.subject";

fn invitation_from_row(row: &AnyRow) -> Result<SkmInvitation> {
    Ok(SkmInvitation {
        id: uuid(&row.try_get::<String, _>("id")?)?,
        case_id: CaseId(uuid(&row.try_get::<String, _>("case_id")?)?),
        opd_id: OpdId(uuid(&row.try_get::<String, _>("opd_id")?)?),
        invited_at: instant(row.try_get("invited_at")?)?,
        expires_at: instant(row.try_get("expires_at")?)?,
        answered_at: opt_instant(row.try_get("answered_at")?)?,
        announced_at: opt_instant(row.try_get("announced_at")?)?,
        tracking_code: row.try_get("tracking_code")?,
        subject: row.try_get("subject")?,
    })
}

/// Whether the transition is the OPD accepting the case's result: an acceptance recorded on
/// a task of the requester OPD (not a decision answered by the office's own staff).
pub fn is_opd_acceptance(transition: &Transition) -> bool {
    transition.case.opd_id.is_some()
        && transition.entries.iter().any(|entry| {
            matches!(entry.record, Record::Acceptance { .. })
                && entry
                    .task_id
                    .and_then(|id| transition.tasks.iter().find(|task| task.id == id))
                    .is_some_and(|task| task.position == OPD_POSITION)
        })
}

/// Makes the case's invitation in the transaction that writes the OPD's acceptance, so it is
/// never lost; a second acceptance of the same case (a later step) makes none.
pub(crate) async fn invite_on_acceptance(
    conn: &mut WriteConn<'_>,
    transition: &Transition,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(opd) = transition.case.opd_id else {
        return Ok(());
    };
    if !is_opd_acceptance(transition) {
        return Ok(());
    }
    conn.execute(
        "insert into skm_invitations (id, case_id, opd_id, invited_at, expires_at) \
         values ($1, $2, $3, $4, $5) on conflict (case_id) do nothing",
        vec![
            Uuid::new_v4().to_string().into(),
            transition.case.id.to_string().into(),
            opd.to_string().into(),
            millis(now).into(),
            millis(now + Duration::days(INVITATION_DAYS)).into(),
        ],
    )
    .await?;
    Ok(())
}

fn score_column(unsur: Unsur) -> &'static str {
    // The column names are the unsur codes (migration 0019).
    unsur.code()
}

impl Store {
    async fn invitation_where(
        &self,
        condition: &str,
        value: String,
    ) -> Result<Option<SkmInvitation>> {
        let query = format!(
            "select {INVITATION_COLUMNS} from skm_invitations i \
             join cases c on c.id = i.case_id where {condition}"
        );
        sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(value)
            .fetch_optional(self.reader())
            .await?
            .as_ref()
            .map(invitation_from_row)
            .transpose()
    }

    /// One invitation by its id.
    pub async fn skm_invitation(&self, id: Uuid) -> Result<Option<SkmInvitation>> {
        self.invitation_where("i.id = $1", id.to_string()).await
    }

    /// The case's invitation, if the OPD has accepted it.
    pub async fn skm_invitation_for_case(&self, case: CaseId) -> Result<Option<SkmInvitation>> {
        self.invitation_where("i.case_id = $1", case.to_string())
            .await
    }

    /// The invitation a survey link leads to, by the SHA-256 (hex) of its token.
    pub async fn skm_invitation_by_token(
        &self,
        token_sha256: &str,
    ) -> Result<Option<SkmInvitation>> {
        let query = format!(
            "select {INVITATION_COLUMNS} from skm_links l \
             join skm_invitations i on i.id = l.invitation_id \
             join cases c on c.id = i.case_id where l.token_sha256 = $1"
        );
        sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(token_sha256.to_owned())
            .fetch_optional(self.reader())
            .await?
            .as_ref()
            .map(invitation_from_row)
            .transpose()
    }

    /// Records a survey link's token (its SHA-256, hex) for an invitation. A link is
    /// bookkeeping of an issued document, like a session: no audit event of its own.
    pub async fn add_skm_link(
        &self,
        invitation: Uuid,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into skm_links (token_sha256, invitation_id, created_at) values ($1, $2, $3)",
        )
        .bind(token_sha256.to_owned())
        .bind(invitation.to_string())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An OPD's invitations, newest first.
    pub async fn skm_invitations_for_opd(
        &self,
        opd: OpdId,
        limit: i64,
    ) -> Result<Vec<SkmInvitation>> {
        let query = format!(
            "select {INVITATION_COLUMNS} from skm_invitations i \
             join cases c on c.id = i.case_id where i.opd_id = $1 \
             order by i.invited_at desc limit $2"
        );
        sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(opd.to_string())
            .bind(limit)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(invitation_from_row)
            .collect()
    }

    /// Invitations whose OPD has not been told yet, oldest first.
    pub async fn skm_unannounced(&self, limit: i64) -> Result<Vec<SkmInvitation>> {
        let query = format!(
            "select {INVITATION_COLUMNS} from skm_invitations i \
             join cases c on c.id = i.case_id where i.announced_at is null \
             order by i.invited_at limit $1"
        );
        sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(limit)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(invitation_from_row)
            .collect()
    }

    /// Records that the OPD was told of the invitation (the notifications themselves are
    /// idempotent by their dedupe key, so a repeat before this mark writes nothing twice).
    pub async fn mark_skm_announced(&self, invitation: Uuid, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update skm_invitations set announced_at = $1 where id = $2 and announced_at is null",
        )
        .bind(millis(now))
        .bind(invitation.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores an answer to an open invitation and marks it answered, in one transaction with
    /// its audit event (`skm.answer`, naming the invitation but none of the answers). Of two
    /// answers racing for one invitation exactly one is recorded.
    pub async fn answer_skm(
        &self,
        invitation: Uuid,
        answer: &SurveyAnswer,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<AnswerOutcome> {
        let change = Change {
            source,
            at: now,
            action: "skm.answer",
            detail: serde_json::json!({ "invitation_id": invitation }),
        };
        let result = self
            .write_with_event(change, async |tx| {
                let claimed = sqlx::query(
                    "update skm_invitations set answered_at = $1 \
                     where id = $2 and answered_at is null and expires_at > $1",
                )
                .bind(millis(now))
                .bind(invitation.to_string())
                .execute(&mut **tx)
                .await?;
                if claimed.rows_affected() != 1 {
                    return Err(StoreError::Duplicate("skm answer"));
                }
                insert_response(tx, answer, now).await
            })
            .await;
        match result {
            Ok(()) => Ok(AnswerOutcome::Recorded),
            Err(StoreError::Duplicate(_)) => Ok(match self.skm_invitation(invitation).await? {
                None => AnswerOutcome::Unknown,
                Some(found) if found.answered_at.is_some() => AnswerOutcome::AlreadyAnswered,
                Some(_) => AnswerOutcome::Expired,
            }),
            Err(error) => Err(error),
        }
    }

    /// Responses without an invitation, for the demo's history, the benchmark and tests
    /// (the band edges need dozens of responses in one period). The web never calls it: a
    /// person answers only through an invitation ([`Store::answer_skm`]).
    pub async fn insert_skm_responses(
        &self,
        answers: &[(DateTime<Utc>, SurveyAnswer)],
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let change = Change {
            source,
            at: now,
            action: "skm.import",
            detail: serde_json::json!({ "responses": answers.len() }),
        };
        self.write_with_event(change, async |tx| {
            for (at, answer) in answers {
                insert_response(tx, answer, *at).await?;
            }
            Ok(())
        })
        .await
    }

    /// The number of responses given in `[from, to)` and each unsur's sum, in one aggregate.
    pub async fn skm_totals(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Totals> {
        let sums: Vec<String> = Unsur::ALL
            .iter()
            .map(|unsur| format!("coalesce(sum({}), 0)", score_column(*unsur)))
            .collect();
        let query = format!(
            "select count(*), {} from skm_responses where answered_at >= $1 and answered_at < $2",
            sums.join(", ")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(millis(from))
            .bind(millis(to))
            .fetch_one(self.reader())
            .await?;
        let unsigned = |index: usize| -> Result<u64> {
            let value: i64 = row.try_get(index)?;
            u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative sum {value}")))
        };
        let mut totals = Totals {
            responses: unsigned(0)?,
            sums: [0; 9],
        };
        for (index, sum) in totals.sums.iter_mut().enumerate() {
            *sum = unsigned(index + 1)?;
        }
        Ok(totals)
    }

    /// The period's non-empty suggestions, oldest first, at most `limit`.
    pub async fn skm_suggestions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Suggestion>> {
        sqlx::query(
            "select answered_at, suggestion from skm_responses \
             where answered_at >= $1 and answered_at < $2 and suggestion <> '' \
             order by answered_at, id limit $3",
        )
        .bind(millis(from))
        .bind(millis(to))
        .bind(limit)
        .fetch_all(self.reader())
        .await?
        .iter()
        .map(|row| {
            Ok(Suggestion {
                at: instant(row.try_get("answered_at")?)?,
                text: row.try_get("suggestion")?,
            })
        })
        .collect()
    }
}

async fn insert_response(
    tx: &mut crate::WriteTx,
    answer: &SurveyAnswer,
    at: DateTime<Utc>,
) -> Result<()> {
    let columns: Vec<&str> = Unsur::ALL
        .iter()
        .map(|unsur| score_column(*unsur))
        .collect();
    let placeholders: Vec<String> = (3..3 + columns.len()).map(|n| format!("${n}")).collect();
    let next = 3 + columns.len();
    let query = format!(
        "insert into skm_responses (id, answered_at, {}, age, sex, education, occupation, \
         suggestion) values ($1, $2, {}, ${}, ${}, ${}, ${}, ${})",
        columns.join(", "),
        placeholders.join(", "),
        next,
        next + 1,
        next + 2,
        next + 3,
        next + 4,
    );
    let mut statement = sqlx::query(sqlx::AssertSqlSafe(query))
        .bind(Uuid::new_v4().to_string())
        .bind(millis(at));
    for score in answer.scores {
        statement = statement.bind(i64::from(Score::get(score)));
    }
    let respondent = &answer.respondent;
    statement
        .bind(respondent.age.map(i64::from))
        .bind(respondent.sex.map(|sex| sex.code().to_owned()))
        .bind(respondent.education.clone())
        .bind(respondent.occupation.clone())
        .bind(answer.suggestion.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
