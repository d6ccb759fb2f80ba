-- Pelihara core schema on PostgreSQL (the same tables as on SQLite). Instants are epoch
-- milliseconds (UTC); structured values
-- that only the domain reads are JSON text. Migrations never change once applied.

create table opds (
    id text primary key,
    code text not null unique,
    name text not null,
    active bigint not null default 1
);

create table users (
    id text primary key,
    username text not null unique,
    full_name text not null,
    nip text,
    email text,
    role text not null,
    positions text not null default '',
    opd_id text references opds(id),
    active bigint not null default 1,
    password_hash text not null,
    lang text not null default 'id',
    created_at bigint not null
);

create table delegations (
    id text primary key,
    position text not null,
    kind text not null,
    delegate_id text not null references users(id),
    official_name text not null,
    from_at bigint not null,
    until_at bigint not null,
    revoked bigint not null default 0,
    created_by text not null,
    created_at bigint not null
);
create index delegations_by_delegate on delegations(delegate_id, until_at);

create table apps (
    id text primary key,
    opd_id text not null references opds(id),
    name text not null,
    url text not null default '',
    domain text not null default '',
    hosting text not null default '',
    stack text not null default '',
    status text not null default 'active',
    notes text not null default '',
    created_at bigint not null
);
create index apps_by_opd on apps(opd_id);

create table sop_versions (
    code text not null,
    version bigint not null,
    source text not null,
    sha256 text not null,
    loaded_at bigint not null,
    primary key (code, version)
);

create table documents (
    sha256 text primary key,
    size bigint not null,
    media_type text not null,
    created_at bigint not null
);

create table cases (
    id text primary key,
    tracking_code text not null unique,
    sop_code text not null,
    sop_version bigint not null,
    opd_id text not null references opds(id),
    app_id text not null references apps(id),
    subject text not null,
    description text not null,
    letter_sha256 text not null references documents(sha256),
    letter_json text not null,
    status text not null,
    current_step bigint not null,
    agenda_number text unique,
    agenda_json text,
    submitted_by text not null references users(id),
    submitted_at bigint not null,
    closed_at bigint,
    closing_reason text,
    version bigint not null
);
create index cases_by_opd on cases(opd_id, submitted_at);
create index cases_by_app on cases(app_id, submitted_at);
create index cases_by_status on cases(status, submitted_at);

create table tasks (
    id text primary key,
    case_id text not null references cases(id),
    step_no bigint not null,
    stage text not null,
    position text not null,
    opd_id text,
    claimed_by text,
    claimed_by_name text,
    state text not null,
    opened_at bigint not null,
    seen_at bigint,
    standard_json text,
    pauses_json text not null default '[]',
    due_at bigint,
    completed_at bigint,
    completed_by text,
    completed_by_name text,
    acting_json text,
    actual_seconds bigint,
    actual_in_unit_micros bigint
);
create index tasks_by_case on tasks(case_id);
-- The inbox and the SLA sweep read open tasks by position and due moment.
create index tasks_open_by_position on tasks(state, position, due_at, case_id, id);

create table entries (
    seq bigserial primary key,
    id text not null unique,
    case_id text not null references cases(id),
    step_no bigint not null,
    task_id text,
    by_user text not null,
    by_name text not null,
    acting_json text,
    at bigint not null,
    kind text not null,
    record_json text not null
);
create index entries_by_case on entries(case_id, seq);

create table agenda_counters (
    year bigint primary key,
    last_sequence bigint not null
);

create table holidays (
    date text primary key,
    kind text not null,
    name text not null
);

create table settings (
    key text primary key,
    value text not null
);

-- The audit trail: append-only and hash-chained. Each event holds the SHA-256 of the previous
-- one and of its own canonical content; the head row names the last event so that cutting
-- the tail is detected too.
create table audit_events (
    seq bigint primary key,
    at bigint not null,
    actor_id text,
    actor_name text not null,
    acting_json text,
    action text not null,
    case_id text,
    step_no bigint,
    detail_json text not null,
    source text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_by_case on audit_events(case_id, seq);

create table audit_head (
    id bigint primary key check (id = 1),
    seq bigint not null,
    hash text not null
);
insert into audit_head (id, seq, hash) values (1, 0, '');

create function pelihara_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit events are append-only';
end;
$$;
create trigger audit_events_no_update before update or delete on audit_events
    for each row execute function pelihara_refuse_change();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function pelihara_refuse_change();

create function pelihara_head_forward_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' or new.seq <> old.seq + 1 then
        raise exception 'the audit head only moves forward';
    end if;
    return new;
end;
$$;
create trigger audit_head_forward_only before update or delete on audit_head
    for each row execute function pelihara_head_forward_only();
