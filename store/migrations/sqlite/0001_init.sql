-- Accounts own everything. The admin token is stored as its SHA-256 hash;
-- the embed key is public (it is printed in every page's script tag).
create table accounts (
    id               text primary key,
    name             text not null,
    admin_token_hash text not null unique,
    embed_key        text not null unique,
    created_at       integer not null
);

create table campaigns (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    name        text not null,
    kind        text not null check (kind in ('wheel', 'scratch', 'giftbox', 'quiz')),
    status      text not null check (status in ('draft', 'active', 'archived')),
    -- The validated campaign definition (texts, theme, ...) as JSON.
    definition  text not null,
    created_at  integer not null,
    updated_at  integer not null
);

create index campaigns_account_idx on campaigns (account_id, id);

create table segments (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    title       text not null,
    campaign_id text not null references campaigns (id),
    created_at  integer not null,
    updated_at  integer not null,
    constraint segments_title_key unique (account_id, title)
);
