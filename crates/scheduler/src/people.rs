//! Who is told: the people a task waits on (the one who took it; else the holders of its
//! position and their acting officials, or the OPD's operators), and the holders of a
//! position, only ever people who may sign in (enabled, their OPD active). Reads a snapshot of
//! users and delegations once per sweep; never writes.

use chrono::{DateTime, Utc};
use pelihara_domain::{Delegation, OPD_POSITION, OpdId, Role, Task, UserId};
use pelihara_store::people::StoredUser;
use pelihara_store::{Store, StoreError};

/// Users and delegations as one sweep sees them.
pub(crate) struct People {
    users: Vec<StoredUser>,
    delegations: Vec<Delegation>,
}

impl People {
    pub(crate) async fn load(store: &Store) -> Result<People, StoreError> {
        Ok(People {
            users: store.list_users().await?,
            delegations: store.list_delegations().await?,
        })
    }

    fn active(&self, id: UserId) -> Option<&StoredUser> {
        self.users
            .iter()
            .find(|stored| stored.user.id == id && stored.may_sign_in())
    }

    /// The active staff holding `position` in their own right, then those acting for it at
    /// `now` (Plh/Plt), without repeats.
    pub(crate) fn position(&self, position: &str, now: DateTime<Utc>) -> Vec<&StoredUser> {
        let mut found: Vec<&StoredUser> = self
            .users
            .iter()
            .filter(|stored| {
                stored.may_sign_in()
                    && stored.user.role == Role::Staff
                    && stored.user.positions.iter().any(|held| held == position)
            })
            .collect();
        for delegation in &self.delegations {
            if delegation.position == position
                && delegation.is_active(now)
                && let Some(delegate) = self.active(delegation.delegate)
                && delegate.user.role == Role::Staff
                && !found.iter().any(|known| known.user.id == delegate.user.id)
            {
                found.push(delegate);
            }
        }
        found
    }

    /// The active operators of an OPD (none while the OPD is deactivated: they cannot sign in
    /// to act on what they would be told).
    pub(crate) fn operators(&self, opd: OpdId) -> Vec<&StoredUser> {
        self.users
            .iter()
            .filter(|stored| {
                stored.may_sign_in()
                    && stored.user.role == Role::OpdOperator
                    && stored.user.opd_id == Some(opd)
            })
            .collect()
    }

    /// Who a task waits on at `now`.
    pub(crate) fn assignees(
        &self,
        task: &Task,
        case_opd: Option<OpdId>,
        now: DateTime<Utc>,
    ) -> Vec<&StoredUser> {
        if let Some(claimed) = task.claimed_by.and_then(|id| self.active(id)) {
            return vec![claimed];
        }
        if task.position == OPD_POSITION {
            // The requester's task of a case no OPD asked waits on the employee who asked;
            // they are not told by reminders yet.
            return match task.opd_id.or(case_opd) {
                Some(opd) => self.operators(opd),
                None => Vec::new(),
            };
        }
        self.position(&task.position, now)
    }
}
