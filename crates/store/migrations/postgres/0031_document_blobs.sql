-- Documents (letters, issued PDFs, the letterhead's logo) in the database on PostgreSQL, so
-- every node sharing it reads what any node stored: no shared disk. Keyed by the SHA-256 of
-- the content, as the folder store names its files; written (committed) before the
-- transaction that refers to a document, like a file is synced before it.
create table document_blobs (
    sha256 text primary key,
    size bigint not null,
    bytes bytea not null
);
