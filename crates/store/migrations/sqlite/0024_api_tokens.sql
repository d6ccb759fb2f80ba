-- API tokens: personal access tokens and service accounts' tokens, each acting as one user.
-- The secret is shown once and never stored: `secret_hash` is the SHA-256 (hex) of the whole
-- token as sent in `Authorization: Bearer`, `prefix` its public part that names it in lists
-- and in the audit trail ("token plh_1a2b3c4d of ..."). `scopes` is a space-separated list
-- (read submit act register admin). A token works while not revoked, before `expires_at`
-- (epoch milliseconds) and while its user may sign in. `last_used_at` is housekeeping, set at
-- most once a minute, without an audit event; creating and revoking a token are audited.
create table api_tokens (
    id text primary key,
    user_id text not null references users(id),
    prefix text not null unique,
    secret_hash text not null unique,
    name text not null,
    scopes text not null,
    created_by text not null,
    created_at bigint not null,
    expires_at bigint not null,
    revoked_at bigint,
    revoked_by text,
    last_used_at bigint
);
create index api_tokens_by_user on api_tokens(user_id, created_at);

-- `Idempotency-Key` of the API's case submissions: one row per (user, key), written in the
-- same transaction as the case it made, so a retry finds the first case instead of making a
-- second. `request_hash` tells a retry (same request) from a reused key (another request).
create table api_idempotency (
    owner_id text not null,
    key text not null,
    request_hash text not null,
    case_id text not null,
    created_at bigint not null,
    primary key (owner_id, key)
);
