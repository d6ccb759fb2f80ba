-- Notifications (issue 7), as on SQLite: what was told to whom, through which channel, and the leases that
-- keep each background job on one node at a time. Instants are epoch milliseconds.
--
-- One state change makes one notification per recipient: `dedupe_key` names the change
-- ("task:{id}:overdue", "task:{id}:escalate:{level}", "digest:{date}") and the pair
-- (recipient, key) is unique, so a second node or a restarted one inserts nothing.
create table notifications (
    id text primary key,
    recipient_id text not null references users(id),
    dedupe_key text not null,
    kind text not null,
    case_id text,
    task_id text,
    app_id text,
    link_path text not null default '',
    detail_json text not null default '{}',
    created_at bigint not null,
    read_at bigint,
    unique (recipient_id, dedupe_key)
);
create index notifications_by_recipient on notifications(recipient_id, created_at);
create index notifications_unread on notifications(recipient_id, read_at);

-- One row per notification and channel (in_app, email, webhook). A pending delivery is taken
-- by one node at a time: `claimed_by` and `claimed_until` form a short lease; a node that dies
-- while sending leaves the lease to run out and the delivery to be taken again.
create table notification_deliveries (
    id text primary key,
    notification_id text not null references notifications(id),
    channel text not null,
    status text not null,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    claimed_by text,
    claimed_until bigint,
    last_error text,
    delivered_at bigint,
    created_at bigint not null,
    unique (notification_id, channel)
);
create index deliveries_due on notification_deliveries(status, channel, next_attempt_at);
create index deliveries_by_time on notification_deliveries(created_at);

-- Per-user channel choices; in-app is always on. No row: the defaults (email on, webhook off).
-- `webhook_handle` is what the gateway addresses (a phone number, a chat id).
create table notification_preferences (
    user_id text primary key references users(id),
    email bigint not null,
    webhook bigint not null,
    webhook_handle text not null default '',
    updated_at bigint not null
);

-- One row per background job. A node runs a job only while it holds the lease
-- (`lease_until` in the future); `last_finished_at` says when a run last completed.
create table job_leases (
    job text primary key,
    holder text,
    lease_until bigint not null default 0,
    last_started_at bigint,
    last_finished_at bigint
);
