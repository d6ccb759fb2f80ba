-- Survei Kepuasan Masyarakat (PermenPAN-RB 14/2017). An invitation is made in the transaction
-- in which the OPD accepts a case's result: one per case, answered at most once, until it
-- expires. The survey links that carry a token keep only the token's SHA-256 (`skm_links`);
-- a berita acara issued in several papers or languages prints one link each, all leading to
-- the one invitation. A response is anonymous: it names no case, OPD or person, only when it
-- was given, so the report cannot tell who answered what.
create table skm_invitations (
    id text primary key,
    case_id text not null unique references cases(id),
    opd_id text not null references opds(id),
    invited_at bigint not null,
    expires_at bigint not null,
    answered_at bigint,
    -- When the scheduler told the OPD's operators (in-app, email, webhook); null until then.
    announced_at bigint
);
create index skm_invitations_by_opd on skm_invitations(opd_id, invited_at);
create index skm_invitations_unannounced on skm_invitations(invited_at) where announced_at is null;

create table skm_links (
    token_sha256 text primary key,
    invitation_id text not null references skm_invitations(id),
    created_at bigint not null
);

-- One column per unsur, in the regulation's order, each a score of 1 to 4.
create table skm_responses (
    id text primary key,
    answered_at bigint not null,
    persyaratan integer not null check (persyaratan between 1 and 4),
    prosedur integer not null check (prosedur between 1 and 4),
    waktu integer not null check (waktu between 1 and 4),
    biaya integer not null check (biaya between 1 and 4),
    produk integer not null check (produk between 1 and 4),
    kompetensi integer not null check (kompetensi between 1 and 4),
    perilaku integer not null check (perilaku between 1 and 4),
    pengaduan integer not null check (pengaduan between 1 and 4),
    sarana integer not null check (sarana between 1 and 4),
    age integer,
    sex text,
    education text,
    occupation text,
    suggestion text not null
);
create index skm_responses_by_time on skm_responses(answered_at);
