-- PostgreSQL twin of migrations/sqlite/0001_init.sql. Integers are bigint
-- and flags bigint 0/1, the types sqlx's Any driver reads on both backends.
create table accounts (
    id               text primary key,
    name             text not null,
    admin_token_hash text not null unique,
    embed_key        text not null unique,
    created_at       bigint not null
);

create table campaigns (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    name        text not null,
    kind        text not null check (kind in ('wheel', 'scratch', 'giftbox', 'quiz')),
    status      text not null check (status in ('draft', 'active', 'archived')),
    definition  text not null,
    created_at  bigint not null,
    updated_at  bigint not null
);

create index campaigns_account_idx on campaigns (account_id, id);

create table segments (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    title       text not null,
    campaign_id text not null references campaigns (id),
    created_at  bigint not null,
    updated_at  bigint not null,
    constraint segments_title_key unique (account_id, title)
);
