-- The inbox of a person who asked themself (an employee's request, no OPD): their open tasks
-- are the ones they hold (`claimed_by`), read due first without scanning every open task of
-- the requester position.
create index tasks_open_by_claimer on tasks(claimed_by, due_at, opened_at) where state = 'open';
