-- Periodic maintenance of the register: draft requests prepared for an OPD to confirm, and
-- which due state of which due date was announced for each app (so a reminder goes once per
-- state change, whatever restarts happen in between). Dates are 'YYYY-MM-DD' local dates.

-- A draft is 'open' until the OPD confirms it (it becomes the case `case_id`) or someone
-- discards it. `origin` is 'manual' (a click on the register) or 'scheduler'.
create table maintenance_drafts (
    id text primary key,
    app_id text not null references apps(id),
    opd_id text not null references opds(id),
    state text not null,
    due_date text not null,
    due_state text not null,
    origin text not null,
    created_by text references users(id),
    created_by_name text not null,
    created_at bigint not null,
    closed_at bigint,
    closed_by text references users(id),
    closed_by_name text,
    case_id text references cases(id)
);
-- Never two open drafts for one app, however many clicks arrive at once.
create unique index maintenance_drafts_one_open on maintenance_drafts(app_id) where state = 'open';
create index maintenance_drafts_by_opd on maintenance_drafts(opd_id, state);

create table maintenance_announcements (
    app_id text primary key references apps(id),
    due_date text not null,
    due_state text not null,
    announced_at bigint not null
);
