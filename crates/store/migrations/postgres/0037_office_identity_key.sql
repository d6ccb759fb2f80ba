-- The office's identity (name, letterhead, time zone, working hours, agenda number format) was
-- first only the documents' letterhead and kept that setting's key, `docs.kop`. It is the
-- office's identity now, read by every part of the server: its key says so.
update settings set key = 'office.identity' where key = 'docs.kop';
