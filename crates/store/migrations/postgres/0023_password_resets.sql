-- One-time password-recovery links ("Lupa kata sandi"). Only the SHA-256 of the link's random
-- token is kept (hex), never the token: whoever reads the database cannot use a link. A row
-- is spent (`used_at`) when it sets a password, or when another one of the same user does;
-- it stops working at `expires_at` (epoch milliseconds). Rows are written with an audit event
-- (`auth.password_reset_requested`, `user.password_recovered`).
create table password_resets (
    token_hash text primary key,
    user_id text not null references users(id),
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint
);
create index password_resets_by_user on password_resets(user_id, created_at);
