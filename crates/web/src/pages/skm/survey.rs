//! The satisfaction survey (SKM) as the OPD answers it: `GET/POST /survei/{token}`, the link
//! the berita acara prints, which works without signing in, once, until it expires; and
//! `GET/POST /survei/undangan/{id}`, the same form for a signed-in operator of the OPD (the
//! in-app, email and webhook invitations lead there); `GET /survei`, an OPD's invitations.
//!
//! Who may answer: the holder of the link without a session, or an operator of the OPD the
//! invitation is for. Anyone else signed in (staff, admins, auditors, another OPD's operator)
//! is refused on the form and on its post, so nobody at the office answers for the OPD from
//! their own session. The link itself cannot tell who holds it: a staff member who opens a
//! printed berita acara's link in a browser with no session is indistinguishable from the
//! OPD; the invitation being one per case and once is what bounds that.
//! This module never decides a score's meaning nor computes a result (`pelihara_domain::skm`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use pelihara_domain::skm::{
    AnswerForm, EDUCATION, OCCUPATION, Score, SurveyAnswer, Unsur, is_link_token, token_sha256,
};
use pelihara_domain::{Role, is_operator_of};
use pelihara_i18n::{format_date, format_datetime};
use pelihara_store::AuditSource;
use pelihara_store::skm::{AnswerOutcome, InvitationStanding, SkmInvitation};

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::forms::FormErrors;
use crate::lang::Tr;
use crate::pages::page_or_partial;
use crate::shell::Shell;
use crate::state::AppState;

/// One question of the form, with its four worded choices and what was chosen.
pub(crate) struct Question {
    pub code: &'static str,
    pub number: usize,
    pub name: String,
    pub question: String,
    /// (value 1..4, wording).
    pub choices: Vec<(u8, String)>,
    pub chosen: u8,
}

#[derive(Template)]
#[template(path = "skm_survey_partial.html")]
pub(crate) struct SurveyPartial {
    tr: Tr,
    /// `form`, `thanks`, or the refusal: `answered`, `expired`, `unknown`, `staff`.
    state: &'static str,
    action: String,
    intro: String,
    expires: String,
    questions: Vec<Question>,
    /// (code, label) of the optional fields' choices.
    sexes: Vec<(&'static str, String)>,
    educations: Vec<(&'static str, String)>,
    occupations: Vec<(&'static str, String)>,
    age: String,
    sex: String,
    education: String,
    occupation: String,
    suggestion: String,
    errors: FormErrors,
}

/// How the visitor reached the form.
enum Access {
    /// The printed link: the token in clear (checked for shape before any lookup).
    Token(String),
    /// An operator's session: the invitation's id.
    Session(String),
}

impl Access {
    fn action(&self) -> String {
        match self {
            Access::Token(token) => format!("/survei/{token}"),
            Access::Session(id) => format!("/survei/undangan/{id}"),
        }
    }
}

fn field<'a>(data: &'a [(String, String)], name: &str) -> &'a str {
    data.iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn choices(tr: Tr, prefix: &str, codes: &[&'static str]) -> Vec<(&'static str, String)> {
    codes
        .iter()
        .map(|code| (*code, tr.t(&format!("{prefix}-{code}"))))
        .collect()
}

fn partial(
    app: &AppState,
    tr: Tr,
    state: &'static str,
    access: &Access,
    invitation: Option<&SkmInvitation>,
) -> SurveyPartial {
    let tz = app.services().calendar.snapshot().time_zone;
    let (intro, expires) = match invitation {
        Some(invitation) => (
            tr.t2(
                "skm-intro",
                "tracking",
                &invitation.tracking_code,
                "subject",
                &invitation.subject,
            ),
            tr.t1(
                "skm-expires",
                "date",
                format_datetime(tr.lang(), tz, invitation.expires_at),
            ),
        ),
        None => (String::new(), String::new()),
    };
    SurveyPartial {
        tr,
        state,
        action: access.action(),
        intro,
        expires,
        questions: Unsur::ALL
            .into_iter()
            .map(|unsur| Question {
                code: unsur.code(),
                number: unsur.number(),
                name: tr.t(&unsur.name_key()),
                question: tr.t(&unsur.question_key()),
                choices: Score::ALL
                    .into_iter()
                    .map(|score| (score.get(), tr.t(&unsur.answer_key(score))))
                    .collect(),
                chosen: 0,
            })
            .collect(),
        sexes: choices(tr, "skm-sex", &["l", "p"]),
        educations: choices(tr, "skm-education", &EDUCATION),
        occupations: choices(tr, "skm-occupation", &OCCUPATION),
        age: String::new(),
        sex: String::new(),
        education: String::new(),
        occupation: String::new(),
        suggestion: String::new(),
        errors: FormErrors::new(),
    }
}

fn respond(shell: Shell, partial: SurveyPartial) -> Result<Response, WebError> {
    let status = match partial.state {
        "unknown" => StatusCode::NOT_FOUND,
        "staff" => StatusCode::FORBIDDEN,
        "answered" => StatusCode::CONFLICT,
        "expired" => StatusCode::GONE,
        _ if !partial.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let response = page_or_partial(shell, partial, |_, _| String::new())?;
    Ok((status, response).into_response())
}

/// The invitation the visitor reached and whether they may answer it: `Err(state)` names the
/// refusal to show.
async fn resolve(
    app: &AppState,
    access: &Access,
    user: Option<&CurrentUser>,
) -> Result<Result<SkmInvitation, &'static str>, WebError> {
    let store = &app.services().store;
    let invitation = match access {
        Access::Token(token) => {
            if !is_link_token(token) {
                return Ok(Err("unknown"));
            }
            store.skm_invitation_by_token(&token_sha256(token)).await?
        }
        Access::Session(id) => {
            // The session route is the operator's own: anyone else sees a 404, as for another
            // OPD's case.
            let user = user.ok_or(WebError::NotFound)?;
            let id = uuid_of(id).ok_or(WebError::NotFound)?;
            let found = store.skm_invitation(id).await?.ok_or(WebError::NotFound)?;
            if !is_operator_of(&user.actor, found.opd_id) {
                return Err(WebError::NotFound);
            }
            Some(found)
        }
    };
    let Some(invitation) = invitation else {
        return Ok(Err("unknown"));
    };
    if let Some(user) = user
        && !is_operator_of(&user.actor, invitation.opd_id)
    {
        return Ok(Err("staff"));
    }
    let now = app.services().clock.now();
    Ok(match invitation.standing(now) {
        InvitationStanding::Open => Ok(invitation),
        InvitationStanding::Answered => Err("answered"),
        InvitationStanding::Expired => Err("expired"),
    })
}

fn uuid_of(text: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(text.trim()).ok()
}

async fn show(
    app: AppState,
    shell: Shell,
    user: Option<CurrentUser>,
    access: Access,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let partial = match resolve(&app, &access, user.as_ref()).await? {
        Ok(invitation) => partial(&app, tr, "form", &access, Some(&invitation)),
        Err(state) => partial(&app, tr, state, &access, None),
    };
    respond(shell, partial)
}

async fn answer(
    app: AppState,
    shell: Shell,
    user: Option<CurrentUser>,
    access: Access,
    data: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let tr = shell.tr;
    let invitation = match resolve(&app, &access, user.as_ref()).await? {
        Ok(invitation) => invitation,
        Err(state) => return respond(shell, partial(&app, tr, state, &access, None)),
    };
    let codes = Unsur::ALL.map(Unsur::code);
    let mut scores = [None; 9];
    for (slot, code) in scores.iter_mut().zip(codes) {
        let value = field(&data, code);
        *slot = (!value.is_empty()).then_some(value);
    }
    let form = AnswerForm {
        scores,
        age: field(&data, "umur"),
        sex: field(&data, "jenis_kelamin"),
        education: field(&data, "pendidikan"),
        occupation: field(&data, "pekerjaan"),
        suggestion: field(&data, "saran"),
    };
    let parsed = SurveyAnswer::parse(&form);
    let answer = match parsed {
        Ok(answer) => answer,
        Err(problems) => {
            // The form again, with what was typed and a message at each field.
            let mut again = partial(&app, tr, "form", &access, Some(&invitation));
            for question in &mut again.questions {
                question.chosen = Score::parse(field(&data, question.code)).map_or(0, Score::get);
            }
            let bounded = |text: &str| text.chars().take(2100).collect::<String>();
            again.age = bounded(form.age);
            again.sex = bounded(form.sex);
            again.education = bounded(form.education);
            again.occupation = bounded(form.occupation);
            again.suggestion = bounded(form.suggestion);
            again.errors.form(tr.t("skm-error-summary"));
            for (name, key) in problems.0 {
                again.errors.field(&name, tr.t(key));
            }
            return respond(shell, again);
        }
    };
    // The respondent is anonymous in the audit too: the event names the invitation only.
    let source = match &user {
        Some(user) => user.audit_source(),
        None => AuditSource {
            actor_id: None,
            actor_name: "responden survei".into(),
            address: "-".into(),
        },
    };
    let now = app.services().clock.now();
    let outcome = app
        .services()
        .store
        .answer_skm(invitation.id, &answer, &source, now)
        .await?;
    let state = match outcome {
        AnswerOutcome::Recorded => "thanks",
        AnswerOutcome::AlreadyAnswered => "answered",
        AnswerOutcome::Expired => "expired",
        AnswerOutcome::Unknown => "unknown",
    };
    respond(shell, partial(&app, tr, state, &access, None))
}

pub(crate) async fn view_survei_token_get(
    State(app): State<AppState>,
    shell: Shell,
    user: Option<CurrentUser>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    show(app, shell, user, Access::Token(token)).await
}

pub(crate) async fn view_survei_token_post(
    State(app): State<AppState>,
    shell: Shell,
    user: Option<CurrentUser>,
    Path(token): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    answer(app, shell, user, Access::Token(token), data).await
}

pub(crate) async fn view_survei_undangan_get(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    show(app, shell, Some(user), Access::Session(id)).await
}

pub(crate) async fn view_survei_undangan_post(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(data): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    answer(app, shell, Some(user), Access::Session(id), data).await
}

/// One line of the OPD's invitation list.
pub(crate) struct InvitationRow {
    pub id: String,
    pub tracking_code: String,
    pub subject: String,
    pub invited: String,
    pub expires: String,
    /// `open`, `answered`, `expired`.
    pub standing: &'static str,
}

#[derive(Template)]
#[template(path = "skm_invitations_partial.html")]
struct InvitationsPartial {
    tr: Tr,
    rows: Vec<InvitationRow>,
}

/// `GET /survei`: an OPD operator's survey invitations, newest first. Only operators have
/// invitations; for everyone else the page does not exist.
pub(crate) async fn view_survei_get(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let opd = match (user.role(), user.actor.user.opd_id) {
        (Role::OpdOperator, Some(opd)) => opd,
        _ => return Err(WebError::NotFound),
    };
    let services = app.services();
    let tr = shell.tr;
    let tz = services.calendar.snapshot().time_zone;
    let now = services.clock.now();
    let rows = services
        .store
        .skm_invitations_for_opd(opd, 200)
        .await?
        .into_iter()
        .map(|invitation| InvitationRow {
            id: invitation.id.to_string(),
            standing: invitation.standing(now).code(),
            invited: format_date(
                tr.lang(),
                invitation.invited_at.with_timezone(&tz).date_naive(),
            ),
            expires: format_datetime(tr.lang(), tz, invitation.expires_at),
            tracking_code: invitation.tracking_code,
            subject: invitation.subject,
        })
        .collect();
    page_or_partial(shell, InvitationsPartial { tr, rows }, |_, _| String::new())
}

/// The survey link a berita acara prints for the case, when the OPD's invitation is still
/// open at `now`: a fresh token whose SHA-256 is stored for the invitation (so every issue of
/// the document, in any paper or language, has a link of its own, all leading to the one
/// invitation). `None` before the acceptance, and once answered or expired.
pub(crate) async fn link_for_document(
    app: &AppState,
    case: pelihara_domain::CaseId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<pelihara_documents::SurveyInvite>, WebError> {
    let store = &app.services().store;
    let Some(invitation) = store.skm_invitation_for_case(case).await? else {
        return Ok(None);
    };
    if invitation.standing(now) != InvitationStanding::Open {
        return Ok(None);
    }
    let token = pelihara_domain::skm::new_link_token();
    store
        .add_skm_link(invitation.id, &token_sha256(&token), now)
        .await?;
    let base = app.config().public_base_url.trim().trim_end_matches('/');
    Ok(Some(pelihara_documents::SurveyInvite {
        url: format!("{base}/survei/{token}"),
        until: invitation.expires_at,
    }))
}
