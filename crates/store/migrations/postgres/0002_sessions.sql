-- Sign-in sessions and failed sign-in attempts, as on SQLite. Sessions are server-side: the cookie holds
-- only the random session id; `data` is the session's JSON map, `expires_at` epoch
-- milliseconds after which the session no longer loads (and the sweep deletes it).
-- `user_id` names the signed-in user so that disabling a user can end their sessions.
-- Neither table is audited row by row: sign-ins and failures are audit events of their own.
create table sessions (
    id text primary key,
    user_id text,
    data text not null,
    expires_at bigint not null
);
create index sessions_by_expiry on sessions(expires_at);
create index sessions_by_user on sessions(user_id);

-- One row per failed sign-in, by the username as typed (lowercased), known or not, so the
-- limit holds across every node that shares the database.
create table login_attempts (
    username text not null,
    at bigint not null
);
create index login_attempts_by_username on login_attempts(username, at);
create index login_attempts_by_time on login_attempts(at);
