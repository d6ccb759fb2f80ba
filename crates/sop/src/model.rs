//! The validated SOP definition: what the rest of Pelihara reads. Never built except by
//! `parse` + validation, so every value here has already been checked.

use serde::Serialize;

/// One version of one SOP, as the official PermenPAN-RB 35/2012 document lays it out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SopDefinition {
    pub header: Header,
    pub settings: Settings,
    /// Who starts a case and what the start form asks.
    pub intake: Intake,
    /// The "Pelaksana" columns in document order, then participants with `column == false`.
    pub actors: Vec<Actor>,
    /// Steps in ascending `no`.
    pub steps: Vec<Step>,
    pub layout: Layout,
    pub errata: Vec<Erratum>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    /// Stable identifier across versions (e.g. `pemeliharaan-aplikasi-website`).
    pub code: String,
    pub version: u32,
    pub number: String,
    pub title: String,
    pub government: String,
    pub office: String,
    pub created: String,
    pub revised: String,
    pub effective: String,
    pub legal_basis: Vec<String>,
    pub qualifications: Vec<String>,
    pub related: Vec<String>,
    pub equipment: Vec<String>,
    pub warning: String,
    pub records: Vec<String>,
    pub approver: Approver,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approver {
    pub position: String,
    pub name: String,
    pub rank: String,
    pub nip: String,
}

/// How a bare "hari" of the SOP is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DayCount {
    Working,
    Calendar,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub days: DayCount,
    /// IANA name, e.g. `Asia/Jakarta`.
    pub time_zone: String,
    pub maintenance_interval_months: u32,
    pub due_soon_percent: u32,
    pub opd_may_withdraw: bool,
    pub disposition_instructions: Vec<String>,
    /// Actor ids whose holders lead the office: they receive the daily digest.
    pub leadership: Vec<String>,
    /// Actor ids whose holders keep the register of apps and websites (add, edit, prepare a
    /// maintenance request), for an SOP whose cases count as maintenance.
    pub register_keepers: Vec<String>,
    /// Actor ids whose holders hear of apps due for maintenance and failing health checks.
    pub register_notified: Vec<String>,
}

/// Who may start a case of this SOP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Requester {
    /// An operator of an OPD, for their own OPD (the Demak maintenance request).
    Opd,
    /// Any signed-in staff member, for themself (e.g. a leave request).
    Employee,
    /// Only holders of this position.
    Position(String),
}

/// Whether the start form asks for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Need {
    Required,
    Optional,
    None,
}

/// The kind of value an extra start-form field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldKind {
    Text,
    LongText,
    Date,
    Number,
    Choice,
}

/// One extra field of the start form, kept with the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntakeField {
    /// Lowercase ASCII, unique within the SOP.
    pub id: String,
    pub label: String,
    pub kind: FieldKind,
    /// The values offered, for `FieldKind::Choice` only.
    pub choices: Vec<String>,
    pub required: bool,
}

/// `[intake]`: who starts a case and what the start form asks. The defaults are the Demak
/// SOP's, so a file written before these keys existed runs as it always did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Intake {
    pub requester: Requester,
    /// The PDF letter (surat permohonan).
    pub letter: Need,
    /// An application or website from the register.
    pub app: Need,
    /// Whether a finished case counts as maintenance of its app.
    pub maintenance: bool,
    pub fields: Vec<IntakeField>,
}

impl Default for Intake {
    fn default() -> Intake {
        Intake {
            requester: Requester::Opd,
            letter: Need::Required,
            app: Need::Required,
            maintenance: true,
            fields: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub id: String,
    /// The column heading as written in the document.
    pub name: String,
    /// The Pelihara position that performs this actor's tasks; empty for the requester.
    pub position: String,
    /// This actor is the party who asked: the case's OPD operators, or the employee who
    /// submitted. Its tasks go to them, whatever positions exist.
    pub requester: bool,
    pub reports_to: Option<String>,
    /// Whether the actor is a swimlane column of the official table.
    pub column: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StepKind {
    Start,
    Activity,
    Decision,
    End,
}

/// The typed record a step produces in Pelihara.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum StepForm {
    Submit,
    /// Step 2's registration of the letter (`form = "register"` in a definition file, and
    /// `Register` in the API's JSON as before).
    #[serde(rename = "Register")]
    Registration,
    Dispose,
    Analysis,
    Maintenance,
    Hosting,
    Handover,
    /// A note (with attachments): any activity of another SOP.
    Record,
    /// The deciding actor answers the step's question yes or no.
    Decision,
    /// The actor signs (paraf) the step, with an optional note.
    Paraf,
    None,
}

/// How a step with several actors is shared among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Joint {
    /// The first actor performs; the others are named in the document only.
    First,
    /// The task is in each actor's inbox; one of them completes it.
    Any,
    /// Each actor must confirm; the step ends when all have.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TimeUnit {
    Minutes,
    Hours,
    /// "hari": counted as `Settings::days` says.
    Days,
    WorkingDays,
    CalendarDays,
}

/// A Mutu Baku time standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeStandard {
    pub value: u32,
    pub unit: TimeUnit,
    /// The text as the approved document writes it (e.g. "5 Menit"), for reproductions.
    pub as_written: Option<String>,
}

/// Where a branch of a step leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Target {
    Step(u32),
    /// The case ends as rejected.
    Reject,
    /// Back to the requester for completion (the clock pauses), then the same step again.
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub question: String,
    /// Where the "no" answer leads; "yes" follows `Step::next`.
    pub if_no: Target,
    /// The actor who answers; defaults to the step's first actor.
    pub decided_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub no: u32,
    pub kind: StepKind,
    pub form: StepForm,
    /// Actor ids; the first performs the step (and is where the flowchart draws it).
    pub actors: Vec<String>,
    pub activity: String,
    pub requirements: Vec<String>,
    /// `None` only for `End` steps.
    pub time: Option<TimeStandard>,
    pub outputs: Vec<String>,
    /// The following step; `None` only for `End` steps.
    pub next: Option<u32>,
    /// May return the request to the OPD for completion (the SLA clock pauses).
    pub may_return: bool,
    pub may_reject: bool,
    /// May be marked not applicable, with a reason.
    pub may_skip: bool,
    pub decision: Option<Decision>,
    pub joint: Joint,
    /// How Pelihara reads the step where the document is silent or unclear.
    pub reading: Option<String>,
    /// The "Keterangan" column of the official table, as written; `None` where it is blank.
    pub remarks: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Layout {
    /// The official document starts a new page after these step numbers.
    pub page_breaks: Vec<u32>,
}

/// A known slip of the approved text, kept as written and read as `reading`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erratum {
    pub step: u32,
    pub field: String,
    pub written: String,
    pub reading: String,
}

impl SopDefinition {
    pub fn step(&self, no: u32) -> Option<&Step> {
        self.steps.iter().find(|step| step.no == no)
    }

    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|actor| actor.id == id)
    }

    /// The actor standing for the party who asked, if the SOP has one.
    pub fn requester_actor(&self) -> Option<&Actor> {
        self.actors.iter().find(|actor| actor.requester)
    }

    /// The step's actors who get a task of it: all of them for a joint step shared with
    /// `any` or `all`, otherwise the first.
    pub fn performers<'a>(&'a self, step: &'a Step) -> impl Iterator<Item = &'a Actor> + 'a {
        let take = match step.joint {
            Joint::First => 1,
            Joint::Any | Joint::All => step.actors.len(),
        };
        step.actors
            .iter()
            .take(take)
            .filter_map(|id| self.actor(id))
    }

    /// The positions of staff who act in this SOP (the requester actor holds none).
    pub fn positions(&self) -> impl Iterator<Item = &str> {
        self.actors
            .iter()
            .filter(|actor| !actor.requester)
            .map(|actor| actor.position.as_str())
    }

    /// The escalation chain above a position: the positions of the actors it reports to, in
    /// order, as the SOP's `reports_to` says.
    pub fn superiors_of(&self, position: &str) -> Vec<String> {
        let mut chain = Vec::new();
        let mut current = self
            .actors
            .iter()
            .find(|actor| !actor.requester && actor.position == position);
        while let Some(actor) = current {
            let Some(boss) = actor.reports_to.as_deref().and_then(|id| self.actor(id)) else {
                break;
            };
            // Validation refuses cycles; the bound keeps a stored bad file from looping.
            if chain.contains(&boss.position) || chain.len() > self.actors.len() {
                break;
            }
            chain.push(boss.position.clone());
            current = Some(boss);
        }
        chain
    }

    /// The positions of these actor ids (unknown ids and the requester skipped).
    pub fn positions_of(&self, actor_ids: &[String]) -> Vec<String> {
        actor_ids
            .iter()
            .filter_map(|id| self.actor(id))
            .filter(|actor| !actor.requester)
            .map(|actor| actor.position.clone())
            .collect()
    }

    /// The swimlane columns, in document order.
    pub fn columns(&self) -> impl Iterator<Item = &Actor> {
        self.actors.iter().filter(|actor| actor.column)
    }

    /// The step a new case starts at.
    pub fn start_step(&self) -> &Step {
        // Validation guarantees exactly one start step; steps are never empty.
        self.steps
            .iter()
            .find(|step| step.kind == StepKind::Start)
            .unwrap_or(&self.steps[0])
    }
}

/// The word a definition file uses for each value of an enum, in one place so that the
/// parser, the error messages and the renderers agree.
macro_rules! file_names {
    ($type:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// Every value, in the order the file format documents them.
            pub const ALL: &'static [$type] = &[$($type::$variant),+];

            /// The word the definition file uses for this value.
            pub fn name(self) -> &'static str {
                match self {
                    $($type::$variant => $name),+
                }
            }

            /// The value a definition file word stands for, if any.
            pub fn from_name(name: &str) -> Option<$type> {
                match name {
                    $($name => Some($type::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

file_names!(DayCount { Working => "working", Calendar => "calendar" });
file_names!(StepKind { Start => "start", Activity => "activity", Decision => "decision", End => "end" });
file_names!(StepForm {
    Submit => "submit",
    Registration => "register",
    Dispose => "dispose",
    Analysis => "analysis",
    Maintenance => "maintenance",
    Hosting => "hosting",
    Handover => "handover",
    Record => "record",
    Decision => "decision",
    Paraf => "paraf",
    None => "none",
});
file_names!(Joint { First => "first", Any => "any", All => "all" });
file_names!(Need { Required => "required", Optional => "optional", None => "none" });
file_names!(FieldKind {
    Text => "text",
    LongText => "long_text",
    Date => "date",
    Number => "number",
    Choice => "choice",
});
file_names!(TimeUnit {
    Minutes => "minutes",
    Hours => "hours",
    Days => "days",
    WorkingDays => "working_days",
    CalendarDays => "calendar_days",
});

/// The units as Indonesian SOP documents write them, accepted beside the file-format names so
/// that a transcriber can copy the Mutu Baku column as it stands.
const INDONESIAN_TIME_UNITS: &[(&str, TimeUnit)] = &[
    ("menit", TimeUnit::Minutes),
    ("jam", TimeUnit::Hours),
    ("hari", TimeUnit::Days),
    ("hari kerja", TimeUnit::WorkingDays),
];

impl TimeUnit {
    /// The value a `time.unit` of a definition file stands for: a file-format name or the
    /// Indonesian word of the documents.
    pub fn from_written(word: &str) -> Option<TimeUnit> {
        TimeUnit::from_name(word).or_else(|| {
            INDONESIAN_TIME_UNITS
                .iter()
                .find(|(name, _)| *name == word)
                .map(|(_, unit)| *unit)
        })
    }

    /// Every word `from_written` accepts: the file-format names, then the Indonesian ones.
    pub fn written_names() -> impl Iterator<Item = &'static str> {
        TimeUnit::ALL
            .iter()
            .map(|unit| unit.name())
            .chain(INDONESIAN_TIME_UNITS.iter().map(|(name, _)| *name))
    }

    /// The unit with a bare "hari" resolved to working or calendar days, as `days` says.
    pub fn resolve(self, days: DayCount) -> TimeUnit {
        match (self, days) {
            (TimeUnit::Days, DayCount::Working) => TimeUnit::WorkingDays,
            (TimeUnit::Days, DayCount::Calendar) => TimeUnit::CalendarDays,
            (other, _) => other,
        }
    }
}

impl Default for Settings {
    /// The reading of docs/sop-reading.md where a definition leaves `[settings]` out.
    fn default() -> Settings {
        Settings {
            days: DayCount::Working,
            time_zone: "Asia/Jakarta".to_owned(),
            maintenance_interval_months: 12,
            due_soon_percent: 25,
            opd_may_withdraw: true,
            disposition_instructions: Vec::new(),
            leadership: Vec::new(),
            register_keepers: Vec::new(),
            register_notified: Vec::new(),
        }
    }
}

/// The sum of the Mutu Baku time standards, per unit (units are never converted into each
/// other: a working day is not a fixed number of minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TimeTotals {
    pub minutes: u64,
    pub hours: u64,
    pub working_days: u64,
    pub calendar_days: u64,
}

impl TimeTotals {
    pub fn add(&mut self, time: &TimeStandard, days: DayCount) {
        let value = u64::from(time.value);
        let slot = match time.unit.resolve(days) {
            TimeUnit::Minutes => &mut self.minutes,
            TimeUnit::Hours => &mut self.hours,
            TimeUnit::WorkingDays | TimeUnit::Days => &mut self.working_days,
            TimeUnit::CalendarDays => &mut self.calendar_days,
        };
        *slot = slot.saturating_add(value);
    }
}

impl SopDefinition {
    /// The sum of every step's time standard (the SOP's total service time).
    pub fn total_time(&self) -> TimeTotals {
        let mut totals = TimeTotals::default();
        for time in self.steps.iter().filter_map(|step| step.time.as_ref()) {
            totals.add(time, self.settings.days);
        }
        totals
    }
}
