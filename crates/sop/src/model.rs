//! The validated SOP definition: what the rest of Pelihara reads. Never built except by
//! `parse` + validation, so every value here has already been checked.

use serde::Serialize;

/// One version of one SOP, as the official PermenPAN-RB 35/2012 document lays it out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SopDefinition {
    pub header: Header,
    pub settings: Settings,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub id: String,
    /// The column heading as written in the document.
    pub name: String,
    /// The Pelihara position that performs this actor's tasks.
    pub position: String,
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
    Register,
    Dispose,
    Analysis,
    Maintenance,
    Hosting,
    Handover,
    Record,
    None,
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
    Register => "register",
    Dispose => "dispose",
    Analysis => "analysis",
    Maintenance => "maintenance",
    Hosting => "hosting",
    Handover => "handover",
    Record => "record",
    None => "none",
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
