-- Requests that count against a per-client limit on a public page (misses on the tracking
-- page `/lacak`, requests of the password-recovery form), so the limit holds across every
-- node that shares the database. `kind` names the limit, `client` the client's key (an IP
-- address, or an IPv6 /64), `at` epoch milliseconds. Bookkeeping like `login_attempts`: no
-- audit event per row, and rows older than the longest window are swept as new ones come.
create table throttle_events (
    kind text not null,
    client text not null,
    at bigint not null
);
create index throttle_events_by_client on throttle_events(kind, client, at);
create index throttle_events_by_time on throttle_events(at);
