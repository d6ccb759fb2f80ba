-- Indexes measured by the benchmark (bench/, results in bench/RESULTS.md).
--
-- The SLA sweep reads every open task past its due moment and needs only these columns: a
-- covering index answers it from the index alone, without a lookup per row in the table.
create index tasks_open_by_due on tasks(state, due_at, id, case_id, step_no, position, opd_id);

-- The inbox reads the top of one position's open tasks ordered by due moment, then by opening
-- moment: with opened_at in the index the order comes from the index instead of a sort of
-- every open task of that position.
drop index tasks_open_by_position;
create index tasks_open_by_position on tasks(state, position, due_at, opened_at, opd_id, case_id, id);
