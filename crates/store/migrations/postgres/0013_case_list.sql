-- The request list (/permohonan, `Store::case_page`) reads cases newest first a page at a
-- time, continuing after the last (submitted_at, id) shown. Each of its three forms (all
-- cases, one OPD's, one status's) needs an index that ends with (submitted_at, id), so the
-- page is a range of the index in order: without the id the tie-break sorted, and without an
-- index on submitted_at alone the unfiltered list read and sorted every case.
create index cases_by_submitted on cases(submitted_at, id);

drop index cases_by_opd;
create index cases_by_opd on cases(opd_id, submitted_at, id);

drop index cases_by_status;
create index cases_by_status on cases(status, submitted_at, id);

-- Each row of a list shows its case's earliest open due moment (`min(due_at)` of the case's
-- open tasks). With `tasks_by_case(case_id)` alone the planner preferred the partial index
-- of every open task (`state = 'open'`) and read all of them for each row; this one makes it
-- one short covering search per row. Open tasks only, like the other two (migration 0011),
-- so it stays small; `state` is a column because SQLite counts an index as covering only
-- when it holds every column the query names. `tasks_by_case` stays as it is: reading a
-- case's tasks in its order keeps the order they were written in.
create index tasks_open_by_case on tasks(case_id, state, due_at) where state = 'open';
