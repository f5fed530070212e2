-- The public edge: play sessions are signed tokens, written only when a
-- step needs them; accounts sign their players' identity; rate limits.

-- The keys that sign play-session tokens. The newest signs; every key
-- verifies until `adact-server session-key rotate` removes it a day after
-- a newer one took over (a token lives 24 hours).
create table session_keys (
    id         text primary key,
    secret     text not null,
    created_at bigint not null
);

-- A session's row is written by its first step, from the signed token, so
-- the token needs no stored hash.
alter table plays drop column token_hash;

-- Rows of sessions that registered but never played are removed once their
-- token has expired.
create index plays_unplayed_idx on plays (created_at) where played_at is null;

-- The page's player data: signed (`userToken`) or typed into the form.
alter table players add column email text;
alter table players add column name text;

-- Signed player identity: the HS256 secret the customer's backend signs
-- `userToken`s with, the previous one until it expires (a day after a
-- rotation), and whether register and play need a valid token.
alter table accounts add column identity_secret text not null default '';
alter table accounts add column identity_previous_secret text;
alter table accounts add column identity_previous_expires_at bigint;
alter table accounts add column require_signed_identity bigint not null default 0;

-- Per-account rate limits (JSON, per minute); NULL: the server's defaults.
alter table accounts add column rate_limits text;
