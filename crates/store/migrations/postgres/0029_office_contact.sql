-- The register's contact at the office that keeps it was named after one office
-- (`dinkominfo_contact_*`); any office runs Pelihara, so the columns say what they are.
alter table apps rename column dinkominfo_contact_name to office_contact_name;
alter table apps rename column dinkominfo_contact_phone to office_contact_phone;
alter table apps rename column dinkominfo_contact_email to office_contact_email;
