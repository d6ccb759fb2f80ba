//! What each cell of the official document says, in words: the SOP's own text as written,
//! plus the few labels and notes that are not SOP text, in the reader's language. It must
//! never place anything (layout does) nor escape anything (the writers do).

use pelihara_i18n::{Lang, arg, t, t_args};
use pelihara_sop::{SopDefinition, Step, Target};

/// The texts of one row of the step table.
pub struct StepTexts {
    pub activity: String,
    /// A decision's question, shown under the activity so the reader knows what "Ya" and
    /// "Tidak" answer.
    pub question: Option<String>,
    pub requirements: Vec<String>,
    pub time: String,
    pub outputs: Vec<String>,
    /// The Keterangan as the SOP writes it.
    pub remarks: Option<String>,
    /// Pelihara's notes under it, on what the flowchart leaves out.
    pub notes: Vec<String>,
}

pub fn step_texts(
    def: &SopDefinition,
    step: &Step,
    drawn_actor: Option<&str>,
    lang: Lang,
) -> StepTexts {
    StepTexts {
        activity: step.activity.clone(),
        question: step
            .decision
            .as_ref()
            .map(|decision| decision.question.clone()),
        requirements: step.requirements.clone(),
        time: time_text(def, step, lang),
        outputs: step.outputs.clone(),
        remarks: step.remarks.clone(),
        notes: notes(def, step, drawn_actor, lang),
    }
}

/// The Waktu cell: the approved document's own words when the definition keeps them, so a
/// reproduction reads as signed; otherwise the standard in words ("2 hari kerja").
pub fn time_text(def: &SopDefinition, step: &Step, lang: Lang) -> String {
    match &step.time {
        Some(time) => match &time.as_written {
            Some(written) => written.clone(),
            None => pelihara_sop::text::describe_time(lang, time, def.settings.days),
        },
        None => String::new(),
    }
}

/// The notes under the Keterangan: what the flowchart leaves out to stay readable (returns
/// to the submitter, rejection without a drawn branch, skipping) and who else takes part.
fn notes(def: &SopDefinition, step: &Step, drawn_actor: Option<&str>, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    let decider = step
        .decision
        .as_ref()
        .map(|decision| decision.decided_by.as_str())
        .filter(|decider| !decider.is_empty() && Some(*decider) != drawn_actor);
    // The one who decides is named once, as the decider.
    let others: Vec<&str> = step
        .actors
        .iter()
        .filter(|id| Some(id.as_str()) != drawn_actor && Some(id.as_str()) != decider)
        .map(|id| actor_name(def, id))
        .collect();
    if !others.is_empty() {
        notes.push(t_args(
            lang,
            "render-note-with",
            &[("actors", arg(others.join(", ")))],
        ));
    }
    if let Some(decider) = decider {
        let actor = actor_name(def, decider);
        notes.push(t_args(
            lang,
            "render-note-decided-by",
            &[("actor", arg(actor))],
        ));
    }
    let reject_is_drawn = step
        .decision
        .as_ref()
        .is_some_and(|decision| decision.if_no == Target::Reject);
    let may_reject = step.may_reject && !reject_is_drawn;
    if step.may_return {
        let submitter = def
            .start_step()
            .actors
            .first()
            .map_or_else(String::new, |id| actor_name(def, id).to_owned());
        let key = if may_reject {
            "render-note-may-return-or-reject"
        } else {
            "render-note-may-return"
        };
        notes.push(t_args(lang, key, &[("actor", arg(submitter))]));
    } else if may_reject {
        notes.push(t(lang, "render-note-may-reject"));
    }
    if step.may_skip {
        notes.push(t(lang, "render-note-may-skip"));
    }
    notes
}

/// The name of an actor as the document writes it, or its id when it is unknown.
pub fn actor_name<'a>(def: &'a SopDefinition, id: &'a str) -> &'a str {
    def.actor(id).map_or(id, |actor| actor.name.as_str())
}

/// A header date as the document writes it: "2018-05" as "Mei 2018", "2022-02-14" as
/// "14 Februari 2022"; anything else as written (the definition may keep a free text).
pub fn document_date(lang: Lang, text: &str) -> String {
    let text = text.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return pelihara_i18n::format_date(lang, date);
    }
    let mut parts = text.splitn(2, '-');
    if let (Some(year), Some(month)) = (parts.next(), parts.next())
        && year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && let Ok(month) = month.parse::<u32>()
        && (1..=12).contains(&month)
    {
        return format!("{} {year}", t(lang, &format!("render-month-{month}")));
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::document_date;
    use pelihara_i18n::Lang;

    #[test]
    fn writes_header_dates_the_way_the_form_does() {
        assert_eq!(document_date(Lang::Id, "2018-05"), "Mei 2018");
        assert_eq!(document_date(Lang::En, "2022-02"), "February 2022");
        assert_eq!(document_date(Lang::Id, "2022-02-14"), "14 Februari 2022");
        assert_eq!(document_date(Lang::Id, ""), "");
        assert_eq!(document_date(Lang::Id, "2018-13"), "2018-13");
        assert_eq!(document_date(Lang::Id, "awal 2018"), "awal 2018");
    }
}
