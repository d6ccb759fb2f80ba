-- Failed sign-ins count per account *and client*: five wrong passwords for a user name from
-- one client refuse that client for that name, so a stranger can no longer lock a user out
-- from anywhere; and per client across accounts, so guessing over many accounts is slowed.
-- Attempts recorded before this migration have no client ('') and count for neither.
alter table login_attempts add column client text not null default '';
create index login_attempts_by_client on login_attempts(client, at);
