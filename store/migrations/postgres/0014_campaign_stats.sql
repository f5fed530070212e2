-- The account's time zone (an IANA name): the days of its statistics.
alter table accounts add column time_zone text not null default 'UTC';

-- Each campaign's numbers per hour: `bucket` is when the hour starts (unix
-- ms), an hour of the account's local time when it was counted (so every
-- zone's days, half-hour offsets included, are sums of whole buckets).
-- `prize_id` is '' for what no prize tells apart (views, registrations,
-- plays without a prize, finishes) and the prize for plays that won it.
-- Views are added from memory every few seconds; the steps add theirs in
-- their own transactions (on PostgreSQL through campaign_stat_deltas).
create table campaign_stats (
    campaign_id   text not null references campaigns (id) on delete cascade,
    bucket        bigint  not null,
    prize_id      text not null default '',
    account_id    text not null,
    views         bigint  not null default 0,
    registrations bigint  not null default 0,
    players       bigint  not null default 0,
    plays         bigint  not null default 0,
    wins          bigint  not null default 0,
    finishes      bigint  not null default 0,
    primary key (campaign_id, bucket, prize_id)
);

-- PostgreSQL's steps append one row each here instead of updating the
-- hour's row (which every concurrent play of the campaign would wait on);
-- every few seconds a server folds them into campaign_stats. Reads add the
-- rows not folded yet. SQLite's one writer updates campaign_stats directly.
create table campaign_stat_deltas (
    id            bigserial primary key,
    campaign_id   text not null references campaigns (id) on delete cascade,
    bucket        bigint  not null,
    prize_id      text not null default '',
    account_id    text not null,
    registrations bigint  not null default 0,
    players       bigint  not null default 0,
    plays         bigint  not null default 0,
    wins          bigint  not null default 0,
    finishes      bigint  not null default 0
);

create index campaign_stat_deltas_campaign_idx on campaign_stat_deltas (campaign_id, bucket);
