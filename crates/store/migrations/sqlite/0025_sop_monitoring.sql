-- SOP monitoring (PermenPAN-RB 35/2012): the people the admin made assessors (penilai), and
-- one monitoring form per SOP and half-year. A form is a draft until its assessor paraf-signs
-- it; signing stamps `signed_at` and the SHA-256 of its content, and from then on the database
-- refuses every change and removal of the row (the trigger below), whoever writes.
create table sop_assessors (
    user_id text primary key references users(id),
    granted_at bigint not null,
    granted_by text
);

create table sop_monitoring_forms (
    id text primary key,
    sop_code text not null,
    sop_version bigint not null,
    -- The half-year: semester 1 is January to June, 2 July to December.
    year bigint not null,
    semester bigint not null check (semester in (1, 2)),
    -- The header as printed: the SOP's title and number, the unit, the threshold the
    -- proposal used (percent of tasks within the standard).
    sop_title text not null,
    sop_number text not null,
    unit text not null,
    threshold_percent bigint not null,
    -- The rows (No, Prosedur, Penilaian, Catatan, Tindakan) as JSON.
    rows_json text not null,
    assessor_id text not null references users(id),
    assessor_name text not null,
    assessor_nip text not null,
    -- Counts the saves: a save names the revision it edited, so a stale one is refused.
    revision bigint not null,
    created_at bigint not null,
    updated_at bigint not null,
    signed_at bigint,
    content_sha256 text,
    unique (sop_code, year, semester)
);

create trigger sop_monitoring_signed_no_update before update on sop_monitoring_forms
    when old.signed_at is not null
begin
    select raise(abort, 'a signed monitoring form is immutable');
end;

create trigger sop_monitoring_signed_no_delete before delete on sop_monitoring_forms
    when old.signed_at is not null
begin
    select raise(abort, 'a signed monitoring form is immutable');
end;
