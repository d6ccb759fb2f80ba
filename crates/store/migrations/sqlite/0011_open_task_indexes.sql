-- The two indexes over open tasks (the SLA sweep's and the inbox's) hold open tasks only.
-- Every query they serve asks for state = 'open', and a completed task then leaves them
-- instead of moving to the 'done' part of each: indexes that stay small (200 k open of 8 M
-- tasks) and cached, so a transition writes fewer random index pages. `state` stays a
-- column: SQLite counts an index as covering only when it holds every column the query names.
drop index tasks_open_by_due;
create index tasks_open_by_due on tasks(state, due_at, id, case_id, step_no, position, opd_id)
    where state = 'open';

drop index tasks_open_by_position;
create index tasks_open_by_position
    on tasks(state, position, due_at, opened_at, opd_id, case_id, id)
    where state = 'open';
