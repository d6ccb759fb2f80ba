//! People and organisations: OPDs, users with their roles and positions, delegations to
//! acting officials. Password hashes are stored as given (hashed by the caller with argon2);
//! this module never sees a plain password.

use chrono::{DateTime, Utc};
use pelihara_domain::{Actor, Delegation, DelegationId, DelegationKind, OpdId, Role, User, UserId};
use sqlx::Row;

use crate::audit::{AuditSource, Change};
use crate::codec::{code, from_code, instant, millis, uuid};
use crate::read::{Columns, FromColumns};
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opd {
    pub id: OpdId,
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub nip: Option<String>,
    pub email: Option<String>,
    pub role: Role,
    pub positions: Vec<String>,
    pub opd_id: Option<OpdId>,
    pub password_hash: String,
}

/// A user as stored, with what sign-in needs.
#[derive(Debug, Clone)]
pub struct StoredUser {
    pub user: User,
    pub email: Option<String>,
    pub password_hash: String,
    pub lang: String,
    /// False when the user's OPD has been deactivated (true for users without an OPD).
    pub opd_active: bool,
    /// A service account (migration 0028): works only through its API tokens, never with a
    /// password.
    pub service_account: bool,
}

impl StoredUser {
    /// Whether this account may sign in and act: enabled, and its OPD (if any) active.
    pub fn may_sign_in(&self) -> bool {
        self.user.active && self.opd_active
    }
}

/// A service account to create: another system's user, bound to an OPD (as its operator) or
/// acting for staff positions (e.g. an intake system for the Pelaksana). It has no password
/// and no email.
#[derive(Debug, Clone)]
pub struct NewServiceAccount {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub positions: Vec<String>,
    pub opd_id: Option<OpdId>,
}

/// The password hash of a service account: not a PHC string, so no password ever matches it.
pub const NO_PASSWORD: &str = "!service-account";

/// What an admin may change about a user (the username and NIP stay as created: the
/// username is how people sign in, the NIP is the civil servant's own number).
#[derive(Debug, Clone)]
pub struct UserEdit {
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub positions: Vec<String>,
    pub opd_id: Option<OpdId>,
}

/// What an edit changed: whether the person's permissions changed (their sessions ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditOutcome {
    pub sessions_ended: bool,
}

impl FromColumns for StoredUser {
    fn from_columns(row: &impl Columns) -> Result<StoredUser> {
        user_from_row(row)
    }
}

impl FromColumns for Delegation {
    fn from_columns(row: &impl Columns) -> Result<Delegation> {
        delegation_from_row(row)
    }
}

fn user_from_row(row: &impl Columns) -> Result<StoredUser> {
    let positions: String = row.column("positions")?;
    let opd_id: Option<String> = row.column("opd_id")?;
    let role: String = row.column("role")?;
    Ok(StoredUser {
        user: User {
            id: UserId(uuid(&row.column::<String>("id")?)?),
            username: row.column("username")?,
            full_name: row.column("full_name")?,
            nip: row.column("nip")?,
            role: Role::from_code(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
            positions: positions
                .split(',')
                .filter(|position| !position.is_empty())
                .map(str::to_owned)
                .collect(),
            opd_id: opd_id.as_deref().map(uuid).transpose()?.map(OpdId),
            active: row.column::<i64>("active")? != 0,
        },
        email: row.column("email")?,
        password_hash: row.column("password_hash")?,
        lang: row.column("lang")?,
        opd_active: row.column::<i64>("opd_active")? != 0,
        service_account: row.column::<i64>("service_account")? != 0,
    })
}

/// The user columns, qualified for a query `from users u left join opds o on o.id = u.opd_id`
/// (the OPD's activeness decides whether its operators may sign in).
pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.full_name, u.nip, u.email, u.role, u.positions, \
     u.opd_id, u.active, u.password_hash, u.lang, coalesce(o.active, 1) as opd_active, \
     u.service_account";
pub(crate) const USER_FROM: &str = "from users u left join opds o on o.id = u.opd_id";

fn delegation_from_row(row: &impl Columns) -> Result<Delegation> {
    let kind: String = row.column("kind")?;
    Ok(Delegation {
        id: DelegationId(uuid(&row.column::<String>("id")?)?),
        position: row.column("position")?,
        kind: from_code::<DelegationKind>(&kind)?,
        delegate: UserId(uuid(&row.column::<String>("delegate_id")?)?),
        official_name: row.column("official_name")?,
        from: instant(row.column("from_at")?)?,
        until: instant(row.column("until_at")?)?,
        revoked: row.column::<i64>("revoked")? != 0,
    })
}

/// Deletes every session of `user` inside the caller's transaction: they are signed out on
/// every node at once (sessions live in the database).
pub(crate) async fn end_sessions_of(tx: &mut crate::WriteTx, user: UserId) -> Result<()> {
    sqlx::query("delete from sessions where user_id = $1")
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    pub async fn create_opd(
        &self,
        code_text: &str,
        name: &str,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<OpdId> {
        let id = OpdId::random();
        let detail = serde_json::json!({ "opd_id": id, "code": code_text, "name": name });
        let change = Change {
            source,
            at: now,
            action: "opd.create",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("insert into opds (id, code, name, active) values ($1, $2, $3, 1)")
                .bind(id.to_string())
                .bind(code_text.trim().to_owned())
                .bind(name.trim().to_owned())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
        .await?;
        Ok(id)
    }

    pub async fn list_opds(&self) -> Result<Vec<Opd>> {
        let rows = sqlx::query("select id, code, name, active from opds order by name")
            .fetch_all(self.reader())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Opd {
                    id: OpdId(uuid(&row.try_get::<String, _>("id")?)?),
                    code: row.try_get("code")?,
                    name: row.try_get("name")?,
                    active: row.try_get::<i64, _>("active")? != 0,
                })
            })
            .collect()
    }

    pub async fn opd(&self, id: OpdId) -> Result<Option<Opd>> {
        Ok(self.list_opds().await?.into_iter().find(|opd| opd.id == id))
    }

    pub async fn create_user(
        &self,
        new: NewUser,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<UserId> {
        let id = UserId::random();
        let detail = serde_json::json!({
            "user_id": id,
            "username": new.username,
            "role": new.role.code(),
            "positions": new.positions,
            "opd_id": new.opd_id,
        });
        let change = Change {
            source,
            at: now,
            action: "user.create",
            detail,
        };
        self.write_with_event(change, async |tx| insert_user(tx, id, &new, now).await)
            .await?;
        Ok(id)
    }

    /// Creates the first administrator of an installation (`pelihara admin create`, the setup
    /// link): refused with `Duplicate("administrator")` once an administrator exists or the
    /// first one was ever created, so it works once. The guard is a settings row written in
    /// the same transaction, so two attempts at once cannot both succeed on either backend.
    pub async fn create_first_admin(
        &self,
        new: NewUser,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<UserId> {
        let id = UserId::random();
        let change = Change {
            source,
            at: now,
            action: "setup.first_admin",
            detail: serde_json::json!({ "user_id": id, "username": new.username }),
        };
        self.write_with_event(change, async |tx| {
            insert_first_admin(tx, id, new, now).await
        })
        .await?;
        Ok(id)
    }

    /// Creates a service account ([`NewServiceAccount`]), audited as
    /// `service_account.create`. `Duplicate("username")` when the name is taken.
    pub async fn create_service_account(
        &self,
        new: NewServiceAccount,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<UserId> {
        let id = UserId::random();
        let detail = serde_json::json!({
            "user_id": id,
            "username": new.username,
            "role": new.role.code(),
            "positions": new.positions,
            "opd_id": new.opd_id,
        });
        let change = Change {
            source,
            at: now,
            action: "service_account.create",
            detail,
        };
        let user = NewUser {
            username: new.username,
            full_name: new.full_name,
            nip: None,
            email: None,
            role: new.role,
            positions: new.positions,
            opd_id: new.opd_id,
            password_hash: NO_PASSWORD.to_owned(),
        };
        self.write_with_event(change, async |tx| {
            insert_user(tx, id, &user, now).await?;
            sqlx::query("update users set service_account = 1 where id = $1")
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
        .await?;
        Ok(id)
    }

    /// The service accounts, by name.
    pub async fn service_accounts(&self) -> Result<Vec<StoredUser>> {
        let query = format!(
            "select {USER_COLUMNS} {USER_FROM} where u.service_account = 1 order by u.full_name"
        );
        self.read_all(&query, Vec::new()).await
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<StoredUser>> {
        let query = format!("select {USER_COLUMNS} {USER_FROM} where u.username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(query))
            .bind(username.trim().to_lowercase())
            .fetch_optional(self.reader())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn user(&self, id: UserId) -> Result<Option<StoredUser>> {
        let query = format!("select {USER_COLUMNS} {USER_FROM} where u.id = $1");
        self.read_optional(&query, vec![id.to_string().into()])
            .await
    }

    pub async fn list_users(&self) -> Result<Vec<StoredUser>> {
        let query = format!("select {USER_COLUMNS} {USER_FROM} order by u.full_name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(query))
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// The users who hold a position in their own right (for naming the official).
    pub async fn holders_of(&self, position: &str) -> Result<Vec<User>> {
        Ok(self
            .list_users()
            .await?
            .into_iter()
            .map(|stored| stored.user)
            .filter(|user| user.active && user.positions.iter().any(|held| held == position))
            .collect())
    }

    /// Enables or disables a user; disabling also ends every session of theirs.
    pub async fn set_user_active(
        &self,
        id: UserId,
        active: bool,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({ "user_id": id, "active": active });
        let change = Change {
            source,
            at: now,
            action: "user.set_active",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("update users set active = $1 where id = $2")
                .bind(i64::from(active))
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
            if !active {
                // A disabled user is signed out everywhere at once, on every node.
                end_sessions_of(tx, id).await?;
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Changes a user's name, email, role, positions and OPD. When the role, the positions or
    /// the OPD change, their permissions changed: every session of theirs ends in the same
    /// transaction, so they sign in again as who they now are. `None` when there is no such
    /// user.
    pub async fn update_user(
        &self,
        id: UserId,
        edit: &UserEdit,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<Option<EditOutcome>> {
        let Some(before) = self.user(id).await? else {
            return Ok(None);
        };
        let old = &before.user;
        let permissions_changed =
            old.role != edit.role || old.positions != edit.positions || old.opd_id != edit.opd_id;
        let detail = serde_json::json!({
            "user_id": id,
            "full_name": edit.full_name,
            "email": edit.email,
            "role": edit.role.code(),
            "positions": edit.positions,
            "opd_id": edit.opd_id,
            "before": {
                "full_name": old.full_name,
                "email": before.email,
                "role": old.role.code(),
                "positions": old.positions,
                "opd_id": old.opd_id,
            },
            "sessions_ended": permissions_changed,
        });
        let change = Change {
            source,
            at: now,
            action: "user.update",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "update users set full_name = $1, email = $2, role = $3, positions = $4, \
                 opd_id = $5 where id = $6",
            )
            .bind(edit.full_name.trim().to_owned())
            .bind(edit.email.clone())
            .bind(edit.role.code().to_owned())
            .bind(edit.positions.join(","))
            .bind(edit.opd_id.map(|opd| opd.to_string()))
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
            if permissions_changed {
                end_sessions_of(tx, id).await?;
            }
            Ok(())
        })
        .await?;
        Ok(Some(EditOutcome {
            sessions_ended: permissions_changed,
        }))
    }

    /// Sets a new password hash and ends every session of the user (whoever knew the old
    /// password is signed out everywhere). `by_self` tells the audit trail whether the user
    /// changed their own password or an admin reset it. The caller signs the user in again
    /// on the session they are using, if it is theirs.
    pub async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        by_self: bool,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let change = Change {
            source,
            at: now,
            action: if by_self {
                "user.password_change"
            } else {
                "user.password_reset"
            },
            // Never the hash: the audit trail is readable by auditors.
            detail: serde_json::json!({ "user_id": id }),
        };
        self.write_with_event(change, async |tx| {
            // A service account never gets a password: nothing is written, nor its event.
            let set = sqlx::query(
                "update users set password_hash = $1 where id = $2 and service_account = 0",
            )
            .bind(password_hash.to_owned())
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if set == 0 {
                return Err(pelihara_domain::Refusal::NotFound.into());
            }
            end_sessions_of(tx, id).await?;
            Ok(())
        })
        .await
    }

    /// Deactivates or reactivates an OPD. Deactivating ends the sessions of its operators
    /// (they may no longer sign in or submit); its cases and register entries stay as they
    /// are. Returns false when there is no such OPD.
    pub async fn set_opd_active(
        &self,
        id: OpdId,
        active: bool,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        if self.opd(id).await?.is_none() {
            return Ok(false);
        }
        let change = Change {
            source,
            at: now,
            action: "opd.set_active",
            detail: serde_json::json!({ "opd_id": id, "active": active }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("update opds set active = $1 where id = $2")
                .bind(i64::from(active))
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
            if !active {
                sqlx::query(
                    "delete from sessions where user_id in \
                     (select id from users where opd_id = $1)",
                )
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        })
        .await?;
        Ok(true)
    }

    /// The actor for the engine: the user and every delegation made to them.
    pub async fn actor(&self, id: UserId) -> Result<Option<Actor>> {
        // One snapshot: the delegations of the user as read (on every request's path).
        let mut snapshot = self.snapshot()?;
        let query = format!("select {USER_COLUMNS} {USER_FROM} where u.id = $1");
        let Some(stored) = snapshot
            .optional::<StoredUser>(&query, vec![id.to_string().into()])
            .await?
        else {
            return Ok(None);
        };
        let delegations = snapshot
            .all(
                "select id, position, kind, delegate_id, official_name, from_at, until_at, \
                 revoked from delegations where delegate_id = $1",
                vec![id.to_string().into()],
            )
            .await?;
        // An operator of a deactivated OPD acts as a disabled account: the session ends and
        // the engine refuses whatever they send.
        let mut user = stored.user;
        user.active = user.active && stored.opd_active;
        Ok(Some(Actor { user, delegations }))
    }

    pub async fn add_delegation(
        &self,
        delegation: &Delegation,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::to_value(delegation)?;
        let change = Change {
            source,
            at: now,
            action: "delegation.create",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into delegations (id, position, kind, delegate_id, official_name, from_at, \
                 until_at, revoked, created_by, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(delegation.id.to_string())
            .bind(delegation.position.clone())
            .bind(code(&delegation.kind)?)
            .bind(delegation.delegate.to_string())
            .bind(delegation.official_name.clone())
            .bind(millis(delegation.from))
            .bind(millis(delegation.until))
            .bind(i64::from(delegation.revoked))
            .bind(source.actor_name.clone())
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    pub async fn list_delegations(&self) -> Result<Vec<Delegation>> {
        let rows = sqlx::query(
            "select id, position, kind, delegate_id, official_name, from_at, until_at, revoked \
             from delegations order by from_at desc",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(delegation_from_row).collect()
    }

    pub async fn revoke_delegation(
        &self,
        id: DelegationId,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let detail = serde_json::json!({ "delegation_id": id });
        let change = Change {
            source,
            at: now,
            action: "delegation.revoke",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query("update delegations set revoked = 1 where id = $1")
                .bind(id.to_string())
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
        .await?;
        Ok(())
    }
}

/// The settings key written when the first administrator is created (see
/// [`Store::create_first_admin`]).
pub(crate) const FIRST_ADMIN_SETTING: &str = "setup.first_admin";

/// Inserts the first administrator inside the caller's transaction, guarded so that it works
/// once: the guard row is inserted first (a second insert, even a concurrent one on another
/// node, fails on its key) and no administrator may exist yet.
pub(crate) async fn insert_first_admin(
    tx: &mut crate::WriteTx,
    id: UserId,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<()> {
    let guarded = sqlx::query("insert into settings (key, value) values ($1, $2)")
        .bind(FIRST_ADMIN_SETTING.to_owned())
        .bind(id.to_string())
        .execute(&mut **tx)
        .await;
    crate::duplicate_as(guarded, "administrator")?;
    let admins: i64 = sqlx::query_scalar("select count(*) from users where role = $1")
        .bind(Role::Admin.code().to_owned())
        .fetch_one(&mut **tx)
        .await?;
    if admins > 0 {
        return Err(StoreError::Duplicate("administrator"));
    }
    let new = NewUser {
        role: Role::Admin,
        opd_id: None,
        positions: Vec::new(),
        ..new
    };
    insert_user(tx, id, &new, now).await
}

/// Inserts a user row; a taken user name is `Duplicate("username")`.
pub(crate) async fn insert_user(
    tx: &mut crate::WriteTx,
    id: UserId,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<()> {
    let inserted = sqlx::query(
        "insert into users (id, username, full_name, nip, email, role, positions, opd_id, \
         active, password_hash, lang, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, 'id', $10)",
    )
    .bind(id.to_string())
    .bind(new.username.trim().to_lowercase())
    .bind(new.full_name.trim().to_owned())
    .bind(new.nip.clone())
    .bind(new.email.clone())
    .bind(new.role.code().to_owned())
    .bind(new.positions.join(","))
    .bind(new.opd_id.map(|opd| opd.to_string()))
    .bind(new.password_hash.clone())
    .bind(millis(now))
    .execute(&mut **tx)
    .await;
    crate::duplicate_as(inserted, "username")?;
    Ok(())
}
