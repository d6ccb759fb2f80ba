-- The reports' rollups by the office's own days and months (issue 15), as on SQLite.
-- Migration 0032 kept them per UTC day and month, but an office's month begins at its
-- midnight: 17:00 UTC the day before in western Indonesia. Every period a report offers thus
-- began and ended inside a UTC day, and those hours were read from the tasks themselves: at a
-- million cases, 250 ms for a year's dashboard where the whole days took 5. The buckets are
-- now the days and months of a fixed offset from UTC (`report_basis.zone_offset_ms`, the
-- office's zone: WIB, WITA and WIT keep no daylight saving), so a month, a quarter or a year of
-- the office is whole buckets (`pelihara_utc_month` of the moment moved by the offset is the
-- office's month).
--
-- The offset starts at 0, the UTC buckets already counted; the server counts everything again
-- with its office's offset when it starts and when the zone changes
-- (`Store::ensure_report_zone`). A report reads the offset its rows were counted with, so its
-- figures stay right in between: hours that are not whole buckets are read from the tasks.
alter table report_basis add column zone_offset_ms bigint not null default 0;

-- As in 0035, with the office's day and month (`year x 12 + month - 1`) of the moment.
create or replace view report_task_facts as
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
    case when k.grouping = 'step' then t.standard_micros else 0 end as standard,
    k.opd_scoped, k.sop_scoped,
    (t.completed_at + z.zone_offset_ms) / 86400000 as local_day,
    pelihara_utc_month(t.completed_at + z.zone_offset_ms) as local_month
from tasks t join report_scopes k
    on (k.opd_scoped = 0 or t.case_opd_id is not null)
    and (k.sop_scoped = 0 or t.sop_code is not null)
    join report_basis z on z.id = 1
where t.state = 'done' and t.standard_micros > 0 and t.actual_in_unit_micros is not null
    and t.actual_in_unit_micros >= 0 and t.completed_at is not null;

create or replace view report_case_facts as
select c.id as case_id, w.what, case w.what when 'submitted' then c.submitted_at
        else c.closed_at end as at,
    case when o.scoped = 1 then c.opd_id else '' end as opd,
    case when p.scoped = 1 then c.sop_code else '' end as sop,
    ((case w.what when 'submitted' then c.submitted_at else c.closed_at end)
        + z.zone_offset_ms) / 86400000 as local_day,
    pelihara_utc_month((case w.what when 'submitted' then c.submitted_at
        else c.closed_at end) + z.zone_offset_ms) as local_month
from cases c
    join (select 'submitted' as what union all select 'done' union all select 'rejected'
        union all select 'withdrawn') w
        on w.what = 'submitted' or (w.what = c.status and c.closed_at is not null)
    join report_basis z on z.id = 1,
    (select 0 as scoped union all select 1) o,
    (select 0 as scoped union all select 1) p
where o.scoped = 0 or c.opd_id is not null;

create or replace view report_open_facts as
select t.id as task_id, t.opened_at, t.state, t.due_at, k.grouping,
    case when k.opd_scoped = 1 then t.case_opd_id else '' end as opd,
    case when k.sop_scoped = 1 then t.sop_code else '' end as sop,
    case k.grouping when 'step' then t.sop_code when 'position' then t.position
        when 'person' then coalesce(t.claimed_by, '') else coalesce(t.case_opd_id, '') end as g1,
    case k.grouping when 'step' then t.sop_version else 0 end as g2,
    case k.grouping when 'step' then t.step_no else 0 end as g3,
    k.opd_scoped, k.sop_scoped,
    (t.opened_at + z.zone_offset_ms) / 86400000 as opened_day,
    coalesce((t.due_at + z.zone_offset_ms) / 86400000, -1) as due_day
from tasks t join report_scopes k
    on (k.opd_scoped = 0 or t.case_opd_id is not null)
    and (k.sop_scoped = 0 or t.sop_code is not null)
    join report_basis z on z.id = 1
where t.state in ('open', 'paused') and t.standard_micros > 0;

-- The trigger functions of 0032, counting into the office's day and month.
create or replace function pelihara_report_task_rollup_follow() returns trigger
language plpgsql as $$
begin
    if new.state <> 'done' or (tg_op = 'UPDATE' and old.state = 'done') then
        return null;
    end if;
    insert into report_task_rollup
        (grouping, opd, sop, span, bucket, g1, g2, g3, bin, tasks, met, unit, standard)
    select f.grouping, f.opd, f.sop, s.span,
        case s.span when 'd' then f.local_day else f.local_month end,
        f.g1, f.g2, f.g3, f.bin, 1, f.met, f.unit, f.standard
    from report_task_facts f, (select 'd' as span union all select 'm') s
    where f.task_id = new.id
    -- One order of the rows for every writer, so two transactions never wait on each other.
    order by 1, 2, 3, 4, 5, 6, 7, 8, 9
    on conflict (grouping, opd, sop, span, bucket, g1, g2, g3, bin) do update
        set tasks = report_task_rollup.tasks + 1,
            met = report_task_rollup.met + excluded.met;
    return null;
end;
$$;

create or replace function pelihara_report_case_rollup_follow() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' and (new.status not in ('done', 'rejected', 'withdrawn')
        or old.status = new.status or new.closed_at is null) then
        return null;
    end if;
    insert into report_case_rollup (opd, sop, what, span, bucket, cases)
    select f.opd, f.sop, f.what, s.span,
        case s.span when 'd' then f.local_day else f.local_month end, 1
    from report_case_facts f, (select 'd' as span union all select 'm') s
    where f.case_id = new.id and (tg_op = 'INSERT' or f.what <> 'submitted')
    order by 1, 2, 3, 4, 5
    on conflict (opd, sop, what, span, bucket) do update
        set cases = report_case_rollup.cases + 1;
    return null;
end;
$$;

create or replace function pelihara_report_open_follow() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if new.state = old.state and coalesce(new.due_at, -1) = coalesce(old.due_at, -1)
            and coalesce(new.claimed_by, '') = coalesce(old.claimed_by, '') then
            return null;
        end if;
        if old.state in ('open', 'paused') and old.standard_micros > 0 then
            insert into report_open_rollup
                (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, tasks)
            select k.grouping,
                case when k.opd_scoped = 1 then old.case_opd_id else '' end,
                case when k.sop_scoped = 1 then old.sop_code else '' end,
                (old.opened_at + z.zone_offset_ms) / 86400000,
                case k.grouping when 'step' then old.sop_code when 'position' then old.position
                    when 'person' then coalesce(old.claimed_by, '')
                    else coalesce(old.case_opd_id, '') end,
                case k.grouping when 'step' then old.sop_version else 0 end,
                case k.grouping when 'step' then old.step_no else 0 end,
                old.state, coalesce((old.due_at + z.zone_offset_ms) / 86400000, -1), -1
            from report_scopes k join report_basis z on z.id = 1
            where (k.opd_scoped = 0 or old.case_opd_id is not null)
                and (k.sop_scoped = 0 or old.sop_code is not null)
            order by 1, 2, 3, 4, 5, 6, 7, 8, 9
            on conflict (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day) do update
                set tasks = report_open_rollup.tasks - 1;
        end if;
    end if;
    if new.state in ('open', 'paused') and new.standard_micros > 0 then
        insert into report_open_rollup
            (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, tasks)
        select grouping, opd, sop, opened_day, g1, g2, g3, state, due_day, 1
        from report_open_facts where task_id = new.id
        order by 1, 2, 3, 4, 5, 6, 7, 8, 9
        on conflict (grouping, opd, sop, opened_day, g1, g2, g3, state, due_day) do update
            set tasks = report_open_rollup.tasks + 1;
    end if;
    if (tg_op = 'INSERT' and new.state = 'open' and new.due_at is not null)
        or (tg_op = 'UPDATE' and (old.state = 'open' or new.state = 'open')
            and (new.state <> old.state or coalesce(new.due_at, -1) <> coalesce(old.due_at, -1)))
    then
        insert into report_case_due_rollup (opd, sop, due_day, cases)
        select case when o.scoped = 1 then d.opd else '' end,
            case when p.scoped = 1 then d.sop else '' end,
            (d.due_at + z.zone_offset_ms) / 86400000, -1
        from report_case_due d join report_basis z on z.id = 1,
            (select 0 as scoped union all select 1) o, (select 0 as scoped union all select 1) p
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
            case when p.scoped = 1 then d.sop else '' end,
            (d.due_at + z.zone_offset_ms) / 86400000, 1
        from report_case_due d join report_basis z on z.id = 1,
            (select 0 as scoped union all select 1) o, (select 0 as scoped union all select 1) p
        where d.case_id = new.case_id and (o.scoped = 0 or d.opd <> '')
            and (p.scoped = 0 or d.sop <> '')
        order by 1, 2, 3
        on conflict (opd, sop, due_day) do update set cases = report_case_due_rollup.cases + 1;
    end if;
    return null;
end;
$$;
