-- The finished side of a report reads the hours at the edges of its period (a month in the
-- office's time zone starts and ends inside a UTC day) from the tasks themselves, through
-- this index. It lacked the step's unit, which the reports read too, so every task in those
-- hours cost a read of its row: 0.5 s for one busy day at 1 M cases. It now holds every
-- column the report's facts read.
drop index tasks_done_by_completed;
create index tasks_done_by_completed on tasks(completed_at, sop_code, sop_version, step_no,
    position, case_opd_id, completed_by, standard_micros, actual_in_unit_micros,
    standard_unit, state)
    where state = 'done';

-- Those hours are read through the facts views, one row per task and scope; a report names
-- its scope ('' for every OPD or SOP), which the planner cannot trace back through the views'
-- `case` to the scope row, so it computed every scope of every task and threw most away. The
-- views now show the scope row's flags, and the edges name them: one row per task.
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
    k.opd_scoped, k.sop_scoped
from tasks t join report_scopes k
    on (k.opd_scoped = 0 or t.case_opd_id is not null)
    and (k.sop_scoped = 0 or t.sop_code is not null)
where t.state = 'done' and t.standard_micros > 0 and t.actual_in_unit_micros is not null
    and t.actual_in_unit_micros >= 0 and t.completed_at is not null;

create or replace view report_open_facts as
select t.id as task_id, t.opened_at, t.state, t.due_at, k.grouping,
    case when k.opd_scoped = 1 then t.case_opd_id else '' end as opd,
    case when k.sop_scoped = 1 then t.sop_code else '' end as sop,
    case k.grouping when 'step' then t.sop_code when 'position' then t.position
        when 'person' then coalesce(t.claimed_by, '') else coalesce(t.case_opd_id, '') end as g1,
    case k.grouping when 'step' then t.sop_version else 0 end as g2,
    case k.grouping when 'step' then t.step_no else 0 end as g3,
    k.opd_scoped, k.sop_scoped
from tasks t join report_scopes k
    on (k.opd_scoped = 0 or t.case_opd_id is not null)
    and (k.sop_scoped = 0 or t.sop_code is not null)
where t.state in ('open', 'paused') and t.standard_micros > 0;
