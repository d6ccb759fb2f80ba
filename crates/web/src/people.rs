//! How people and positions are named on pages: a position's name in the user's language,
//! the positions the loaded SOPs know, and the user-menu line ("Plh. Kepala Dinas" while
//! acting). It must never decide who may act: that is the domain's `capacity`.

use chrono::{DateTime, Utc};
use pelihara_domain::{OPD_POSITION, Role};
use pelihara_store::SopCatalog;

use crate::auth::CurrentUser;
use crate::lang::Tr;

/// Who is signed in, for the user menu in the top bar (see `people::user_menu`).
#[derive(Debug, Clone)]
pub struct UserMenu {
    pub display_name: String,
    /// The position (jabatan) the user acts in, already translated.
    pub position: String,
}

/// A position's name: the translated `position-<code>` message, or, for a position of another
/// SOP without one, the actor's name as its definition writes it, or the code itself.
pub fn position_label(tr: Tr, catalog: &SopCatalog, code: &str) -> String {
    let key = format!("position-{code}");
    let translated = tr.t(&key);
    if translated != key {
        return translated;
    }
    catalog
        .all()
        .flat_map(|definition| definition.actors.iter())
        .find(|actor| actor.position == code)
        .map(|actor| actor.name.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// The staff positions of every loaded SOP (newest version of each first, actors in document
/// order), without duplicates and without the OPD, which is a role, not a position.
pub fn sop_positions(catalog: &SopCatalog) -> Vec<String> {
    let mut definitions: Vec<_> = catalog.all().collect();
    definitions.sort_by(|a, b| {
        (&a.header.code, std::cmp::Reverse(a.header.version))
            .cmp(&(&b.header.code, std::cmp::Reverse(b.header.version)))
    });
    let mut positions: Vec<String> = Vec::new();
    for actor in definitions
        .iter()
        .flat_map(|definition| definition.actors.iter())
    {
        if !actor.requester
            && actor.position != OPD_POSITION
            && !positions.contains(&actor.position)
        {
            positions.push(actor.position.clone());
        }
    }
    positions
}

/// The name of a role, for lists and the user menu.
pub fn role_label(tr: Tr, role: Role) -> String {
    tr.t(&format!("auth-role-{}", role.code()))
}

/// The user menu: the name, and what the user acts as at `now`: their positions and, while a
/// delegation runs, e.g. "Plh. Kepala Dinas"; the role for users without positions.
pub fn user_menu(tr: Tr, catalog: &SopCatalog, user: &CurrentUser, now: DateTime<Utc>) -> UserMenu {
    let actor = &user.actor;
    let mut parts: Vec<String> = actor
        .delegations
        .iter()
        .filter(|delegation| delegation.delegate == actor.user.id && delegation.is_active(now))
        .map(|delegation| {
            format!(
                "{} {}",
                delegation.kind.label(),
                position_label(tr, catalog, &delegation.position)
            )
        })
        .collect();
    if actor.user.role == Role::Staff {
        parts.extend(
            actor
                .user
                .positions
                .iter()
                .map(|position| position_label(tr, catalog, position)),
        );
    }
    if parts.is_empty() {
        parts.push(role_label(tr, actor.user.role));
    }
    UserMenu {
        display_name: actor.user.full_name.clone(),
        position: parts.join(" · "),
    }
}
