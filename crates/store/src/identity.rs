//! The office's identity as the store keeps it: one JSON setting ([`OFFICE_IDENTITY_SETTING`],
//! the letterhead the administrator edits and the setup writes) that names the office and also
//! carries its rules: the time zone and working hours the working calendar counts in, and the
//! agenda number format incoming letters are numbered by. The store reads only what it needs
//! of it (the rules and the office's name); the web front owns the rest of its shape.
//!
//! Every write of the identity counts [`IDENTITY_REVISION_SETTING`] up in its own transaction,
//! and [`SharedIdentity`] rebuilds when it sees another revision, as [`crate::SharedCalendar`]
//! does for holidays: the node that edits at once, every other node within a few seconds. A
//! change of time zone or working hours also counts the calendar's revision and moves the open
//! tasks' due moments, exactly as a holiday edit does ([`Store::move_due_moments`]).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use pelihara_calendar::WeekSchedule;
use pelihara_domain::agenda::AgendaFormat;
use serde_json::{Value, json};

use crate::audit::{AuditSource, Change};
use crate::revisioned::Revisioned;
use crate::{Result, Store, StoreError};

/// The setting (JSON) holding the office's identity and rules.
pub const OFFICE_IDENTITY_SETTING: &str = "office.identity";

/// The setting counting identity writes (a whole number; absent = 0).
pub const IDENTITY_REVISION_SETTING: &str = "identity.revision";

/// The time zones an Indonesian office can be in (WIB, WITA, WIT): the only ones offered.
pub const OFFICE_TIME_ZONES: [Tz; 3] = [
    chrono_tz::Asia::Jakarta,
    chrono_tz::Asia::Makassar,
    chrono_tz::Asia::Jayapura,
];

/// The rules of the office's working time and numbering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeRules {
    pub time_zone: Tz,
    pub week: WeekSchedule,
    pub agenda: AgendaFormat,
}

impl Default for OfficeRules {
    /// Western Indonesian time, the civil-service week, `{seq:4}/{kode}/{tahun}`: what an
    /// office that never set its rules works by.
    fn default() -> OfficeRules {
        OfficeRules {
            time_zone: chrono_tz::Asia::Jakarta,
            week: WeekSchedule::default(),
            agenda: AgendaFormat::default(),
        }
    }
}

impl OfficeRules {
    /// The rules a stored identity names; each field missing or unreadable (the setting edited
    /// by hand) keeps its default and is logged, so a bad value never stops the office.
    pub fn from_identity(value: &Value) -> OfficeRules {
        let mut rules = OfficeRules::default();
        if let Some(name) = value.get("time_zone").and_then(Value::as_str)
            && !name.trim().is_empty()
        {
            match name.trim().parse::<Tz>() {
                Ok(zone) => rules.time_zone = zone,
                Err(_) => tracing::warn!(name, "the office's time zone is unreadable"),
            }
        }
        if let Some(week) = value.get("week").filter(|week| !week.is_null()) {
            match serde_json::from_value::<WeekSchedule>(week.clone()) {
                Ok(week) if week.has_open_day() => rules.week = week,
                _ => tracing::warn!(%week, "the office's working hours are unreadable"),
            }
        }
        if let Some(format) = value.get("agenda_format").and_then(Value::as_str)
            && !format.trim().is_empty()
        {
            match AgendaFormat::parse(format.trim()) {
                Ok(format) => rules.agenda = format,
                Err(error) => tracing::warn!(%error, "the agenda number format is unreadable"),
            }
        }
        rules
    }

    /// Whether the working calendar counts differently under `other`.
    fn calendar_differs(&self, other: &OfficeRules) -> bool {
        self.time_zone != other.time_zone || self.week != other.week
    }
}

/// The office's name as pages and mails show it: the office "of" its government's region
/// ("Dinas Komunikasi dan Informatika" of "Pemerintah Kabupaten X" makes "Dinas Komunikasi dan
/// Informatika Kabupaten X").
pub fn office_display_name(government: &str, office: &str) -> String {
    let region = government
        .trim()
        .strip_prefix("Pemerintah ")
        .unwrap_or(government.trim());
    format!("{} {}", office.trim(), region).trim().to_owned()
}

/// The office's identity as stored now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfficeIdentity {
    /// The stored setting; `None` before the setup or an administrator stored one.
    pub stored: Option<Value>,
    pub rules: OfficeRules,
}

impl OfficeIdentity {
    /// The identity a setting's text names (an unreadable text counts as none, logged).
    pub fn from_setting(text: Option<&str>) -> OfficeIdentity {
        let stored = text.and_then(|text| {
            serde_json::from_str::<Value>(text)
                .inspect_err(|error| tracing::warn!(%error, "the office identity is unreadable"))
                .ok()
                .filter(Value::is_object)
        });
        let rules = stored
            .as_ref()
            .map(OfficeRules::from_identity)
            .unwrap_or_default();
        OfficeIdentity { stored, rules }
    }

    /// The office's name, when the stored identity names an office.
    pub fn office_name(&self) -> Option<String> {
        let stored = self.stored.as_ref()?;
        let text = |key: &str| {
            stored
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let office = text("office");
        if office.trim().is_empty() {
            return None;
        }
        Some(office_display_name(&text("government"), &office))
    }
}

/// This node's copy of the office's identity, rebuilt when another revision is stored.
/// Cheap to clone (one shared copy per node).
#[derive(Debug, Clone)]
pub struct SharedIdentity {
    inner: Revisioned<OfficeIdentity>,
}

impl SharedIdentity {
    /// The identity as it is now; hold it for one request.
    pub fn snapshot(&self) -> Arc<OfficeIdentity> {
        self.inner.snapshot()
    }

    /// Rereads the identity when it was written since it was read (here or on another node);
    /// one small read when nothing changed. Returns whether it changed.
    pub async fn refresh(&self, store: &Store) -> Result<bool> {
        self.inner
            .refresh(store.identity_revision(), || store.office_identity())
            .await
    }
}

/// What storing an identity changed besides itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentityWritten {
    /// The time zone or the working hours changed: the calendar was rebuilt and the open
    /// tasks' due moments moved.
    pub calendar_changed: bool,
    /// How many open tasks' due moments moved.
    pub moved: usize,
}

impl Store {
    /// The identity as stored now.
    pub async fn office_identity(&self) -> Result<OfficeIdentity> {
        let text = self.setting(OFFICE_IDENTITY_SETTING).await?;
        Ok(OfficeIdentity::from_setting(text.as_deref()))
    }

    /// The identity at its current revision, kept fresh by [`SharedIdentity::refresh`].
    pub async fn shared_identity(&self) -> Result<SharedIdentity> {
        // The revision first: a write between the two reads makes the next refresh reread.
        let revision = self.identity_revision().await?;
        let identity = self.office_identity().await?;
        Ok(SharedIdentity {
            inner: Revisioned::read_at(identity, revision),
        })
    }

    /// How many identity writes the store has seen.
    pub async fn identity_revision(&self) -> Result<i64> {
        let Some(value) = self.setting(IDENTITY_REVISION_SETTING).await? else {
            return Ok(0);
        };
        value.trim().parse().map_err(|_| {
            StoreError::Corrupt(format!("setting {IDENTITY_REVISION_SETTING} = {value:?}"))
        })
    }

    /// Counts an identity write, inside the write's own transaction.
    pub(crate) async fn count_identity_revision(tx: &mut crate::WriteTx) -> Result<()> {
        sqlx::query(
            "insert into settings (key, value) values ($1, '1') on conflict (key) do update \
             set value = cast(cast(settings.value as bigint) + 1 as text)",
        )
        .bind(IDENTITY_REVISION_SETTING)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Stores the office's identity (`value`, a JSON object the caller checked) with one
    /// audit event `office.identity_changed` naming it before and after. When its time zone or
    /// working hours differ from the stored ones, the calendar's revision is counted in the
    /// same transaction and the open tasks' due moments are moved afterwards, as after a
    /// holiday edit.
    pub async fn set_office_identity(
        &self,
        value: &Value,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<IdentityWritten> {
        if !value.is_object() {
            return Err(StoreError::Corrupt(
                "an office identity is a JSON object".to_owned(),
            ));
        }
        let before = self.office_identity().await?;
        let rules = OfficeRules::from_identity(value);
        let calendar_changed = before.rules.calendar_differs(&rules);
        let change = Change {
            source,
            at: now,
            action: "office.identity_changed",
            detail: json!({
                "before": before.stored,
                "after": value,
                "calendar_changed": calendar_changed,
            }),
        };
        let text = value.to_string();
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into settings (key, value) values ($1, $2) \
                 on conflict (key) do update set value = excluded.value",
            )
            .bind(OFFICE_IDENTITY_SETTING)
            .bind(text.clone())
            .execute(&mut **tx)
            .await?;
            Store::count_identity_revision(tx).await?;
            if calendar_changed {
                Store::count_calendar_revision(tx).await?;
            }
            Ok(())
        })
        .await?;
        let moved = if calendar_changed {
            self.move_due_moments(source, now).await?
        } else {
            0
        };
        Ok(IdentityWritten {
            calendar_changed,
            moved,
        })
    }
}
