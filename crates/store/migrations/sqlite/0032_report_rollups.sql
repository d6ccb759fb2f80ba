-- The reports' figures kept as they change (issue 15): at a million cases a year holds some
-- seven million finished tasks, and no index turns "the median of a period" into less than a
-- sort of that period. A finished task never changes again, so what the reports count of it
-- is added once, when it finishes, to rows per UTC day and per UTC month; a report reads the
-- whole days and months of its period from these rows and only the hours at its edges from
-- the tasks (`pelihara_store::report_rollups`). Counts are exact; the working time's
-- distribution is kept in bins of its ratio to the standard (1 % below 200 %, 10 % below
-- 1000 %, one bin above), so percentiles are read to the bin: "rounded down to the bin".
--
-- The database keeps the rows in step (the triggers below), so no writer of tasks or cases
-- (the group-commit writer, PostgreSQL's pool, the benchmark generator) has to remember them.

-- Which rows a finished task adds to: per grouping, every OPD ('' scope) and its case's OPD,
-- every SOP ('' scope) and its SOP, where the grouping's key does not already say it.
create table report_scopes (
    grouping text not null,
    opd_scoped bigint not null,
    sop_scoped bigint not null,
    primary key (grouping, opd_scoped, sop_scoped)
);
insert into report_scopes (grouping, opd_scoped, sop_scoped) values
    ('step', 0, 0), ('step', 1, 0),
    ('position', 0, 0), ('position', 1, 0), ('position', 0, 1), ('position', 1, 1),
    ('person', 0, 0), ('person', 1, 0), ('person', 0, 1), ('person', 1, 1),
    ('opd', 0, 0), ('opd', 0, 1);

-- One finished task as the reports count it, once per scope it belongs to: its grouping key
-- (`g1`, `g2`, `g3`: SOP, version and step; a position; a person; an OPD), its ratio bin in
-- permille of the standard, whether it met the standard (a micro of rounding is not a miss),
-- and the standard itself for the per-step rows.
create view report_task_facts as
select t.id as task_id, t.completed_at, k.grouping,
    case when k.opd_scoped = 1 then t.case_opd_id else '' end as opd,
    case when k.sop_scoped = 1 then t.sop_code else '' end as sop,
    case k.grouping when 'step' then t.sop_code when 'position' then t.position
        when 'person' then coalesce(t.completed_by, '') else coalesce(t.case_opd_id, '') end as g1,
    case k.grouping when 'step' then t.sop_version else 0 end as g2,
    case k.grouping when 'step' then t.step_no else 0 end as g3,
    case when t.actual_in_unit_micros * 1000 / t.standard_micros < 2000
        then t.actual_in_unit_micros * 1000 / t.standard_micros / 10 * 10
        when t.actual_in_unit_micros * 1000 / t.standard_micros < 10000
        then t.actual_in_unit_micros * 1000 / t.standard_micros / 100 * 100
        else 10000 end as bin,
    case when t.actual_in_unit_micros <= t.standard_micros + 1 then 1 else 0 end as met,
    case when k.grouping = 'step' then t.standard_unit else '' end as unit,
    case when k.grouping = 'step' then t.standard_micros else 0 end as standard
from tasks t join report_scopes k
    on (k.opd_scoped = 0 or t.case_opd_id is not null)
    and (k.sop_scoped = 0 or t.sop_code is not null)
where t.state = 'done' and t.standard_micros > 0 and t.actual_in_unit_micros is not null
    and t.actual_in_unit_micros >= 0 and t.completed_at is not null;

-- The rows: `span` 'd' (bucket = UTC day number, epoch ms / 86 400 000) or 'm' (bucket = UTC
-- year x 12 + month - 1). A report's key range is one seek of the primary key.
create table report_task_rollup (
    grouping text not null,
    opd text not null,
    sop text not null,
    span text not null,
    bucket bigint not null,
    g1 text not null,
    g2 bigint not null,
    g3 bigint not null,
    bin bigint not null,
    tasks bigint not null,
    met bigint not null,
    unit text not null,
    standard bigint not null,
    primary key (grouping, opd, sop, span, bucket, g1, g2, g3, bin)
) without rowid;

-- The tasks finished before this migration, each added as the trigger adds one: the rows stay
-- few and in memory, where grouping the facts first would sort tens of millions of them on
-- disk at a million cases.
insert into report_task_rollup
    (grouping, opd, sop, span, bucket, g1, g2, g3, bin, tasks, met, unit, standard)
select f.grouping, f.opd, f.sop, s.span,
    case s.span when 'd' then f.completed_at / 86400000
        else cast(strftime('%Y', f.completed_at / 1000, 'unixepoch') as integer) * 12
            + cast(strftime('%m', f.completed_at / 1000, 'unixepoch') as integer) - 1 end,
    f.g1, f.g2, f.g3, f.bin, 1, f.met, f.unit, f.standard
from report_task_facts f, (select 'd' as span union all select 'm') s
where true
on conflict (grouping, opd, sop, span, bucket, g1, g2, g3, bin) do update
    set tasks = report_task_rollup.tasks + 1, met = report_task_rollup.met + excluded.met;

create trigger report_task_rollup_on_done after update of state on tasks
when new.state = 'done' and old.state <> 'done'
begin
    insert into report_task_rollup
        (grouping, opd, sop, span, bucket, g1, g2, g3, bin, tasks, met, unit, standard)
    select f.grouping, f.opd, f.sop, s.span,
        case s.span when 'd' then f.completed_at / 86400000
            else cast(strftime('%Y', f.completed_at / 1000, 'unixepoch') as integer) * 12
                + cast(strftime('%m', f.completed_at / 1000, 'unixepoch') as integer) - 1 end,
        f.g1, f.g2, f.g3, f.bin, 1, f.met, f.unit, f.standard
    from report_task_facts f, (select 'd' as span union all select 'm') s
    where f.task_id = new.id
    on conflict (grouping, opd, sop, span, bucket, g1, g2, g3, bin) do update
        set tasks = report_task_rollup.tasks + 1,
            met = report_task_rollup.met + excluded.met;
end;

create trigger report_task_rollup_on_insert after insert on tasks
when new.state = 'done'
begin
    insert into report_task_rollup
        (grouping, opd, sop, span, bucket, g1, g2, g3, bin, tasks, met, unit, standard)
    select f.grouping, f.opd, f.sop, s.span,
        case s.span when 'd' then f.completed_at / 86400000
            else cast(strftime('%Y', f.completed_at / 1000, 'unixepoch') as integer) * 12
                + cast(strftime('%m', f.completed_at / 1000, 'unixepoch') as integer) - 1 end,
        f.g1, f.g2, f.g3, f.bin, 1, f.met, f.unit, f.standard
    from report_task_facts f, (select 'd' as span union all select 'm') s
    where f.task_id = new.id
    on conflict (grouping, opd, sop, span, bucket, g1, g2, g3, bin) do update
        set tasks = report_task_rollup.tasks + 1,
            met = report_task_rollup.met + excluded.met;
end;

-- Cases: submitted in a bucket, and closed in it by how they ended (`what`: submitted, done,
-- rejected, withdrawn), per every OPD ('') and the case's OPD, every SOP ('') and its SOP.
create view report_case_facts as
select c.id as case_id, w.what, case w.what when 'submitted' then c.submitted_at
        else c.closed_at end as at,
    case when o.scoped = 1 then c.opd_id else '' end as opd,
    case when p.scoped = 1 then c.sop_code else '' end as sop
from cases c
    join (select 'submitted' as what union all select 'done' union all select 'rejected'
        union all select 'withdrawn') w
        on w.what = 'submitted' or (w.what = c.status and c.closed_at is not null),
    (select 0 as scoped union all select 1) o,
    (select 0 as scoped union all select 1) p
where o.scoped = 0 or c.opd_id is not null;

create table report_case_rollup (
    opd text not null,
    sop text not null,
    what text not null,
    span text not null,
    bucket bigint not null,
    cases bigint not null,
    primary key (opd, sop, what, span, bucket)
) without rowid;

insert into report_case_rollup (opd, sop, what, span, bucket, cases)
select f.opd, f.sop, f.what, s.span,
    case s.span when 'd' then f.at / 86400000
        else cast(strftime('%Y', f.at / 1000, 'unixepoch') as integer) * 12
            + cast(strftime('%m', f.at / 1000, 'unixepoch') as integer) - 1 end,
    1
from report_case_facts f, (select 'd' as span union all select 'm') s
where true
on conflict (opd, sop, what, span, bucket) do update set cases = report_case_rollup.cases + 1;

-- A case is counted as submitted when it is written, and as closed when its status becomes
-- done, rejected or withdrawn (a case written already closed, by the generator, both at once).
create trigger report_case_rollup_on_insert after insert on cases
begin
    insert into report_case_rollup (opd, sop, what, span, bucket, cases)
    select f.opd, f.sop, f.what, s.span,
        case s.span when 'd' then f.at / 86400000
            else cast(strftime('%Y', f.at / 1000, 'unixepoch') as integer) * 12
                + cast(strftime('%m', f.at / 1000, 'unixepoch') as integer) - 1 end,
        1
    from report_case_facts f, (select 'd' as span union all select 'm') s
    where f.case_id = new.id
    on conflict (opd, sop, what, span, bucket) do update
        set cases = report_case_rollup.cases + 1;
end;

create trigger report_case_rollup_on_close after update of status on cases
when new.status in ('done', 'rejected', 'withdrawn') and old.status <> new.status
    and new.closed_at is not null
begin
    insert into report_case_rollup (opd, sop, what, span, bucket, cases)
    select f.opd, f.sop, f.what, s.span,
        case s.span when 'd' then f.at / 86400000
            else cast(strftime('%Y', f.at / 1000, 'unixepoch') as integer) * 12
                + cast(strftime('%m', f.at / 1000, 'unixepoch') as integer) - 1 end,
        1
    from report_case_facts f, (select 'd' as span union all select 'm') s
    where f.case_id = new.id and f.what <> 'submitted'
    on conflict (opd, sop, what, span, bucket) do update
        set cases = report_case_rollup.cases + 1;
end;

-- Whole cases done: each case's working time against the sum of its standards (a working day
-- worth `report_basis.working_day_seconds`, the office's day), binned by ratio ('r', as the
-- tasks) and by working time ('s', quarter hours), per every OPD ('') and the case's OPD. The
-- store adds a case when the transition that finishes it is written (the last task is written
-- after the case, so a trigger on either would miss it), and rebuilds all of them when the
-- office's working day differs from the basis they were counted with (0: not counted yet).
create table report_basis (
    id bigint primary key check (id = 1),
    working_day_seconds bigint not null
);
insert into report_basis (id, working_day_seconds) values (1, 0);

create table report_case_span_rollup (
    opd text not null,
    sop text not null,
    sop_version bigint not null,
    span text not null,
    bucket bigint not null,
    kind text not null,
    bin bigint not null,
    cases bigint not null,
    met bigint not null,
    primary key (opd, sop, sop_version, span, bucket, kind, bin)
) without rowid;

-- The open side of "now": tasks with a standard open or paused, per grouping and scope, by
-- the UTC day they opened, their state and the UTC day they are due (-1: no due moment). A
-- report counts the ones opened in its period; those due before today are overdue, today's
-- are read from the tasks by their due moment (index `tasks_open_by_due`). A task enters when it opens and leaves (or
-- moves) when its state, due moment or holder changes; both by the triggers below.
create table report_open_rollup (
    grouping text not null,
    opd text not null,
    sop text not null,
    opened_day bigint not null,
    g1 text not null,
    g2 bigint not null,
    g3 bigint not null,
    state text not null,
    due_day bigint not null,
    tasks bigint not null,
    primary key (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day)
) without rowid;

-- One open task as the open side counts it (the holder, not the finisher, is its person).
create view report_open_facts as
select t.id as task_id, t.opened_at, t.state, t.due_at, k.grouping,
    case when k.opd_scoped = 1 then t.case_opd_id else '' end as opd,
    case when k.sop_scoped = 1 then t.sop_code else '' end as sop,
    case k.grouping when 'step' then t.sop_code when 'position' then t.position
        when 'person' then coalesce(t.claimed_by, '') else coalesce(t.case_opd_id, '') end as g1,
    case k.grouping when 'step' then t.sop_version else 0 end as g2,
    case k.grouping when 'step' then t.step_no else 0 end as g3
from tasks t join report_scopes k
    on (k.opd_scoped = 0 or t.case_opd_id is not null)
    and (k.sop_scoped = 0 or t.sop_code is not null)
where t.state in ('open', 'paused') and t.standard_micros > 0;

insert into report_open_rollup
    (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, tasks)
select grouping, opd, sop, opened_at / 86400000, g1, g2, g3, state,
    coalesce(due_at / 86400000, -1), 1
from report_open_facts
where true
on conflict (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day) do update
    set tasks = report_open_rollup.tasks + 1;

create trigger report_open_rollup_on_insert after insert on tasks
when new.state in ('open', 'paused') and new.standard_micros > 0
begin
    insert into report_open_rollup
        (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, tasks)
    select grouping, opd, sop, opened_at / 86400000, g1, g2, g3, state,
        coalesce(due_at / 86400000, -1), 1
    from report_open_facts where task_id = new.id
    order by 1, 2, 3, 4, 5, 6, 7, 8, 9
    on conflict (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day) do update
        set tasks = report_open_rollup.tasks + 1;
end;

create trigger report_open_rollup_on_change after update of state, due_at, claimed_by on tasks
when (old.state in ('open', 'paused') or new.state in ('open', 'paused'))
    and old.standard_micros > 0
    and (new.state <> old.state or coalesce(new.due_at, -1) <> coalesce(old.due_at, -1)
        or coalesce(new.claimed_by, '') <> coalesce(old.claimed_by, ''))
begin
    -- Out where it was (its row from the old values), then in where it is now.
    insert into report_open_rollup
        (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, tasks)
    select k.grouping,
        case when k.opd_scoped = 1 then old.case_opd_id else '' end,
        case when k.sop_scoped = 1 then old.sop_code else '' end,
        old.opened_at / 86400000,
        case k.grouping when 'step' then old.sop_code when 'position' then old.position
            when 'person' then coalesce(old.claimed_by, '')
            else coalesce(old.case_opd_id, '') end,
        case k.grouping when 'step' then old.sop_version else 0 end,
        case k.grouping when 'step' then old.step_no else 0 end,
        old.state, coalesce(old.due_at / 86400000, -1), -1
    from report_scopes k
    where old.state in ('open', 'paused')
        and (k.opd_scoped = 0 or old.case_opd_id is not null)
        and (k.sop_scoped = 0 or old.sop_code is not null)
    order by 1, 2, 3, 4, 5, 6, 7, 8, 9
    on conflict (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day) do update
        set tasks = report_open_rollup.tasks - 1;
    insert into report_open_rollup
        (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, tasks)
    select grouping, opd, sop, opened_at / 86400000, g1, g2, g3, state,
        coalesce(due_at / 86400000, -1), 1
    from report_open_facts where task_id = new.id
    order by 1, 2, 3, 4, 5, 6, 7, 8, 9
    on conflict (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day) do update
        set tasks = report_open_rollup.tasks + 1;
end;

-- Cases with a task open past its due moment now: each case with an open task, at the
-- earliest due moment of its open tasks (kept by the trigger below from the case's tasks),
-- and their count per every OPD and SOP ('') and theirs, by that moment's UTC day.
create table report_case_due (
    case_id text primary key,
    opd text not null,
    sop text not null,
    due_at bigint not null
);
create index report_case_due_by_due on report_case_due(due_at, opd, sop);

insert into report_case_due (case_id, opd, sop, due_at)
select case_id, coalesce(max(case_opd_id), ''), coalesce(max(sop_code), ''), min(due_at)
from tasks where state = 'open' and due_at is not null group by case_id;

create table report_case_due_rollup (
    opd text not null,
    sop text not null,
    due_day bigint not null,
    cases bigint not null,
    primary key (opd, sop, due_day)
) without rowid;

insert into report_case_due_rollup (opd, sop, due_day, cases)
select case when o.scoped = 1 then d.opd else '' end,
    case when p.scoped = 1 then d.sop else '' end, d.due_at / 86400000, count(*)
from report_case_due d, (select 0 as scoped union all select 1) o,
    (select 0 as scoped union all select 1) p
where (o.scoped = 0 or d.opd <> '') and (p.scoped = 0 or d.sop <> '')
group by 1, 2, 3;

create trigger report_case_due_on_insert after insert on tasks
when new.state = 'open' and new.due_at is not null
begin
    insert into report_case_due_rollup (opd, sop, due_day, cases)
    select case when o.scoped = 1 then d.opd else '' end,
        case when p.scoped = 1 then d.sop else '' end, d.due_at / 86400000, -1
    from report_case_due d, (select 0 as scoped union all select 1) o,
        (select 0 as scoped union all select 1) p
    where d.case_id = new.case_id and (o.scoped = 0 or d.opd <> '')
        and (p.scoped = 0 or d.sop <> '')
    order by 1, 2, 3
    on conflict (opd, sop, due_day) do update set cases = report_case_due_rollup.cases - 1;
    delete from report_case_due where case_id = new.case_id;
    insert into report_case_due (case_id, opd, sop, due_at)
    select case_id, coalesce(max(case_opd_id), ''), coalesce(max(sop_code), ''), min(due_at)
    from tasks where case_id = new.case_id and state = 'open' and due_at is not null
    group by case_id;
    insert into report_case_due_rollup (opd, sop, due_day, cases)
    select case when o.scoped = 1 then d.opd else '' end,
        case when p.scoped = 1 then d.sop else '' end, d.due_at / 86400000, 1
    from report_case_due d, (select 0 as scoped union all select 1) o,
        (select 0 as scoped union all select 1) p
    where d.case_id = new.case_id and (o.scoped = 0 or d.opd <> '')
        and (p.scoped = 0 or d.sop <> '')
    order by 1, 2, 3
    on conflict (opd, sop, due_day) do update set cases = report_case_due_rollup.cases + 1;
end;

create trigger report_case_due_on_change after update of state, due_at on tasks
when (old.state = 'open' or new.state = 'open')
    and (new.state <> old.state or coalesce(new.due_at, -1) <> coalesce(old.due_at, -1))
begin
    insert into report_case_due_rollup (opd, sop, due_day, cases)
    select case when o.scoped = 1 then d.opd else '' end,
        case when p.scoped = 1 then d.sop else '' end, d.due_at / 86400000, -1
    from report_case_due d, (select 0 as scoped union all select 1) o,
        (select 0 as scoped union all select 1) p
    where d.case_id = new.case_id and (o.scoped = 0 or d.opd <> '')
        and (p.scoped = 0 or d.sop <> '')
    order by 1, 2, 3
    on conflict (opd, sop, due_day) do update set cases = report_case_due_rollup.cases - 1;
    delete from report_case_due where case_id = new.case_id;
    insert into report_case_due (case_id, opd, sop, due_at)
    select case_id, coalesce(max(case_opd_id), ''), coalesce(max(sop_code), ''), min(due_at)
    from tasks where case_id = new.case_id and state = 'open' and due_at is not null
    group by case_id;
    insert into report_case_due_rollup (opd, sop, due_day, cases)
    select case when o.scoped = 1 then d.opd else '' end,
        case when p.scoped = 1 then d.sop else '' end, d.due_at / 86400000, 1
    from report_case_due d, (select 0 as scoped union all select 1) o,
        (select 0 as scoped union all select 1) p
    where d.case_id = new.case_id and (o.scoped = 0 or d.opd <> '')
        and (p.scoped = 0 or d.sop <> '')
    order by 1, 2, 3
    on conflict (opd, sop, due_day) do update set cases = report_case_due_rollup.cases + 1;
end;

-- Cases in progress now (open, by step) and returned to the requester, per SOP version, per
-- every OPD ('') and theirs.
create table report_progress (
    opd text not null,
    sop text not null,
    sop_version bigint not null,
    status text not null,
    step bigint not null,
    cases bigint not null,
    primary key (opd, sop, sop_version, status, step)
) without rowid;

insert into report_progress (opd, sop, sop_version, status, step, cases)
select case when o.scoped = 1 then c.opd_id else '' end, c.sop_code, c.sop_version, c.status,
    c.current_step, count(*)
from cases c, (select 0 as scoped union all select 1) o
where c.status in ('open', 'returned') and (o.scoped = 0 or c.opd_id is not null)
group by 1, 2, 3, 4, 5;

create trigger report_progress_on_insert after insert on cases
when new.status in ('open', 'returned')
begin
    insert into report_progress (opd, sop, sop_version, status, step, cases)
    select case when o.scoped = 1 then new.opd_id else '' end, new.sop_code, new.sop_version,
        new.status, new.current_step, 1
    from (select 0 as scoped union all select 1) o
    where o.scoped = 0 or new.opd_id is not null
    order by 1
    on conflict (opd, sop, sop_version, status, step) do update
        set cases = report_progress.cases + 1;
end;

create trigger report_progress_on_change after update of status, current_step on cases
when (old.status in ('open', 'returned') or new.status in ('open', 'returned'))
    and (new.status <> old.status or new.current_step <> old.current_step)
begin
    insert into report_progress (opd, sop, sop_version, status, step, cases)
    select case when o.scoped = 1 then old.opd_id else '' end, old.sop_code, old.sop_version,
        old.status, old.current_step, -1
    from (select 0 as scoped union all select 1) o
    where old.status in ('open', 'returned') and (o.scoped = 0 or old.opd_id is not null)
    order by 1
    on conflict (opd, sop, sop_version, status, step) do update
        set cases = report_progress.cases - 1;
    insert into report_progress (opd, sop, sop_version, status, step, cases)
    select case when o.scoped = 1 then new.opd_id else '' end, new.sop_code, new.sop_version,
        new.status, new.current_step, 1
    from (select 0 as scoped union all select 1) o
    where new.status in ('open', 'returned') and (o.scoped = 0 or new.opd_id is not null)
    order by 1
    on conflict (opd, sop, sop_version, status, step) do update
        set cases = report_progress.cases + 1;
end;
