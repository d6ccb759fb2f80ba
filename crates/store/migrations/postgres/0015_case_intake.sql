-- Cases of any SOP (issue 14): an employee's or a position holder's request names no OPD, an
-- SOP may ask no app and no letter, and the start form's extra fields are kept with the case
-- (`intake_json`, a JSON object by field id). `counts_as_maintenance` says whether finishing
-- the case resets its app's maintenance due date (the SOP's `[intake] maintenance` and an
-- app given); every case so far is a Demak maintenance request, so 1.
alter table cases
    alter column opd_id drop not null,
    alter column app_id drop not null,
    alter column letter_sha256 drop not null,
    alter column letter_json drop not null,
    add column intake_json text not null default '{}',
    add column counts_as_maintenance bigint not null default 1;

-- As in 0012, with the maintenance flag before the closing moment: an app's last maintenance
-- (its last done case that counts) stays one seek to the end of a range.
drop index cases_by_app_status;
create index cases_by_app_status on cases(app_id, status, counts_as_maintenance, closed_at);
