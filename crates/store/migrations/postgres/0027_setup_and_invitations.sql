-- First run and invitations (issue 19).
--
-- `setup_links`: the one-time links `pelihara serve` prints while no administrator exists.
-- Only the SHA-256 (hex) of the link's random token is kept, never the token. A link is spent
-- (`used_at`) by the one setup it completes; it stops working at `expires_at` (epoch ms), and
-- every link stops working once an administrator exists. Written with audit events
-- (`setup.link_issued`, `setup.complete`).
create table setup_links (
    token_hash text primary key,
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint
);

-- A link of `password_resets` either recovers a forgotten password (`reset`, asked on
-- /lupa-sandi) or is the invitation of a user an administrator imported (`invitation`, valid
-- longer): the same one-time machinery, told apart so that one kind is not taken for the
-- other and the recovery limit per account counts recoveries only.
alter table password_resets add column kind text not null default 'reset';
