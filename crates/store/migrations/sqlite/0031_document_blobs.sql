-- The same table as on PostgreSQL, so both schemas keep the same tables (the move to
-- PostgreSQL copies table by table). SQLite installations keep their documents as files in
-- the data folder (one node, one disk; `pelihara backup` copies them): this table stays empty
-- here, and `pelihara migrate` fills the target's from the folder.
create table document_blobs (
    sha256 text primary key,
    size integer not null,
    bytes blob not null
);
