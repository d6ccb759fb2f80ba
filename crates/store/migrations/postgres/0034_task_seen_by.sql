-- Who first opened a task that waits for one of several holders of a position (issue 18,
-- item 17): a second holder who opens the same step is told that a colleague already has it
-- open, before the two of them do the work twice. Written with `seen_at`, once.
alter table tasks add column seen_by text;
