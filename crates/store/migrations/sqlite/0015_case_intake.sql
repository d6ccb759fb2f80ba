-- no-transaction
-- Cases of any SOP (issue 14): an employee's or a position holder's request names no OPD, an
-- SOP may ask no app and no letter, and the start form's extra fields are kept with the case
-- (`intake_json`, a JSON object by field id). `counts_as_maintenance` says whether finishing
-- the case resets its app's maintenance due date (the SOP's `[intake] maintenance` and an
-- app given); every case so far is a Demak maintenance request, so 1.
--
-- SQLite cannot drop NOT NULL in place: the table is rebuilt the documented way (create the
-- new one, copy, drop the old, rename the new) with every index it had (0001, 0012, 0013).
-- That needs foreign keys off, which only takes effect outside a transaction, hence
-- `no-transaction` and the explicit transaction below. Rows of tasks, entries, documents and
-- maintenance_drafts refer to cases by name, so after the rename they refer to the new table.
pragma foreign_keys = off;

begin;

create table cases_new (
    id text primary key,
    tracking_code text not null unique,
    sop_code text not null,
    sop_version bigint not null,
    opd_id text references opds(id),
    app_id text references apps(id),
    subject text not null,
    description text not null,
    letter_sha256 text references documents(sha256),
    letter_json text,
    status text not null,
    current_step bigint not null,
    agenda_number text unique,
    agenda_json text,
    submitted_by text not null references users(id),
    submitted_at bigint not null,
    closed_at bigint,
    closing_reason text,
    version bigint not null,
    intake_json text not null default '{}',
    counts_as_maintenance bigint not null default 1
);

insert into cases_new (id, tracking_code, sop_code, sop_version, opd_id, app_id, subject,
    description, letter_sha256, letter_json, status, current_step, agenda_number, agenda_json,
    submitted_by, submitted_at, closed_at, closing_reason, version)
select id, tracking_code, sop_code, sop_version, opd_id, app_id, subject, description,
    letter_sha256, letter_json, status, current_step, agenda_number, agenda_json, submitted_by,
    submitted_at, closed_at, closing_reason, version
from cases;

drop table cases;
alter table cases_new rename to cases;

create index cases_by_opd on cases(opd_id, submitted_at, id);
create index cases_by_app on cases(app_id, submitted_at);
create index cases_by_status on cases(status, submitted_at, id);
create index cases_by_submitted on cases(submitted_at, id);
-- As in 0012, with the maintenance flag before the closing moment: an app's last maintenance
-- (its last done case that counts) stays one seek to the end of a range.
create index cases_by_app_status on cases(app_id, status, counts_as_maintenance, closed_at);

commit;

pragma foreign_keys = on;
