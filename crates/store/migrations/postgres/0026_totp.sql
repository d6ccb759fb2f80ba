-- Two-factor sign-in with TOTP (RFC 6238). A row of `user_totp` exists only for a user who
-- confirmed their authenticator with a correct code: the secret is stored only once active
-- (before that it lives in the enrolling session). `secret` is the base32 key as the
-- authenticator holds it: Pelihara has no server key to seal it with, so it is never logged
-- and never shown again after enrolment. `last_step` is the last 30-second time step a code
-- was accepted for: a code is accepted only for a later step, so none works twice.
create table user_totp (
    user_id text primary key references users(id),
    secret text not null,
    enabled_at bigint not null,
    last_step bigint not null
);
-- Single-use recovery codes: only the SHA-256 of the user id and the code is kept. `used_at`
-- is set by the one use that wins; replacing the codes deletes the old ones.
create table totp_recovery_codes (
    user_id text not null references users(id),
    code_hash text not null,
    created_at bigint not null,
    used_at bigint,
    primary key (user_id, code_hash)
);
