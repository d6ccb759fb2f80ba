//! The register of applications and websites ("Data Pemeliharaan Aplikasi/Website"): the
//! apps of every OPD with hosting and contacts, the list with its filters, each app's
//! maintenance history and last hosting record (read from its cases), its health checks and
//! the all-or-nothing import. Due dates are the domain's rule (`pelihara_domain::register`);
//! this module only reads what they are computed from. Never decides who may see or edit.

use chrono::{DateTime, Utc};
use pelihara_domain::register::{
    AppFields, AppStatus, DueBounds, DueState, HealthCheck, HealthFilter,
};
use pelihara_domain::{
    AppId, CaseId, CaseStatus, HostingRecord, OpdId, Problem, Record, Refusal, Verdict,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{AuditSource, Change};
use crate::codec::{from_code, from_json, instant, millis, opt_instant, to_json, uuid};
use crate::write_conn::WriteConn;
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub id: AppId,
    pub opd_id: OpdId,
    pub name: String,
    pub url: String,
    pub domain: String,
    pub hosting: String,
    pub stack: String,
    pub status: String,
    pub notes: String,
    pub hosting_location: String,
    pub hosting_environment: String,
    pub opd_contact_name: String,
    pub opd_contact_phone: String,
    pub opd_contact_email: String,
    pub office_contact_name: String,
    pub office_contact_phone: String,
    pub office_contact_email: String,
    /// The app's own interval; `None` follows the SOP setting.
    pub maintenance_interval_months: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// An app to add to the register.
#[derive(Debug, Clone, Default)]
pub struct NewApp {
    pub name: String,
    pub url: String,
    pub domain: String,
    pub hosting: String,
    pub stack: String,
    pub notes: String,
}

fn app_from_row(row: &AnyRow) -> Result<App> {
    Ok(App {
        id: AppId(uuid(&row.try_get::<String, _>("id")?)?),
        opd_id: OpdId(uuid(&row.try_get::<String, _>("opd_id")?)?),
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        domain: row.try_get("domain")?,
        hosting: row.try_get("hosting")?,
        stack: row.try_get("stack")?,
        status: row.try_get("status")?,
        notes: row.try_get("notes")?,
        hosting_location: row.try_get("hosting_location")?,
        hosting_environment: row.try_get("hosting_environment")?,
        opd_contact_name: row.try_get("opd_contact_name")?,
        opd_contact_phone: row.try_get("opd_contact_phone")?,
        opd_contact_email: row.try_get("opd_contact_email")?,
        office_contact_name: row.try_get("office_contact_name")?,
        office_contact_phone: row.try_get("office_contact_phone")?,
        office_contact_email: row.try_get("office_contact_email")?,
        maintenance_interval_months: row
            .try_get::<Option<i64>, _>("maintenance_interval_months")?
            .map(|months| {
                u32::try_from(months).map_err(|_| StoreError::Corrupt(format!("interval {months}")))
            })
            .transpose()?,
        created_at: instant(row.try_get("created_at")?)?,
        updated_at: opt_instant(row.try_get("updated_at")?)?,
    })
}

/// The columns [`app_from_row`] reads, prefixed for queries that join `apps a`.
const APP_COLUMNS: &str = "a.id, a.opd_id, a.name, a.url, a.domain, a.hosting, a.stack, a.status, \
    a.notes, a.hosting_location, a.hosting_environment, a.opd_contact_name, a.opd_contact_phone, \
    a.opd_contact_email, a.office_contact_name, a.office_contact_phone, \
    a.office_contact_email, a.maintenance_interval_months, a.created_at, a.updated_at";

/// The register's query: every app with its OPD, its last finished maintenance (a done case
/// that counts as maintenance, migration 0015), its running cases and its last health check
/// (the row whose checked_at is the app's latest). The two figures over cases must stay index
/// searches (`cases_by_app_status`), never a read of every case of the app: the hourly
/// maintenance sweep runs this too.
fn register_query(filter_sql: &str) -> String {
    format!(
        "select {APP_COLUMNS}, o.code as opd_code, o.name as opd_name, \
         (select max(c.closed_at) from cases c where c.app_id = a.id and c.status = 'done' \
           and c.counts_as_maintenance = 1) as last_maintained_at, \
         (select count(*) from cases c where c.app_id = a.id and c.status in ('open', 'returned')) \
           as open_cases, \
         h.checked_at as last_check_at, h.ok as last_check_ok \
         from apps a join opds o on o.id = a.opd_id \
         left join health_checks h on h.app_id = a.id and h.checked_at = \
           (select max(h2.checked_at) from health_checks h2 where h2.app_id = a.id) \
         {filter_sql} order by lower(a.name), a.id"
    )
}

impl Store {
    pub async fn create_app(
        &self,
        opd_id: OpdId,
        new: NewApp,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<AppId> {
        let id = AppId::random();
        let detail =
            serde_json::json!({ "app_id": id, "opd_id": opd_id, "name": new.name, "url": new.url });
        let change = Change {
            source,
            at: now,
            action: "app.create",
            detail,
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into apps (id, opd_id, name, url, domain, hosting, stack, status, notes, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9)",
            )
            .bind(id.to_string())
            .bind(opd_id.to_string())
            .bind(new.name.trim().to_owned())
            .bind(new.url.trim().to_owned())
            .bind(new.domain.trim().to_owned())
            .bind(new.hosting.trim().to_owned())
            .bind(new.stack.trim().to_owned())
            .bind(new.notes.trim().to_owned())
            .bind(millis(now))
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(id)
    }

    /// The apps of one OPD, or of all when `opd` is `None`.
    pub async fn list_apps(&self, opd: Option<OpdId>) -> Result<Vec<App>> {
        let rows = match opd {
            Some(opd) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "select {APP_COLUMNS} from apps a where a.opd_id = $1 order by a.name"
                )))
                .bind(opd.to_string())
                .fetch_all(self.reader())
                .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "select {APP_COLUMNS} from apps a order by a.name"
                )))
                .fetch_all(self.reader())
                .await?
            }
        };
        rows.iter().map(app_from_row).collect()
    }

    pub async fn app(&self, id: AppId) -> Result<Option<App>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {APP_COLUMNS} from apps a where a.id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.reader())
        .await?;
        row.as_ref().map(app_from_row).transpose()
    }
}

/// What a register list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    pub opd: Option<OpdId>,
    pub app: Option<AppId>,
    pub status: Option<AppStatus>,
    pub health: Option<HealthFilter>,
    /// Words matched, case-insensitively, against the name, address, domain and technology.
    pub search: Option<String>,
    /// Active apps in one due state, by where their basis lies.
    pub due: Option<DueFilter>,
}

/// Active apps in one due state. The state depends on the clock and the calendar, which the
/// store does not hold: the caller gives, for every interval in use
/// ([`Store::register_intervals`] and the default), the basis instants of each state
/// (`pelihara_domain::register::due_bounds`), and the store compares each app's basis (its
/// last maintenance, else its registration) with its interval's bounds in SQL.
#[derive(Debug, Clone)]
pub struct DueFilter {
    pub state: DueState,
    /// The interval of an app without its own.
    pub default_interval: u32,
    /// (interval in months, its bounds); an interval missing here matches nothing.
    pub bounds: Vec<(u32, DueBounds)>,
}

impl DueFilter {
    /// The SQL condition on the row `a` (numbers only, nothing from a person).
    fn condition(&self) -> String {
        let interval = format!(
            "(case when a.maintenance_interval_months > 0 then a.maintenance_interval_months \
             else {} end)",
            self.default_interval
        );
        let bound = |pick: fn(&DueBounds) -> DateTime<Utc>| {
            let mut sql = format!("(case {interval}");
            for (months, bounds) in &self.bounds {
                sql.push_str(&format!(" when {months} then {}", millis(pick(bounds))));
            }
            sql.push_str(" end)");
            sql
        };
        let basis = "coalesce((select max(c.closed_at) from cases c where c.app_id = a.id \
             and c.status = 'done' and c.counts_as_maintenance = 1), a.created_at)";
        let overdue = bound(|bounds| bounds.overdue_before);
        let due_soon = bound(|bounds| bounds.due_soon_before);
        let within = match self.state {
            DueState::Overdue => format!("{basis} < {overdue}"),
            DueState::DueSoon => format!("{basis} >= {overdue} and {basis} < {due_soon}"),
            DueState::Current => format!("{basis} >= {due_soon}"),
        };
        format!("(a.status = 'active' and {within})")
    }
}

/// One line of the register: the app, its OPD, when it was last maintained and how its last
/// health check went.
#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub app: App,
    pub opd_code: String,
    pub opd_name: String,
    /// `closed_at` of the app's last case that ended done and counts as maintenance.
    pub last_maintained_at: Option<DateTime<Utc>>,
    /// Whether the app has a case that is still open (no new draft for it).
    pub open_cases: u32,
    pub last_check_at: Option<DateTime<Utc>>,
    pub last_check_ok: Option<bool>,
}

impl RegisterRow {
    /// The status as the domain knows it; an unknown stored code reads as active (it cannot
    /// be written through this API).
    pub fn status(&self) -> AppStatus {
        AppStatus::from_code(&self.app.status).unwrap_or(AppStatus::Active)
    }
}

/// One case of an app's maintenance history, with what its records say.
#[derive(Debug, Clone)]
pub struct MaintenanceCase {
    pub case_id: CaseId,
    pub tracking_code: String,
    pub subject: String,
    pub status: CaseStatus,
    pub submitted_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Step 6's verdict, when the case got that far.
    pub verdict: Option<Verdict>,
    pub findings: Option<String>,
    /// Step 7's result and version, and who did it.
    pub result: Option<String>,
    pub version: Option<String>,
    pub maintained_by: Option<String>,
}

/// The hosting record step 8 last left for an app, and the case it came from.
#[derive(Debug, Clone)]
pub struct LastHosting {
    pub record: HostingRecord,
    pub at: DateTime<Utc>,
    pub by_name: String,
    pub case_id: CaseId,
    pub tracking_code: String,
}

/// A stored health check.
#[derive(Debug, Clone)]
pub struct StoredHealthCheck {
    pub app_id: AppId,
    pub check: HealthCheck,
}

fn interval_param(fields: &AppFields) -> Option<i64> {
    fields.maintenance_interval_months.map(i64::from)
}

fn to_u32(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}

/// `like` pattern for a search word: `%`, `_` and the escape character match themselves.
fn like_pattern(word: &str) -> String {
    let mut pattern = String::from("%");
    for c in word.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Store {
    /// Adds an app with every register field. The caller has checked the fields
    /// (`AppFields::problems`); the status code is stored as given.
    pub async fn create_register_app(
        &self,
        opd_id: OpdId,
        fields: &AppFields,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<AppId> {
        self.create_register_app_with(opd_id, fields, None, source, now)
            .await
    }

    /// [`Store::create_register_app`] claiming the API's `Idempotency-Key` in the same write:
    /// a second app under the same key writes nothing and fails with `Duplicate` (the caller
    /// then finds the first app).
    pub async fn create_register_app_with(
        &self,
        opd_id: OpdId,
        fields: &AppFields,
        idempotency: Option<crate::tokens::IdempotencyKey>,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<AppId> {
        let id = AppId::random();
        let change = Change {
            source,
            at: now,
            action: "app.create",
            detail: serde_json::json!({ "app_id": id, "opd_id": opd_id, "name": fields.name, "url": fields.url }),
        };
        self.write_with_event(change, async |tx| {
            let mut conn = WriteConn::Sqlx(tx);
            if let Some(key) = &idempotency {
                crate::tokens::claim_idempotency_key(&mut conn, key, id.0, now).await?;
            }
            insert_app(&mut conn, id, opd_id, fields, now).await
        })
        .await?;
        Ok(id)
    }

    /// Changes an app's register fields and owner OPD; `false` (and no event) when there is
    /// no such app.
    pub async fn update_app(
        &self,
        id: AppId,
        opd_id: OpdId,
        fields: &AppFields,
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        if self.app(id).await?.is_none() {
            return Ok(false);
        }
        let change = Change {
            source,
            at: now,
            action: "app.update",
            detail: serde_json::json!({
                "app_id": id, "opd_id": opd_id, "name": fields.name, "url": fields.url,
                "status": fields.status,
                "maintenance_interval_months": fields.maintenance_interval_months,
            }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "update apps set opd_id = $1, name = $2, url = $3, domain = $4, hosting = $5, \
                 hosting_location = $6, hosting_environment = $7, stack = $8, \
                 opd_contact_name = $9, opd_contact_phone = $10, opd_contact_email = $11, \
                 office_contact_name = $12, office_contact_phone = $13, \
                 office_contact_email = $14, status = $15, maintenance_interval_months = $16, \
                 notes = $17, updated_at = $18 where id = $19",
            )
            .bind(opd_id.to_string())
            .bind(fields.name.clone())
            .bind(fields.url.clone())
            .bind(fields.domain.clone())
            .bind(fields.hosting.clone())
            .bind(fields.hosting_location.clone())
            .bind(fields.hosting_environment.clone())
            .bind(fields.stack.clone())
            .bind(fields.opd_contact_name.clone())
            .bind(fields.opd_contact_phone.clone())
            .bind(fields.opd_contact_email.clone())
            .bind(fields.office_contact_name.clone())
            .bind(fields.office_contact_phone.clone())
            .bind(fields.office_contact_email.clone())
            .bind(fields.status.clone())
            .bind(interval_param(fields))
            .bind(fields.notes.clone())
            .bind(millis(now))
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await?;
        Ok(true)
    }

    /// Adds every app of an import in one transaction with one audit event: either all are
    /// added or, on any error, none.
    pub async fn import_apps(
        &self,
        apps: &[(OpdId, AppFields)],
        source: &AuditSource,
        now: DateTime<Utc>,
    ) -> Result<Vec<AppId>> {
        let ids: Vec<AppId> = apps.iter().map(|_| AppId::random()).collect();
        let change = Change {
            source,
            at: now,
            action: "app.import",
            detail: serde_json::json!({
                "count": apps.len(),
                "apps": ids.iter().zip(apps).map(|(id, (_, fields))| serde_json::json!({ "app_id": id, "name": fields.name })).collect::<Vec<_>>(),
            }),
        };
        self.write_with_event(change, async |tx| {
            // An OPD deactivated after the sheet was read takes no new apps (the sheet reader
            // refuses its rows; this closes the gap between reading and writing).
            let mut checked: Vec<OpdId> = Vec::new();
            for (opd_id, _) in apps {
                if checked.contains(opd_id) {
                    continue;
                }
                checked.push(*opd_id);
                let row = sqlx::query("select active from opds where id = $1")
                    .bind(opd_id.to_string())
                    .fetch_optional(&mut **tx)
                    .await?;
                if let Some(row) = row
                    && row.try_get::<i64, _>("active")? == 0
                {
                    return Err(Refusal::invalid("opd_id", Problem::NotAllowedValue).into());
                }
            }
            for (id, (opd_id, fields)) in ids.iter().zip(apps) {
                insert_app(&mut WriteConn::Sqlx(tx), *id, *opd_id, fields, now).await?;
            }
            Ok(())
        })
        .await?;
        Ok(ids)
    }

    /// The register, by name, narrowed by `filter`, with what due dates and health badges
    /// are computed from.
    pub async fn register(&self, filter: &RegisterFilter) -> Result<Vec<RegisterRow>> {
        let mut conditions: Vec<String> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let param = |binds: &mut Vec<String>, value: String| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if let Some(opd) = filter.opd {
            let p = param(&mut binds, opd.to_string());
            conditions.push(format!("a.opd_id = {p}"));
        }
        if let Some(app) = filter.app {
            let p = param(&mut binds, app.to_string());
            conditions.push(format!("a.id = {p}"));
        }
        if let Some(status) = filter.status {
            let p = param(&mut binds, status.code().to_owned());
            conditions.push(format!("a.status = {p}"));
        }
        match filter.health {
            Some(HealthFilter::Ok) => conditions.push("h.ok = 1".into()),
            Some(HealthFilter::Failing) => conditions.push("h.ok = 0".into()),
            Some(HealthFilter::Unchecked) => conditions.push("h.ok is null".into()),
            None => {}
        }
        for word in filter
            .search
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
        {
            let p = param(&mut binds, like_pattern(word));
            conditions.push(format!(
                "(lower(a.name) like {p} escape '\\' or lower(a.url) like {p} escape '\\' \
                 or lower(a.domain) like {p} escape '\\' or lower(a.stack) like {p} escape '\\' \
                 or lower(o.name) like {p} escape '\\')"
            ));
        }
        if let Some(due) = &filter.due {
            conditions.push(due.condition());
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("where {}", conditions.join(" and "))
        };
        let mut statement = sqlx::query(sqlx::AssertSqlSafe(register_query(&filter_sql)));
        for value in binds {
            statement = statement.bind(value);
        }
        let rows = statement.fetch_all(self.reader()).await?;
        let mut out: Vec<RegisterRow> = Vec::with_capacity(rows.len());
        for row in &rows {
            let app = app_from_row(row)?;
            // Two checks in the same millisecond would join twice; keep the first.
            if out.last().is_some_and(|last| last.app.id == app.id) {
                continue;
            }
            out.push(RegisterRow {
                app,
                opd_code: row.try_get("opd_code")?,
                opd_name: row.try_get("opd_name")?,
                last_maintained_at: opt_instant(row.try_get("last_maintained_at")?)?,
                open_cases: to_u32(row.try_get("open_cases")?, "open cases")?,
                last_check_at: opt_instant(row.try_get("last_check_at")?)?,
                last_check_ok: row
                    .try_get::<Option<i64>, _>("last_check_ok")?
                    .map(|ok| ok != 0),
            });
        }
        Ok(out)
    }

    /// The maintenance intervals apps set for themselves (months, each once): with the
    /// default, the intervals a [`DueFilter`] needs bounds for.
    pub async fn register_intervals(&self) -> Result<Vec<u32>> {
        let rows = sqlx::query(
            "select distinct maintenance_interval_months as months from apps \
             where maintenance_interval_months > 0",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| to_u32(row.try_get("months")?, "interval"))
            .collect()
    }

    /// Every case of an app, newest first, with its verdict and maintenance result.
    pub async fn maintenance_history(&self, app: AppId) -> Result<Vec<MaintenanceCase>> {
        let rows = sqlx::query(
            "select c.id, c.tracking_code, c.subject, c.status, c.submitted_at, c.closed_at, \
             e.kind, e.record_json, e.by_name \
             from cases c left join entries e on e.case_id = c.id \
               and e.kind in ('analysis', 'maintenance') \
             where c.app_id = $1 order by c.submitted_at desc, c.id, e.seq",
        )
        .bind(app.to_string())
        .fetch_all(self.reader())
        .await?;
        let mut out: Vec<MaintenanceCase> = Vec::new();
        for row in &rows {
            let case_id = CaseId(uuid(&row.try_get::<String, _>("id")?)?);
            if out.last().is_none_or(|last| last.case_id != case_id) {
                out.push(MaintenanceCase {
                    case_id,
                    tracking_code: row.try_get("tracking_code")?,
                    subject: row.try_get("subject")?,
                    status: from_code(&row.try_get::<String, _>("status")?)?,
                    submitted_at: instant(row.try_get("submitted_at")?)?,
                    closed_at: opt_instant(row.try_get("closed_at")?)?,
                    verdict: None,
                    findings: None,
                    result: None,
                    version: None,
                    maintained_by: None,
                });
            }
            let Some(json) = row.try_get::<Option<String>, _>("record_json")? else {
                continue;
            };
            let by_name: Option<String> = row.try_get("by_name")?;
            // Entries come in order, so a later record of a kind (after a send-back) wins.
            if let Some(case) = out.last_mut() {
                match from_json::<Record>(&json)? {
                    Record::Analysis {
                        findings, verdict, ..
                    } => {
                        case.verdict = Some(verdict);
                        case.findings = Some(findings);
                    }
                    Record::Maintenance {
                        result, version, ..
                    } => {
                        case.result = Some(result);
                        case.version = Some(version);
                        case.maintained_by = by_name;
                    }
                    _ => {}
                }
            }
        }
        Ok(out)
    }

    /// The hosting record of the app's last done case that has one.
    pub async fn last_hosting(&self, app: AppId) -> Result<Option<LastHosting>> {
        let row = sqlx::query(
            "select e.record_json, e.at, e.by_name, c.id, c.tracking_code \
             from entries e join cases c on c.id = e.case_id \
             where c.app_id = $1 and c.status = 'done' and e.kind = 'hosting' \
             order by c.closed_at desc, e.seq desc limit 1",
        )
        .bind(app.to_string())
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let Record::Hosting(record) =
            from_json::<Record>(&row.try_get::<String, _>("record_json")?)?
        else {
            return Err(StoreError::Corrupt(
                "a hosting entry holds another record".into(),
            ));
        };
        Ok(Some(LastHosting {
            record,
            at: instant(row.try_get("at")?)?,
            by_name: row.try_get("by_name")?,
            case_id: CaseId(uuid(&row.try_get::<String, _>("id")?)?),
            tracking_code: row.try_get("tracking_code")?,
        }))
    }

    /// Keeps the result of one health check of an app.
    pub async fn record_health_check(
        &self,
        app: AppId,
        check: &HealthCheck,
        source: &AuditSource,
    ) -> Result<()> {
        let change = Change {
            source,
            at: check.checked_at,
            action: "app.health_check",
            detail: serde_json::json!({
                "app_id": app, "url": check.url, "ok": check.ok,
                "http_status": check.http_status, "error": check.error,
            }),
        };
        self.write_with_event(change, async |tx| {
            sqlx::query(
                "insert into health_checks (id, app_id, checked_at, url, ok, http_status, \
                 response_ms, tls_issuer, tls_expires_at, error, redirects) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(app.to_string())
            .bind(millis(check.checked_at))
            .bind(check.url.clone())
            .bind(i64::from(check.ok))
            .bind(check.http_status.map(i64::from))
            .bind(
                check
                    .response_ms
                    .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)),
            )
            .bind(check.tls_issuer.clone())
            .bind(check.tls_expires_at.map(millis))
            .bind(check.error.clone())
            .bind(to_json(&check.redirects)?)
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
        .await
    }

    /// The last `limit` health checks of an app, newest first.
    pub async fn health_checks(&self, app: AppId, limit: i64) -> Result<Vec<HealthCheck>> {
        let rows = sqlx::query(
            "select checked_at, url, ok, http_status, response_ms, tls_issuer, tls_expires_at, \
             error, redirects from health_checks where app_id = $1 \
             order by checked_at desc limit $2",
        )
        .bind(app.to_string())
        .bind(limit)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|row| {
                let status: Option<i64> = row.try_get("http_status")?;
                let ms: Option<i64> = row.try_get("response_ms")?;
                Ok(HealthCheck {
                    checked_at: instant(row.try_get("checked_at")?)?,
                    url: row.try_get("url")?,
                    ok: row.try_get::<i64, _>("ok")? != 0,
                    http_status: status
                        .map(|s| {
                            u16::try_from(s).map_err(|_| StoreError::Corrupt(format!("status {s}")))
                        })
                        .transpose()?,
                    response_ms: ms
                        .map(|ms| {
                            u64::try_from(ms).map_err(|_| StoreError::Corrupt(format!("ms {ms}")))
                        })
                        .transpose()?,
                    tls_issuer: row.try_get("tls_issuer")?,
                    tls_expires_at: opt_instant(row.try_get("tls_expires_at")?)?,
                    error: row.try_get("error")?,
                    redirects: from_json(&row.try_get::<String, _>("redirects")?)?,
                })
            })
            .collect()
    }
}

pub(crate) async fn insert_app(
    conn: &mut WriteConn<'_>,
    id: AppId,
    opd_id: OpdId,
    fields: &AppFields,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "insert into apps (id, opd_id, name, url, domain, hosting, hosting_location, \
         hosting_environment, stack, opd_contact_name, opd_contact_phone, opd_contact_email, \
         office_contact_name, office_contact_phone, office_contact_email, status, \
         maintenance_interval_months, notes, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        vec![
            id.to_string().into(),
            opd_id.to_string().into(),
            fields.name.clone().into(),
            fields.url.clone().into(),
            fields.domain.clone().into(),
            fields.hosting.clone().into(),
            fields.hosting_location.clone().into(),
            fields.hosting_environment.clone().into(),
            fields.stack.clone().into(),
            fields.opd_contact_name.clone().into(),
            fields.opd_contact_phone.clone().into(),
            fields.opd_contact_email.clone().into(),
            fields.office_contact_name.clone().into(),
            fields.office_contact_phone.clone().into(),
            fields.office_contact_email.clone().into(),
            fields.status.clone().into(),
            interval_param(fields).into(),
            fields.notes.clone().into(),
            millis(now).into(),
        ],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use sqlx::Row as _;

    use super::*;

    #[tokio::test]
    async fn the_registers_figures_over_cases_search_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = Store::open(&url).await.unwrap();
        let plan = sqlx::query(sqlx::AssertSqlSafe(format!(
            "explain query plan {}",
            register_query("")
        )))
        .fetch_all(store.reader())
        .await
        .unwrap();
        let steps: Vec<String> = plan
            .iter()
            .map(|row| row.try_get::<String, _>("detail").unwrap())
            .collect();
        let over_cases: Vec<&String> = steps.iter().filter(|step| step.contains(" c ")).collect();
        assert_eq!(over_cases.len(), 2, "{steps:#?}");
        for step in over_cases {
            assert!(
                step.starts_with("SEARCH c USING COVERING INDEX cases_by_app_status"),
                "{steps:#?}"
            );
        }
    }
}
