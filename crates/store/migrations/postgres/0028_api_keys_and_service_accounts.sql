-- The API's `Idempotency-Key` beyond case submissions: an action on a case and a new app of
-- the register claim a key too, in the same write as what they make. `kind` names what the
-- key made (`case`: a submitted case, `action`: an action on the case `target_id`, `app`: an
-- app of the register); `target_id` is that case's or app's id. A key belongs to one user
-- whatever endpoint used it first, so a key reused on another endpoint is refused.
alter table api_idempotency rename column case_id to target_id;
alter table api_idempotency add column kind text not null default 'case';

-- Service accounts: a user made by the administrator for another system (an OPD's own
-- application, an intake system acting for a staff position). It signs in with no password
-- (its password hash is not a hash, so no password matches) and works only through its API
-- tokens; the flag marks it in lists and refuses a password reset or recovery link.
alter table users add column service_account bigint not null default 0;
