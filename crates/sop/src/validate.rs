//! Checks a parsed definition file against the rules of the SOP model and turns it into a
//! `SopDefinition`, collecting every problem (not just the first) with its position. Never
//! builds a definition from a file that has any problem, and never panics on odd input.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::ops::Range;

use serde_spanned::Spanned;

use crate::error::{LineIndex, SopError, SopErrorKind};
use crate::model::{
    Actor, Approver, DayCount, Decision, Erratum, FieldKind, Header, Intake, IntakeField, Joint,
    Layout, Need, Requester, Settings, SopDefinition, Step, StepForm, StepKind, Target,
    TimeStandard, TimeUnit,
};
use crate::raw::{
    RawActor, RawDecision, RawDefinition, RawErratum, RawHeader, RawIntake, RawLayout, RawSettings,
    RawStep, RawTarget, RawTime,
};

/// The position a format-1 file written before `requester` existed gives its requesting OPD;
/// such an actor is read as the requester, so stored versions run as they always did.
const LEGACY_REQUESTER_POSITION: &str = "opd";

/// The only `format` this version of Pelihara reads.
pub const SUPPORTED_FORMAT: u32 = 1;

/// The `field` values an erratum may name: the parts of a step whose text can carry a slip.
const ERRATUM_FIELDS: &[&str] = &[
    "activity",
    "actors",
    "requirements",
    "time",
    "outputs",
    "decision",
];

/// Validates `raw` (parsed from `text`) and builds the definition, or returns every problem
/// found, ordered by position.
pub(crate) fn validate(
    source_name: &str,
    text: &str,
    raw: RawDefinition,
) -> Result<SopDefinition, Vec<SopError>> {
    let mut checker = Checker {
        source_name,
        index: LineIndex::new(text),
        errors: Vec::new(),
    };
    let definition = checker.definition(raw);
    if checker.errors.is_empty() {
        Ok(definition)
    } else {
        let mut errors = checker.errors;
        errors.sort_by_key(|error| (error.line, error.column));
        Err(errors)
    }
}

struct Checker<'a> {
    source_name: &'a str,
    index: LineIndex<'a>,
    errors: Vec<SopError>,
}

/// A step after its own checks, with the spans the checks across steps still need.
struct StepDraft {
    step: Step,
    /// The `[[steps]]` header: where "this step ..." problems point.
    span: Range<usize>,
    no_span: Range<usize>,
    kind_span: Range<usize>,
    /// The first name in `actors`, if any: the actor who performs the step.
    first_actor_span: Option<Range<usize>>,
    next_span: Option<Range<usize>>,
    if_no_span: Option<Range<usize>>,
}

impl Checker<'_> {
    fn report(&mut self, span: &Range<usize>, step: Option<u32>, kind: SopErrorKind) {
        let (line, column) = self.index.position(span.start);
        self.errors.push(SopError {
            source_name: self.source_name.to_owned(),
            line,
            column,
            step,
            kind,
        });
    }

    fn definition(&mut self, raw: RawDefinition) -> SopDefinition {
        let format = raw.format.get_ref();
        if *format != i64::from(SUPPORTED_FORMAT) {
            self.report(
                &raw.format.span(),
                None,
                SopErrorKind::UnsupportedFormat {
                    found: *format,
                    supported: SUPPORTED_FORMAT,
                },
            );
        }
        let header = self.header(raw.header);
        let settings_actor_refs: Vec<Spanned<String>> = raw
            .settings
            .as_ref()
            .map(|settings| {
                let settings = settings.get_ref();
                settings
                    .leadership
                    .iter()
                    .chain(&settings.register_keepers)
                    .chain(&settings.register_notified)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let settings = self.settings(raw.settings);
        let intake_span = raw.intake.as_ref().map(Spanned::span);
        let intake = self.intake(raw.intake);
        let actors = self.actors(raw.actors);
        self.settings_actors(&settings_actor_refs, &actors);
        if let Some(intake_span) = intake_span {
            self.requester_actor(&intake, &actors, intake_span);
        }
        let steps = self.steps(raw.steps, &actors);
        let step_numbers: Vec<u32> = steps.iter().map(|step| step.no).collect();
        let layout = self.layout(raw.layout, &step_numbers);
        let errata = self.errata(raw.errata, &step_numbers);
        SopDefinition {
            header,
            settings,
            intake,
            actors,
            steps,
            layout,
            errata,
        }
    }

    fn header(&mut self, raw: Spanned<RawHeader>) -> Header {
        let table = raw.span();
        let header = raw.into_inner();
        let code = self.required_header_text(header.code, &table, "code");
        let version = match header.version {
            None => {
                self.report(
                    &table,
                    None,
                    SopErrorKind::EmptyHeaderField { field: "version" },
                );
                0
            }
            Some(version) => match u32::try_from(*version.get_ref()) {
                Ok(value) if value >= 1 => value,
                _ => {
                    let found = *version.get_ref();
                    self.report(
                        &version.span(),
                        None,
                        SopErrorKind::InvalidVersion { found },
                    );
                    0
                }
            },
        };
        let number = self.required_header_text(header.number, &table, "number");
        let title = self.required_header_text(header.title, &table, "title");
        let office = self.required_header_text(header.office, &table, "office");
        let approver = header.approver.map(Spanned::into_inner);
        Header {
            code,
            version,
            number,
            title,
            government: text(header.government),
            office,
            created: text(header.created),
            revised: text(header.revised),
            effective: text(header.effective),
            legal_basis: texts(header.legal_basis),
            qualifications: texts(header.qualifications),
            related: texts(header.related),
            equipment: texts(header.equipment),
            warning: text(header.warning),
            records: texts(header.records),
            approver: match approver {
                Some(approver) => Approver {
                    position: text(approver.position),
                    name: text(approver.name),
                    rank: text(approver.rank),
                    nip: text(approver.nip),
                },
                None => Approver {
                    position: String::new(),
                    name: String::new(),
                    rank: String::new(),
                    nip: String::new(),
                },
            },
        }
    }

    /// A header field that must be written and not blank; a missing one points at `[header]`.
    fn required_header_text(
        &mut self,
        value: Option<Spanned<String>>,
        table: &Range<usize>,
        field: &'static str,
    ) -> String {
        match value {
            Some(value) if !value.get_ref().trim().is_empty() => value.into_inner(),
            Some(value) => {
                self.report(
                    &value.span(),
                    None,
                    SopErrorKind::EmptyHeaderField { field },
                );
                String::new()
            }
            None => {
                self.report(table, None, SopErrorKind::EmptyHeaderField { field });
                String::new()
            }
        }
    }

    fn settings(&mut self, raw: Option<Spanned<RawSettings>>) -> Settings {
        let mut settings = Settings::default();
        let Some(raw) = raw else {
            return settings;
        };
        let raw = raw.into_inner();
        if let Some(days) = raw.days {
            match DayCount::from_name(days.get_ref()) {
                Some(value) => settings.days = value,
                None => self.report(
                    &days.span(),
                    None,
                    SopErrorKind::UnknownDayCount {
                        found: days.get_ref().clone(),
                        allowed: DayCount::ALL.iter().map(|value| value.name()).collect(),
                    },
                ),
            }
        }
        if let Some(zone) = raw.time_zone {
            if zone.get_ref().parse::<chrono_tz::Tz>().is_err() {
                let found = zone.get_ref().clone();
                self.report(&zone.span(), None, SopErrorKind::UnknownTimeZone { found });
            }
            settings.time_zone = zone.into_inner();
        }
        if let Some(months) = raw.maintenance_interval_months {
            if *months.get_ref() == 0 {
                self.report(&months.span(), None, SopErrorKind::ZeroMaintenanceInterval);
            }
            settings.maintenance_interval_months = months.into_inner();
        }
        if let Some(percent) = raw.due_soon_percent {
            if *percent.get_ref() > 100 {
                let found = *percent.get_ref();
                self.report(
                    &percent.span(),
                    None,
                    SopErrorKind::DueSoonPercentTooHigh { found },
                );
            }
            settings.due_soon_percent = percent.into_inner();
        }
        if let Some(withdraw) = raw.opd_may_withdraw {
            settings.opd_may_withdraw = withdraw.into_inner();
        }
        settings.disposition_instructions = texts(raw.disposition_instructions);
        settings.leadership = texts(raw.leadership);
        settings.register_keepers = texts(raw.register_keepers);
        settings.register_notified = texts(raw.register_notified);
        settings
    }

    /// `leadership` and the register lists name actors that exist.
    fn settings_actors(&mut self, references: &[Spanned<String>], actors: &[Actor]) {
        let known: Vec<String> = actors.iter().map(|actor| actor.id.clone()).collect();
        for reference in references {
            if !known.contains(reference.get_ref()) {
                self.report(
                    &reference.span(),
                    None,
                    SopErrorKind::UnknownActor {
                        actor: reference.get_ref().clone(),
                        known: known.clone(),
                    },
                );
            }
        }
    }

    /// `[intake]`, with the Demak SOP's reading for every key left out.
    fn intake(&mut self, raw: Option<Spanned<RawIntake>>) -> Intake {
        let mut intake = Intake::default();
        let Some(raw) = raw else {
            return intake;
        };
        let table = raw.span();
        let raw = raw.into_inner();
        let requester_word = raw.requester.as_ref().map(|word| word.get_ref().as_str());
        match (requester_word, raw.requester_position) {
            (Some("position"), Some(position)) if !position.get_ref().trim().is_empty() => {
                intake.requester = Requester::Position(position.get_ref().trim().to_owned());
            }
            (Some("position"), Some(position)) => {
                self.report(
                    &position.span(),
                    None,
                    SopErrorKind::RequesterPositionMissing,
                );
            }
            (Some("position"), None) => {
                let span = raw.requester.as_ref().map_or(table.clone(), Spanned::span);
                self.report(&span, None, SopErrorKind::RequesterPositionMissing);
            }
            (None | Some("opd" | "employee"), Some(position)) => {
                self.report(
                    &position.span(),
                    None,
                    SopErrorKind::RequesterPositionUnexpected,
                );
            }
            // A misspelt word is reported below; the writer may well have meant "position",
            // so blaming requester_position as well would send them the wrong way.
            (Some(_), Some(_)) | (_, None) => {}
        }
        if let Some(word) = &raw.requester {
            match word.get_ref().as_str() {
                "opd" => intake.requester = Requester::Opd,
                "employee" => intake.requester = Requester::Employee,
                "position" => {}
                found => self.report(
                    &word.span(),
                    None,
                    SopErrorKind::UnknownWord {
                        field: "intake.requester",
                        found: found.to_owned(),
                        allowed: vec!["opd", "employee", "position"],
                    },
                ),
            }
        }
        if let Some(letter) = &raw.letter {
            intake.letter = self
                .word(
                    letter,
                    "intake.letter",
                    Need::from_name,
                    Need::ALL,
                    Need::name,
                )
                .unwrap_or(Need::Required);
        }
        if let Some(app) = &raw.app {
            intake.app = self
                .word(app, "intake.app", Need::from_name, Need::ALL, Need::name)
                .unwrap_or(Need::Required);
        }
        intake.maintenance = match &raw.maintenance {
            Some(flag) => *flag.get_ref(),
            // Only an SOP about apps can count as their maintenance.
            None => intake.app != Need::None,
        };
        if intake.maintenance && intake.app == Need::None {
            let span = raw
                .maintenance
                .as_ref()
                .map_or(table.clone(), Spanned::span);
            self.report(&span, None, SopErrorKind::MaintenanceWithoutApp);
        }
        for field in raw.fields {
            let field = field.into_inner();
            let id = field.id.get_ref().clone();
            let well_formed = id
                .chars()
                .next()
                .is_some_and(|first| first.is_ascii_lowercase())
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                self.report(
                    &field.id.span(),
                    None,
                    SopErrorKind::InvalidFieldId { id: id.clone() },
                );
            } else if intake.fields.iter().any(|known| known.id == id) {
                self.report(
                    &field.id.span(),
                    None,
                    SopErrorKind::DuplicateField { id: id.clone() },
                );
            }
            if field.label.get_ref().trim().is_empty() {
                self.report(&field.label.span(), None, SopErrorKind::EmptyFieldLabel);
            }
            let kind = self.word(
                &field.kind,
                "intake.fields.kind",
                FieldKind::from_name,
                FieldKind::ALL,
                FieldKind::name,
            );
            let choices: Vec<String> = match (&field.choices, kind) {
                // A misspelt kind is reported already, and "choise" with choices was meant to
                // be a choice: whether choices belong is unknowable, so nothing more is said.
                (_, None) => Vec::new(),
                (Some(choices), Some(FieldKind::Choice)) if choices.get_ref().is_empty() => {
                    self.report(&choices.span(), None, SopErrorKind::ChoicesMissing);
                    Vec::new()
                }
                (None, Some(FieldKind::Choice)) => {
                    self.report(&field.kind.span(), None, SopErrorKind::ChoicesMissing);
                    Vec::new()
                }
                (Some(choices), Some(FieldKind::Choice)) => choices
                    .get_ref()
                    .iter()
                    .map(|choice| choice.get_ref().clone())
                    .collect(),
                (Some(choices), Some(_)) => {
                    self.report(&choices.span(), None, SopErrorKind::ChoicesUnexpected);
                    Vec::new()
                }
                (None, Some(_)) => Vec::new(),
            };
            intake.fields.push(IntakeField {
                id,
                label: field.label.into_inner(),
                // Unknown kinds are reported; the placeholder is never returned.
                kind: kind.unwrap_or(FieldKind::Text),
                choices,
                required: field.required.is_some_and(Spanned::into_inner),
            });
        }
        intake
    }

    /// One of a fixed set of words, or a report naming the allowed ones.
    fn word<T: Copy>(
        &mut self,
        value: &Spanned<String>,
        field: &'static str,
        from_name: fn(&str) -> Option<T>,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let found = from_name(value.get_ref());
        if found.is_none() {
            self.report(
                &value.span(),
                None,
                SopErrorKind::UnknownWord {
                    field,
                    found: value.get_ref().clone(),
                    allowed: all.iter().map(|value| name(*value)).collect(),
                },
            );
        }
        found
    }

    /// An OPD or an employee who asks must be one of the actors: their tasks go to them. (A
    /// file without `[intake]` is read as written before the table existed.)
    fn requester_actor(&mut self, intake: &Intake, actors: &[Actor], intake_span: Range<usize>) {
        let needs_actor = matches!(intake.requester, Requester::Opd | Requester::Employee);
        if needs_actor && !actors.iter().any(|actor| actor.requester) {
            self.report(&intake_span, None, SopErrorKind::NoRequesterActor);
        }
    }

    fn actors(&mut self, raw: Vec<Spanned<RawActor>>) -> Vec<Actor> {
        let mut actors: Vec<Actor> = Vec::new();
        // Where each id was first defined, and the span of each kept actor's `reports_to`.
        let mut first_line: HashMap<String, usize> = HashMap::new();
        let mut reports_to_spans: Vec<Option<Range<usize>>> = Vec::new();
        for raw in raw {
            let actor = raw.into_inner();
            for (field, value) in [("id", &actor.id), ("name", &actor.name)] {
                if value.get_ref().trim().is_empty() {
                    self.report(&value.span(), None, SopErrorKind::EmptyActorField { field });
                }
            }
            let position = actor
                .position
                .as_ref()
                .map(|position| position.get_ref().trim().to_owned())
                .unwrap_or_default();
            let requester = match &actor.requester {
                Some(flag) => *flag.get_ref(),
                None => position == LEGACY_REQUESTER_POSITION,
            };
            if !requester && position.is_empty() {
                let span = actor
                    .position
                    .as_ref()
                    .map_or_else(|| actor.id.span(), Spanned::span);
                self.report(
                    &span,
                    None,
                    SopErrorKind::ActorWithoutPosition {
                        actor: actor.id.get_ref().clone(),
                    },
                );
            }
            if requester && let Some(first) = actors.iter().find(|actor| actor.requester) {
                let first = first.id.clone();
                let span = actor
                    .requester
                    .as_ref()
                    .map_or_else(|| actor.id.span(), Spanned::span);
                self.report(&span, None, SopErrorKind::ExtraRequesterActor { first });
            }
            let id = actor.id.get_ref().clone();
            if let Some(&line) = first_line.get(&id) {
                self.report(
                    &actor.id.span(),
                    None,
                    SopErrorKind::DuplicateActor {
                        id,
                        first_line: line,
                    },
                );
                continue;
            }
            first_line.insert(id.clone(), self.index.line(&actor.id.span()));
            reports_to_spans.push(actor.reports_to.as_ref().map(Spanned::span));
            actors.push(Actor {
                id,
                name: actor.name.into_inner(),
                position,
                requester,
                reports_to: actor.reports_to.map(Spanned::into_inner),
                column: actor.column.is_none_or(Spanned::into_inner),
            });
        }

        let known: Vec<String> = actors.iter().map(|actor| actor.id.clone()).collect();
        for (actor, span) in actors.iter().zip(&reports_to_spans) {
            if let (Some(target), Some(span)) = (&actor.reports_to, span)
                && !known.contains(target)
            {
                self.report(
                    span,
                    None,
                    SopErrorKind::UnknownReportsTo {
                        actor: actor.id.clone(),
                        reports_to: target.clone(),
                        known: known.clone(),
                    },
                );
            }
        }
        self.reports_to_cycles(&actors, &reports_to_spans);

        // The model lists the swimlane columns first, each group in document order.
        let (mut ordered, others): (Vec<Actor>, Vec<Actor>) =
            actors.into_iter().partition(|actor| actor.column);
        ordered.extend(others);
        ordered
    }

    /// Reports each escalation cycle once, at the member defined first in the file.
    fn reports_to_cycles(&mut self, actors: &[Actor], reports_to_spans: &[Option<Range<usize>>]) {
        let boss: HashMap<&str, &str> = actors
            .iter()
            .filter_map(|actor| Some((actor.id.as_str(), actor.reports_to.as_deref()?)))
            .collect();
        let mut in_reported_cycle: HashSet<&str> = HashSet::new();
        for (actor, span) in actors.iter().zip(reports_to_spans) {
            let start = actor.id.as_str();
            if in_reported_cycle.contains(start) {
                continue;
            }
            let mut path = vec![start];
            let mut current = boss.get(start).copied();
            // A chain longer than the number of actors has gone round; one that leads into a
            // cycle without `start` in it is reported when its members' turn comes.
            for _ in 0..actors.len() {
                match current {
                    Some(next) if next == start => {
                        in_reported_cycle.extend(path.iter().copied());
                        let mut cycle: Vec<String> =
                            path.iter().map(|id| (*id).to_owned()).collect();
                        cycle.push(start.to_owned());
                        if let Some(span) = span {
                            self.report(span, None, SopErrorKind::ReportsToCycle { cycle });
                        }
                        break;
                    }
                    Some(next) => {
                        path.push(next);
                        current = boss.get(next).copied();
                    }
                    None => break,
                }
            }
        }
    }

    fn steps(&mut self, raw: Vec<Spanned<RawStep>>, actors: &[Actor]) -> Vec<Step> {
        let known_actors: Vec<String> = actors.iter().map(|actor| actor.id.clone()).collect();
        let drafts: Vec<StepDraft> = raw
            .into_iter()
            .map(|raw| self.step(raw, actors, &known_actors))
            .collect();

        let mut graph_sound = true;
        // Numbers: unique, and exactly 1..=count.
        let mut first_line: HashMap<u32, usize> = HashMap::new();
        let mut misplaced: Vec<&StepDraft> = Vec::new();
        let count = drafts.len();
        for draft in &drafts {
            let no = draft.step.no;
            if let Some(&line) = first_line.get(&no) {
                self.report(
                    &draft.no_span,
                    Some(no),
                    SopErrorKind::DuplicateStep {
                        no,
                        first_line: line,
                    },
                );
                misplaced.push(draft);
                graph_sound = false;
            } else {
                first_line.insert(no, self.index.line(&draft.no_span));
                if no == 0 || usize::try_from(no).map_or(true, |no| no > count) {
                    misplaced.push(draft);
                }
            }
        }
        let numbers: BTreeSet<u32> = first_line.keys().copied().collect();
        let known_numbers: Vec<u32> = numbers.iter().copied().collect();
        let missing =
            (1..=u32::try_from(count).unwrap_or(u32::MAX)).filter(|no| !numbers.contains(no));
        // Each missing number is blamed on a step whose number is out of place; there is always
        // one for each, as `count` steps cannot leave a gap in 1..=count otherwise.
        let mut misplaced = misplaced.into_iter();
        let last_span = drafts
            .last()
            .map(|draft| draft.no_span.clone())
            .unwrap_or(0..0);
        for missing in missing {
            let (span, step) = misplaced.next().map_or((last_span.clone(), None), |draft| {
                (draft.no_span.clone(), Some(draft.step.no))
            });
            self.report(
                &span,
                step,
                SopErrorKind::MissingStepNumber { missing, count },
            );
        }

        // Exactly one start, at least one end.
        let starts: Vec<&StepDraft> = drafts
            .iter()
            .filter(|draft| draft.step.kind == StepKind::Start)
            .collect();
        let first_span = drafts
            .first()
            .map(|draft| draft.span.clone())
            .unwrap_or(0..0);
        match starts.as_slice() {
            [] => {
                self.report(&first_span, None, SopErrorKind::NoStartStep);
                graph_sound = false;
            }
            [_] => {}
            [first, extra @ ..] => {
                for draft in extra {
                    self.report(
                        &draft.kind_span,
                        Some(draft.step.no),
                        SopErrorKind::ExtraStartStep {
                            first: first.step.no,
                        },
                    );
                }
                graph_sound = false;
            }
        }
        if !drafts.iter().any(|draft| draft.step.kind == StepKind::End) {
            let span = drafts
                .last()
                .map(|draft| draft.span.clone())
                .unwrap_or(0..0);
            self.report(&span, None, SopErrorKind::NoEndStep);
            graph_sound = false;
        }

        // The requester performs the start, and only an SOP with a requester can return to it.
        let requester = actors.iter().find(|actor| actor.requester);
        for draft in &drafts {
            let no = Some(draft.step.no);
            if let (StepKind::Start, Some(requester), Some(first)) =
                (draft.step.kind, requester, draft.step.actors.first())
                && *first != requester.id
            {
                // The fix is to name the requester first, so point at the actor named instead
                // (pointing at `kind` sent the reader to a line that is right as it stands).
                let span = draft
                    .first_actor_span
                    .clone()
                    .unwrap_or_else(|| draft.kind_span.clone());
                self.report(
                    &span,
                    no,
                    SopErrorKind::StartActorNotRequester {
                        actor: first.clone(),
                        requester: requester.id.clone(),
                    },
                );
            }
            let returns = draft.step.may_return
                || draft
                    .step
                    .decision
                    .as_ref()
                    .is_some_and(|decision| decision.if_no == Target::Return);
            if returns && requester.is_none() {
                let span = draft
                    .if_no_span
                    .clone()
                    .unwrap_or_else(|| draft.span.clone());
                self.report(&span, no, SopErrorKind::ReturnWithoutRequester);
            }
        }

        // Every link leads to a step that exists.
        for draft in &drafts {
            let no = Some(draft.step.no);
            if let (Some(target), Some(span)) = (draft.step.next, &draft.next_span)
                && !numbers.contains(&target)
            {
                let known = known_numbers.clone();
                self.report(span, no, SopErrorKind::UnknownNext { target, known });
                graph_sound = false;
            }
            let if_no = draft.step.decision.as_ref().map(|decision| decision.if_no);
            if let (Some(Target::Step(target)), Some(span)) = (if_no, &draft.if_no_span)
                && !numbers.contains(&target)
            {
                let known = known_numbers.clone();
                self.report(span, no, SopErrorKind::UnknownIfNo { target, known });
                graph_sound = false;
            }
        }
        // Per-step problems with links (a missing `next`, a `next` on an end) were reported
        // already; they make the flow unknowable too.
        graph_sound &= self.errors.iter().all(|error| {
            !matches!(
                error.kind,
                SopErrorKind::MissingNext
                    | SopErrorKind::EndStepWithNext
                    | SopErrorKind::UnknownKind { .. }
                    | SopErrorKind::MissingDecision
                    | SopErrorKind::UnknownIfNoWord { .. }
            )
        });
        if graph_sound {
            self.reachability(&drafts);
        }

        let mut steps: Vec<Step> = drafts.into_iter().map(|draft| draft.step).collect();
        steps.sort_by_key(|step| step.no);
        steps
    }

    /// With a sound flow: every step is reachable from the start, and an end (an end step, or
    /// a rejection by a decision) is reachable from every step a case can be at; otherwise a
    /// case could stick there for ever.
    fn reachability(&mut self, drafts: &[StepDraft]) {
        let position: HashMap<u32, usize> = drafts
            .iter()
            .enumerate()
            .map(|(index, draft)| (draft.step.no, index))
            .collect();
        let successors: Vec<Vec<usize>> = drafts
            .iter()
            .map(|draft| {
                let if_no =
                    draft
                        .step
                        .decision
                        .as_ref()
                        .and_then(|decision| match decision.if_no {
                            Target::Step(no) => Some(no),
                            // "return" comes back to this very step; "reject" ends.
                            Target::Reject | Target::Return => None,
                        });
                draft
                    .step
                    .next
                    .into_iter()
                    .chain(if_no)
                    .filter_map(|no| position.get(&no).copied())
                    .collect()
            })
            .collect();
        let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); drafts.len()];
        for (from, targets) in successors.iter().enumerate() {
            for &to in targets {
                if let Some(list) = predecessors.get_mut(to) {
                    list.push(from);
                }
            }
        }

        let starts = drafts
            .iter()
            .enumerate()
            .filter(|(_, draft)| draft.step.kind == StepKind::Start);
        let reachable = flood(starts.map(|(index, _)| index), &successors);
        // A case also ends when a decision answers "no" with `reject`.
        let ends = drafts.iter().enumerate().filter(|(_, draft)| {
            draft.step.kind == StepKind::End
                || draft
                    .step
                    .decision
                    .as_ref()
                    .is_some_and(|decision| decision.if_no == Target::Reject)
        });
        let reaches_end = flood(ends.map(|(index, _)| index), &predecessors);

        for (index, draft) in drafts.iter().enumerate() {
            let no = Some(draft.step.no);
            if !reachable.contains(&index) {
                self.report(&draft.span, no, SopErrorKind::Unreachable);
            } else if !reaches_end.contains(&index) {
                let span = draft
                    .next_span
                    .clone()
                    .unwrap_or_else(|| draft.span.clone());
                self.report(&span, no, SopErrorKind::EndUnreachable);
            }
        }
    }

    /// Checks what one step says about itself and converts it.
    fn step(
        &mut self,
        raw: Spanned<RawStep>,
        actors: &[Actor],
        known_actors: &[String],
    ) -> StepDraft {
        let span = raw.span();
        let raw = raw.into_inner();
        let no = *raw.no.get_ref();
        let at = Some(no);

        let kind = StepKind::from_name(raw.kind.get_ref());
        if kind.is_none() {
            self.report(
                &raw.kind.span(),
                at,
                SopErrorKind::UnknownKind {
                    found: raw.kind.get_ref().clone(),
                    allowed: StepKind::ALL.iter().map(|kind| kind.name()).collect(),
                },
            );
        }
        let form = StepForm::from_name(raw.form.get_ref());
        if form.is_none() {
            self.report(
                &raw.form.span(),
                at,
                SopErrorKind::UnknownForm {
                    found: raw.form.get_ref().clone(),
                    allowed: StepForm::ALL.iter().map(|form| form.name()).collect(),
                },
            );
        }

        let activity = match raw.activity {
            Some(activity) if !activity.get_ref().trim().is_empty() => activity.into_inner(),
            Some(activity) => {
                self.report(&activity.span(), at, SopErrorKind::EmptyActivity);
                String::new()
            }
            None => {
                self.report(&span, at, SopErrorKind::EmptyActivity);
                String::new()
            }
        };

        let first_actor_span = raw
            .actors
            .as_ref()
            .and_then(|list| list.get_ref().first().map(Spanned::span));
        let step_actors = self.step_actors(raw.actors, &span, at, actors, known_actors);

        if kind == Some(StepKind::End) {
            let present = [
                ("time", raw.time.as_ref().map(Spanned::span)),
                ("may_return", raw.may_return.as_ref().map(Spanned::span)),
                ("may_reject", raw.may_reject.as_ref().map(Spanned::span)),
                ("may_skip", raw.may_skip.as_ref().map(Spanned::span)),
                ("joint", raw.joint.as_ref().map(Spanned::span)),
            ];
            for (flag, flag_span) in present {
                if let Some(flag_span) = flag_span {
                    self.report(&flag_span, at, SopErrorKind::EndStepFlag { flag });
                }
            }
        }
        if let Some(form) = form {
            let form_span = raw.form.span();
            match kind {
                Some(StepKind::Start) if form != StepForm::Submit => {
                    self.report(&form_span, at, SopErrorKind::StartFormNotSubmit);
                }
                Some(StepKind::Activity | StepKind::Decision)
                    if matches!(form, StepForm::Submit | StepForm::None) =>
                {
                    let form = form.name();
                    self.report(&form_span, at, SopErrorKind::StepCannotComplete { form });
                }
                _ => {}
            }
            if form == StepForm::Decision && kind.is_some_and(|kind| kind != StepKind::Decision) {
                self.report(&form_span, at, SopErrorKind::DecisionFormNotOnDecision);
            }
        }
        let joint = match &raw.joint {
            Some(word) => {
                let joint = self
                    .word(word, "joint", Joint::from_name, Joint::ALL, Joint::name)
                    .unwrap_or(Joint::First);
                // A step without actors is reported already (no-actors); joint is not its fault.
                if joint != Joint::First && step_actors.len() == 1 {
                    self.report(&word.span(), at, SopErrorKind::JointWithOneActor);
                }
                // On a decision answered on its own, `all` has the other actors paraf before
                // the decider answers; `any` would let someone other than the decider answer.
                if let Some(form) = form
                    && joint == Joint::All
                    && !matches!(
                        form,
                        StepForm::Record | StepForm::Paraf | StepForm::Decision
                    )
                {
                    let form = form.name();
                    self.report(&word.span(), at, SopErrorKind::JointAllForm { form });
                }
                if form == Some(StepForm::Decision) && joint == Joint::Any {
                    self.report(&word.span(), at, SopErrorKind::JointAnyDecision);
                }
                joint
            }
            None => Joint::First,
        };

        let time = self.time(raw.time, kind, &span, at);

        let next_span = raw.next.as_ref().map(Spanned::span);
        let next = raw.next.map(Spanned::into_inner);
        match (kind, &next_span) {
            (Some(StepKind::End), Some(next_span)) => {
                self.report(next_span, at, SopErrorKind::EndStepWithNext);
            }
            (Some(StepKind::Start | StepKind::Activity | StepKind::Decision), None) => {
                self.report(&span, at, SopErrorKind::MissingNext);
            }
            _ => {}
        }

        let may_return = flag(&raw.may_return);
        let may_reject = flag(&raw.may_reject);
        if kind == Some(StepKind::Start) {
            for (name, value) in [
                ("may_return", &raw.may_return),
                ("may_reject", &raw.may_reject),
            ] {
                if let Some(value) = value
                    && *value.get_ref()
                {
                    self.report(
                        &value.span(),
                        at,
                        SopErrorKind::StartStepFlag { flag: name },
                    );
                }
            }
        }

        let if_no_span = raw
            .decision
            .as_ref()
            .map(|decision| decision.get_ref().if_no.span());
        let decision = match (kind, raw.decision) {
            (Some(StepKind::Decision), None) => {
                self.report(&raw.kind.span(), at, SopErrorKind::MissingDecision);
                None
            }
            (Some(StepKind::Decision), Some(decision)) => {
                let decision = self.decision(decision, &step_actors, known_actors, at);
                if let (Some(decision), Some(if_no_span)) = (&decision, &if_no_span)
                    && let (Target::Step(target), Some(next)) = (decision.if_no, next)
                    && target == next
                {
                    self.report(
                        if_no_span,
                        at,
                        SopErrorKind::DecisionBranchesSame { target },
                    );
                }
                decision
            }
            (Some(_), Some(decision)) => {
                self.report(&decision.span(), at, SopErrorKind::UnexpectedDecision);
                None
            }
            // An unknown kind is reported already; whether a decision belongs is unknowable.
            (None, _) | (Some(_), None) => None,
        };

        StepDraft {
            step: Step {
                no,
                // Unknown kinds and forms are reported; the placeholders are never returned.
                kind: kind.unwrap_or(StepKind::Activity),
                form: form.unwrap_or(StepForm::None),
                actors: step_actors,
                activity,
                requirements: texts(raw.requirements),
                time,
                outputs: texts(raw.outputs),
                next,
                may_return,
                may_reject,
                may_skip: flag(&raw.may_skip),
                decision,
                joint,
                reading: raw.reading.map(Spanned::into_inner),
                // A blank Keterangan cell is the same as none.
                remarks: raw
                    .remarks
                    .map(Spanned::into_inner)
                    .filter(|remarks| !remarks.trim().is_empty()),
            },
            span,
            no_span: raw.no.span(),
            kind_span: raw.kind.span(),
            first_actor_span,
            next_span,
            if_no_span,
        }
    }

    fn step_actors(
        &mut self,
        raw: Option<Spanned<Vec<Spanned<String>>>>,
        step_span: &Range<usize>,
        at: Option<u32>,
        actors: &[Actor],
        known_actors: &[String],
    ) -> Vec<String> {
        let Some(raw) = raw else {
            self.report(step_span, at, SopErrorKind::NoActors);
            return Vec::new();
        };
        let list_span = raw.span();
        let raw = raw.into_inner();
        if raw.is_empty() {
            self.report(&list_span, at, SopErrorKind::NoActors);
        }
        for (position, id) in raw.iter().enumerate() {
            match actors.iter().find(|actor| actor.id == *id.get_ref()) {
                None => self.report(
                    &id.span(),
                    at,
                    SopErrorKind::UnknownActor {
                        actor: id.get_ref().clone(),
                        known: known_actors.to_vec(),
                    },
                ),
                Some(actor) if position == 0 && !actor.column => self.report(
                    &id.span(),
                    at,
                    SopErrorKind::FirstActorNotColumn {
                        actor: actor.id.clone(),
                    },
                ),
                Some(_) => {}
            }
        }
        texts(raw)
    }

    fn time(
        &mut self,
        raw: Option<Spanned<RawTime>>,
        kind: Option<StepKind>,
        step_span: &Range<usize>,
        at: Option<u32>,
    ) -> Option<TimeStandard> {
        let Some(raw) = raw else {
            if matches!(
                kind,
                Some(StepKind::Start | StepKind::Activity | StepKind::Decision)
            ) {
                self.report(step_span, at, SopErrorKind::MissingTime);
            }
            return None;
        };
        let raw = raw.into_inner();
        let unit = TimeUnit::from_written(raw.unit.get_ref());
        if unit.is_none() {
            self.report(
                &raw.unit.span(),
                at,
                SopErrorKind::UnknownTimeUnit {
                    found: raw.unit.get_ref().clone(),
                    allowed: TimeUnit::written_names().collect(),
                },
            );
        }
        if *raw.value.get_ref() == 0 {
            self.report(&raw.value.span(), at, SopErrorKind::ZeroTime);
        }
        Some(TimeStandard {
            value: raw.value.into_inner(),
            unit: unit.unwrap_or(TimeUnit::Minutes),
            as_written: raw.as_written.map(Spanned::into_inner),
        })
    }

    fn decision(
        &mut self,
        raw: Spanned<RawDecision>,
        step_actors: &[String],
        known_actors: &[String],
        at: Option<u32>,
    ) -> Option<Decision> {
        let raw = raw.into_inner();
        if raw.question.get_ref().trim().is_empty() {
            self.report(&raw.question.span(), at, SopErrorKind::EmptyQuestion);
        }
        let if_no = match raw.if_no.get_ref() {
            RawTarget::Step(no) => Target::Step(*no),
            RawTarget::Word(word) if word == "reject" => Target::Reject,
            RawTarget::Word(word) if word == "return" => Target::Return,
            RawTarget::Word(word) => {
                let found = word.clone();
                self.report(
                    &raw.if_no.span(),
                    at,
                    SopErrorKind::UnknownIfNoWord { found },
                );
                Target::Reject
            }
        };
        let decided_by = match raw.decided_by {
            Some(actor) => {
                if !known_actors.contains(actor.get_ref()) {
                    self.report(
                        &actor.span(),
                        at,
                        SopErrorKind::UnknownDecider {
                            actor: actor.get_ref().clone(),
                            known: known_actors.to_vec(),
                        },
                    );
                // On a step without actors (reported already) the decider may well be right:
                // the missing actors are the one problem.
                } else if !step_actors.is_empty() && !step_actors.contains(actor.get_ref()) {
                    self.report(
                        &actor.span(),
                        at,
                        SopErrorKind::DeciderNotOnStep {
                            actor: actor.get_ref().clone(),
                        },
                    );
                }
                actor.into_inner()
            }
            // A step without actors is reported already.
            None => step_actors.first().cloned().unwrap_or_default(),
        };
        Some(Decision {
            question: raw.question.into_inner(),
            if_no,
            decided_by,
        })
    }

    fn layout(&mut self, raw: Option<Spanned<RawLayout>>, steps: &[u32]) -> Layout {
        let Some(raw) = raw else {
            return Layout::default();
        };
        let mut page_breaks = Vec::new();
        for page_break in raw.into_inner().page_breaks {
            let step = *page_break.get_ref();
            if !steps.contains(&step) {
                let known = steps.to_vec();
                self.report(
                    &page_break.span(),
                    None,
                    SopErrorKind::UnknownPageBreak { step, known },
                );
            }
            page_breaks.push(step);
        }
        Layout { page_breaks }
    }

    fn errata(&mut self, raw: Vec<Spanned<RawErratum>>, steps: &[u32]) -> Vec<Erratum> {
        let mut errata = Vec::new();
        for erratum in raw {
            let erratum = erratum.into_inner();
            let step = *erratum.step.get_ref();
            if !steps.contains(&step) {
                let known = steps.to_vec();
                self.report(
                    &erratum.step.span(),
                    None,
                    SopErrorKind::UnknownErratumStep { step, known },
                );
            }
            if !ERRATUM_FIELDS.contains(&erratum.field.get_ref().as_str()) {
                self.report(
                    &erratum.field.span(),
                    Some(step),
                    SopErrorKind::UnknownErratumField {
                        found: erratum.field.get_ref().clone(),
                        allowed: ERRATUM_FIELDS.to_vec(),
                    },
                );
            }
            errata.push(Erratum {
                step,
                field: erratum.field.into_inner(),
                written: erratum.written.into_inner(),
                reading: erratum.reading.into_inner(),
            });
        }
        errata
    }
}

/// Every node reachable from `starts` along `edges`.
fn flood(starts: impl Iterator<Item = usize>, edges: &[Vec<usize>]) -> HashSet<usize> {
    let mut seen: HashSet<usize> = HashSet::new();
    let mut queue: VecDeque<usize> = starts.collect();
    while let Some(node) = queue.pop_front() {
        if seen.insert(node) {
            queue.extend(edges.get(node).into_iter().flatten().copied());
        }
    }
    seen
}

fn text(value: Option<Spanned<String>>) -> String {
    value.map(Spanned::into_inner).unwrap_or_default()
}

fn texts(values: Vec<Spanned<String>>) -> Vec<String> {
    values.into_iter().map(Spanned::into_inner).collect()
}

fn flag(value: &Option<Spanned<bool>>) -> bool {
    value.as_ref().is_some_and(|value| *value.get_ref())
}
