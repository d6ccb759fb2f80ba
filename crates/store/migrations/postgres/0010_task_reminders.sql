-- The reminder schedule (HSWEEP), as on SQLite: one row per open task saying when its next
-- reminder stage is due (`next_at`, epoch milliseconds) and which stage that is (`stage`: 0
-- arrived, 1 due soon, 2 overdue, 2 + k escalation level k). The scheduler's sweep reads only
-- the rows with `next_at <= now` by index, so its work grows with what is due now.
--
-- The database keeps the rows in step with the tasks (the trigger below), so no writer of
-- tasks has to remember them: a task that opens enters at stage 0 at its opening moment; a
-- task whose state or due moment changes leaves, and re-enters at stage 0 if it is open. The
-- scheduler alone moves `next_at` and `stage` forward.
create table task_reminders (
    task_id text primary key references tasks(id) on delete cascade,
    next_at bigint not null,
    stage bigint not null
);
create index task_reminders_due on task_reminders(next_at, task_id);

insert into task_reminders (task_id, next_at, stage)
    select id, opened_at, 0 from tasks where state = 'open';

create function pelihara_task_reminders_follow() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if new.state = old.state and coalesce(new.due_at, -1) = coalesce(old.due_at, -1) then
            return null;
        end if;
        delete from task_reminders where task_id = new.id;
    end if;
    if new.state = 'open' then
        insert into task_reminders (task_id, next_at, stage) values (new.id, new.opened_at, 0)
            on conflict (task_id) do update set next_at = excluded.next_at, stage = excluded.stage;
    end if;
    return null;
end;
$$;

create trigger task_reminders_follow after insert or update of state, due_at on tasks
    for each row execute function pelihara_task_reminders_follow();
