//! The definition file exactly as written: serde structs that mirror the TOML format and keep
//! the byte span of every value, so validation can point at it. Never read outside this crate:
//! nothing here has been checked yet.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_spanned::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDefinition {
    /// Signed so that any integer reaches validation and gets the "unsupported format" message.
    pub format: Spanned<i64>,
    pub header: Spanned<RawHeader>,
    #[serde(default)]
    pub settings: Option<Spanned<RawSettings>>,
    #[serde(default)]
    pub intake: Option<Spanned<RawIntake>>,
    #[serde(default)]
    pub actors: Vec<Spanned<RawActor>>,
    #[serde(default)]
    pub steps: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub layout: Option<Spanned<RawLayout>>,
    #[serde(default)]
    pub errata: Vec<Spanned<RawErratum>>,
}

/// Required header fields are optional here so that a missing one gets the same translated
/// message as an empty one, rather than the parser's English "missing field".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeader {
    #[serde(default)]
    pub code: Option<Spanned<String>>,
    #[serde(default)]
    pub version: Option<Spanned<i64>>,
    #[serde(default)]
    pub number: Option<Spanned<String>>,
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub government: Option<Spanned<String>>,
    #[serde(default)]
    pub office: Option<Spanned<String>>,
    #[serde(default)]
    pub created: Option<Spanned<String>>,
    #[serde(default)]
    pub revised: Option<Spanned<String>>,
    #[serde(default)]
    pub effective: Option<Spanned<String>>,
    #[serde(default)]
    pub legal_basis: Vec<Spanned<String>>,
    #[serde(default)]
    pub qualifications: Vec<Spanned<String>>,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    #[serde(default)]
    pub equipment: Vec<Spanned<String>>,
    #[serde(default)]
    pub warning: Option<Spanned<String>>,
    #[serde(default)]
    pub records: Vec<Spanned<String>>,
    #[serde(default)]
    pub approver: Option<Spanned<RawApprover>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawApprover {
    #[serde(default)]
    pub position: Option<Spanned<String>>,
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub rank: Option<Spanned<String>>,
    #[serde(default)]
    pub nip: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSettings {
    #[serde(default)]
    pub days: Option<Spanned<String>>,
    #[serde(default)]
    pub time_zone: Option<Spanned<String>>,
    #[serde(default)]
    pub maintenance_interval_months: Option<Spanned<u32>>,
    #[serde(default)]
    pub due_soon_percent: Option<Spanned<u32>>,
    #[serde(default)]
    pub opd_may_withdraw: Option<Spanned<bool>>,
    #[serde(default)]
    pub disposition_instructions: Vec<Spanned<String>>,
    #[serde(default)]
    pub leadership: Vec<Spanned<String>>,
    #[serde(default)]
    pub register_keepers: Vec<Spanned<String>>,
    #[serde(default)]
    pub register_notified: Vec<Spanned<String>>,
}

/// `[intake]`: who starts a case and what the start form asks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIntake {
    #[serde(default)]
    pub requester: Option<Spanned<String>>,
    #[serde(default)]
    pub requester_position: Option<Spanned<String>>,
    #[serde(default)]
    pub letter: Option<Spanned<String>>,
    #[serde(default)]
    pub app: Option<Spanned<String>>,
    #[serde(default)]
    pub maintenance: Option<Spanned<bool>>,
    #[serde(default)]
    pub fields: Vec<Spanned<RawIntakeField>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIntakeField {
    pub id: Spanned<String>,
    pub label: Spanned<String>,
    pub kind: Spanned<String>,
    #[serde(default)]
    pub choices: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawActor {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// Absent only for the requester actor.
    #[serde(default)]
    pub position: Option<Spanned<String>>,
    #[serde(default)]
    pub requester: Option<Spanned<bool>>,
    #[serde(default)]
    pub reports_to: Option<Spanned<String>>,
    #[serde(default)]
    pub column: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub no: Spanned<u32>,
    pub kind: Spanned<String>,
    pub form: Spanned<String>,
    /// Optional so that "no actors" gets its own translated message, pointing at the step.
    #[serde(default)]
    pub actors: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub activity: Option<Spanned<String>>,
    #[serde(default)]
    pub requirements: Vec<Spanned<String>>,
    #[serde(default)]
    pub time: Option<Spanned<RawTime>>,
    #[serde(default)]
    pub outputs: Vec<Spanned<String>>,
    #[serde(default)]
    pub next: Option<Spanned<u32>>,
    #[serde(default)]
    pub may_return: Option<Spanned<bool>>,
    #[serde(default)]
    pub may_reject: Option<Spanned<bool>>,
    #[serde(default)]
    pub may_skip: Option<Spanned<bool>>,
    #[serde(default)]
    pub decision: Option<Spanned<RawDecision>>,
    #[serde(default)]
    pub joint: Option<Spanned<String>>,
    #[serde(default)]
    pub reading: Option<Spanned<String>>,
    #[serde(default)]
    pub remarks: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTime {
    pub value: Spanned<u32>,
    pub unit: Spanned<String>,
    #[serde(default)]
    pub as_written: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDecision {
    pub question: Spanned<String>,
    pub if_no: Spanned<RawTarget>,
    #[serde(default)]
    pub decided_by: Option<Spanned<String>>,
}

/// `if_no` as written: a step number, or a word (of which "reject" and "return" are valid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawTarget {
    Step(u32),
    Word(String),
}

impl<'de> Deserialize<'de> for RawTarget {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawTarget, D::Error> {
        struct TargetVisitor;

        impl Visitor<'_> for TargetVisitor {
            type Value = RawTarget;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a step number, \"reject\" or \"return\"")
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawTarget, E> {
                u32::try_from(value)
                    .map(RawTarget::Step)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawTarget, E> {
                u32::try_from(value)
                    .map(RawTarget::Step)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawTarget, E> {
                Ok(RawTarget::Word(value.to_owned()))
            }
        }

        deserializer.deserialize_any(TargetVisitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLayout {
    #[serde(default)]
    pub page_breaks: Vec<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawErratum {
    pub step: Spanned<u32>,
    pub field: Spanned<String>,
    pub written: Spanned<String>,
    pub reading: Spanned<String>,
}
