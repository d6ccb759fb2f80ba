//! Who people are to Pelihara: roles, positions, OPD membership and acting officials
//! (Plh/Plt). Decides who may act in a position at a given moment; never stores anything.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{DelegationId, OpdId, UserId};

/// The position code the SOP definition gives the OPD actor.
pub const OPD_POSITION: &str = "opd";

/// What a user is in Pelihara. Staff act through their positions; OPD operators act for
/// their own OPD only; auditors read; admins administer but do not act on cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Auditor,
    Staff,
    OpdOperator,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::Staff => "staff",
            Role::OpdOperator => "opd_operator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "admin" => Some(Role::Admin),
            "auditor" => Some(Role::Auditor),
            "staff" => Some(Role::Staff),
            "opd_operator" => Some(Role::OpdOperator),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub nip: Option<String>,
    pub role: Role,
    /// Position codes held (staff only), e.g. `kepala_dinas`, `pelaksana`.
    pub positions: Vec<String>,
    /// The OPD an operator works for.
    pub opd_id: Option<OpdId>,
    pub active: bool,
}

/// Plh (pelaksana harian, short absence) or Plt (pelaksana tugas, a vacancy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DelegationKind {
    Plh,
    Plt,
}

impl DelegationKind {
    pub fn label(self) -> &'static str {
        match self {
            DelegationKind::Plh => "Plh.",
            DelegationKind::Plt => "Plt.",
        }
    }
}

/// A position handed to another person over a dated period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    pub id: DelegationId,
    pub position: String,
    pub kind: DelegationKind,
    pub delegate: UserId,
    /// The official the delegate stands in for, as named when the delegation was made.
    pub official_name: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub revoked: bool,
}

impl Delegation {
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.from <= now && now < self.until
    }
}

/// In what capacity someone acts: in their own position or for an absent official.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acting {
    pub kind: DelegationKind,
    pub position: String,
    pub official_name: String,
}

/// The person taking an action, with the delegations they hold.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    /// Delegations to this user (active or not: `capacity` checks the dates).
    pub delegations: Vec<Delegation>,
}

/// How an actor may act in a position at `now`: `Some(None)` in their own right,
/// `Some(Some(acting))` as an acting official, `None` not at all.
pub fn capacity(actor: &Actor, position: &str, now: DateTime<Utc>) -> Option<Option<Acting>> {
    if !actor.user.active || actor.user.role != Role::Staff {
        return None;
    }
    if actor.user.positions.iter().any(|held| held == position) {
        return Some(None);
    }
    actor
        .delegations
        .iter()
        .find(|delegation| {
            delegation.delegate == actor.user.id
                && delegation.position == position
                && delegation.is_active(now)
        })
        .map(|delegation| {
            Some(Acting {
                kind: delegation.kind,
                position: delegation.position.clone(),
                official_name: delegation.official_name.clone(),
            })
        })
}

/// Whether the actor is an active operator of this OPD.
pub fn is_operator_of(actor: &Actor, opd: OpdId) -> bool {
    actor.user.active && actor.user.role == Role::OpdOperator && actor.user.opd_id == Some(opd)
}

/// Every position the actor may act in at `now` (own and delegated), for the inbox.
pub fn effective_positions(actor: &Actor, now: DateTime<Utc>) -> Vec<String> {
    if !actor.user.active || actor.user.role != Role::Staff {
        return Vec::new();
    }
    let mut positions = actor.user.positions.clone();
    for delegation in &actor.delegations {
        if delegation.delegate == actor.user.id
            && delegation.is_active(now)
            && !positions.contains(&delegation.position)
        {
            positions.push(delegation.position.clone());
        }
    }
    positions
}
