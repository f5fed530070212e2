create table events (
    seq         bigserial primary key,
    id          text not null unique,
    account_id  text not null references accounts (id) on delete cascade,
    type        text not null,
    payload     text not null,
    created_at  bigint not null
);

create index events_account_idx on events (account_id, seq);
