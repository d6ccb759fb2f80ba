-- The reminder schedule (HSWEEP): one row per open task saying when its next reminder stage
-- is due (`next_at`, epoch milliseconds) and which stage that is (`stage`: 0 arrived, 1 due
-- soon, 2 overdue, 2 + k escalation level k). The scheduler's sweep reads only the rows with
-- `next_at <= now` by index, so its work grows with what is due now, not with every open task.
--
-- The database keeps the rows in step with the tasks (triggers below), so no writer of tasks
-- (the group-commit writer, PostgreSQL's pool, the benchmark generator) has to remember them:
-- a task that opens enters at stage 0 at its opening moment; a task whose state or due moment
-- changes (paused, resumed with a new due moment, done, cancelled) leaves, and re-enters at
-- stage 0 if it is open. The scheduler alone moves `next_at` and `stage` forward.
create table task_reminders (
    task_id text primary key references tasks(id) on delete cascade,
    next_at bigint not null,
    stage bigint not null
);
create index task_reminders_due on task_reminders(next_at, task_id);

-- Tasks already open when this migration runs are evaluated once by the next sweep (the
-- notifications' dedupe keys keep that from repeating anything already told).
insert into task_reminders (task_id, next_at, stage)
    select id, opened_at, 0 from tasks where state = 'open';

create trigger task_reminders_on_insert after insert on tasks
when new.state = 'open'
begin
    insert or replace into task_reminders (task_id, next_at, stage)
        values (new.id, new.opened_at, 0);
end;

create trigger task_reminders_on_change after update of state, due_at on tasks
when new.state <> old.state or coalesce(new.due_at, -1) <> coalesce(old.due_at, -1)
begin
    delete from task_reminders where task_id = new.id;
    insert into task_reminders (task_id, next_at, stage)
        select new.id, new.opened_at, 0 where new.state = 'open';
end;
