-- The single sign-on subject an account is bound to (issue 19): at an account's first sign-in
-- through the provider, its issuer and `sub` claim are kept here; a later sign-in that names
-- the same account with another subject is refused, so a provider account that comes to carry
-- someone's NIP or email cannot take over their Pelihara account. One binding per account and
-- one account per subject; an administrator removes a binding (audited) when the person's
-- provider account changed.
create table sso_subjects (
    user_id text primary key references users(id),
    issuer text not null,
    subject text not null,
    bound_at bigint not null,
    unique (issuer, subject)
);
