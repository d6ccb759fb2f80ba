-- The register's figures per app: its last finished maintenance (max closed_at of its 'done'
-- cases) and its running cases (count of 'open' and 'returned'). With only
-- cases_by_app(app_id, submitted_at) each app read every one of its cases, every time the
-- register or the hourly maintenance sweep ran: at 1 M cases the sweep kept a core busy for
-- tens of seconds after each start. With the status and closing moment in the index, the
-- first is one seek to the end of a range and the second counts the few running cases.
create index cases_by_app_status on cases(app_id, status, closed_at);
