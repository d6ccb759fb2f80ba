-- Mutu Baku compliance (issue 15): the reports aggregate tasks in SQL, so each task carries
-- what they group and compare by as plain columns, written by the store with the task:
-- its case's SOP code and version and OPD (`case_opd_id`; `opd_id` stays the requester task's
-- OPD), and its standard in the standard's unit (`standard_unit`, `standard_micros` = the
-- standard's value x 1e6, the scale of `actual_in_unit_micros`). A task met its standard when
-- `actual_in_unit_micros <= standard_micros + 1` (`pelihara_domain::sla::state`: a micro of
-- rounding is not a miss). Existing rows are filled from their case and `standard_json`.
alter table tasks add column sop_code text;
alter table tasks add column sop_version bigint;
alter table tasks add column case_opd_id text;
alter table tasks add column standard_unit text;
alter table tasks add column standard_micros bigint;

update tasks set
    sop_code = (select c.sop_code from cases c where c.id = tasks.case_id),
    sop_version = (select c.sop_version from cases c where c.id = tasks.case_id),
    case_opd_id = (select c.opd_id from cases c where c.id = tasks.case_id),
    standard_unit = json_extract(standard_json, '$.unit'),
    standard_micros = json_extract(standard_json, '$.value') * 1000000;

-- The finished side of a report reads the tasks completed in a period: a range of this index
-- in completion order that holds every column the report groups, filters and compares by,
-- so it never reads the table. Done tasks only (the open ones have no completion moment).
create index tasks_done_by_completed on tasks(completed_at, sop_code, sop_version, step_no,
    position, case_opd_id, completed_by, standard_micros, actual_in_unit_micros, state)
    where state = 'done';

-- The open side: tasks opened in a period that are still open or paused, with their due
-- moment for "overdue now".
create index tasks_active_by_opened on tasks(opened_at, sop_code, sop_version, step_no,
    position, case_opd_id, claimed_by, standard_micros, due_at, state)
    where state in ('open', 'paused');

-- The dashboard's tiles and its per-step table count the cases in progress by status and
-- step from one index (the open and the returned ones only).
create index cases_active_by_step on cases(status, sop_code, sop_version, current_step, opd_id)
    where status in ('open', 'returned');

-- Cases closed in a period, by how they ended (done, rejected, withdrawn), and the whole-case
-- compliance of the ones done.
create index cases_by_closed on cases(closed_at, status, sop_code, sop_version, opd_id)
    where closed_at is not null;
