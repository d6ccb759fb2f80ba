-- The register of apps and websites ("Data Pemeliharaan Aplikasi/Website"): contacts at the
-- OPD and at Dinkominfo, where and how the app is hosted, a per-app maintenance interval
-- (null: the SOP's `maintenance_interval_months`), and the health-check history.
-- `stack` (technology) and `status` ('active' or 'retired') already exist in 0001.
alter table apps add column hosting_location text not null default '';
alter table apps add column hosting_environment text not null default '';
alter table apps add column opd_contact_name text not null default '';
alter table apps add column opd_contact_phone text not null default '';
alter table apps add column opd_contact_email text not null default '';
alter table apps add column dinkominfo_contact_name text not null default '';
alter table apps add column dinkominfo_contact_phone text not null default '';
alter table apps add column dinkominfo_contact_email text not null default '';
alter table apps add column maintenance_interval_months bigint;
alter table apps add column updated_at bigint;
create index apps_by_status on apps(status, name);

-- One row per health check of an app. `ok` is 0/1; `redirects` is the JSON list of hops
-- followed (each checked against the same address rules as the first request);
-- `tls_expires_at` is epoch milliseconds of the server certificate's notAfter.
create table health_checks (
    id text primary key,
    app_id text not null references apps(id),
    checked_at bigint not null,
    url text not null,
    ok bigint not null,
    http_status bigint,
    response_ms bigint,
    tls_issuer text,
    tls_expires_at bigint,
    error text,
    redirects text not null default '[]'
);
create index health_checks_by_app on health_checks(app_id, checked_at);
