-- Documents Pelihara issues as PDFs (lembar disposisi, kartu kendali, tanda terima, berita
-- acara, the SOP document), for the public verification page. `id` is the random id in the
-- QR code; the PDF itself lives in the document store under its `sha256`, which the issuing
-- audit event also records. A re-issue of the same document (same kind, subject and paper)
-- points the older row at the newer one through `superseded_by`; both stay verifiable.
-- `subject` names what the document is of (a case id, or `sop:<code>:<version>`);
-- `source_version` is the case version it was made from, so a download knows when to re-issue.
create table issued_documents (
    id text primary key,
    kind text not null,
    case_id text references cases(id),
    subject text not null,
    paper text not null,
    number text not null,
    issued_at bigint not null,
    issued_by text,
    sha256 text not null,
    source_version bigint not null,
    superseded_by text references issued_documents(id)
);
create index issued_documents_by_subject on issued_documents(kind, subject, paper, issued_at);
create index issued_documents_by_case on issued_documents(case_id);
