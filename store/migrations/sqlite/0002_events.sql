-- Every event, written in the same transaction as the change that caused
-- it. `seq` orders events for readers; `id` is the public `evt_...` id that
-- webhooks carry as `webhook-id`.
create table events (
    seq         integer primary key autoincrement,
    id          text not null unique,
    account_id  text not null references accounts (id) on delete cascade,
    type        text not null,
    -- The whole webhook body: {"type": ..., "timestamp": ..., "data": {...}}.
    payload     text not null,
    created_at  integer not null
);

create index events_account_idx on events (account_id, seq);
