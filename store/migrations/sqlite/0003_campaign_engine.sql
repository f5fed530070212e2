-- The campaign engine: prizes with their stock and codes, players, and play
-- sessions. Stock and codes are rows of their own so that a play takes them
-- with one conditional update each.

-- A deleted campaign takes its prizes, codes and plays with it.
create table prizes (
    id              text primary key,
    campaign_id     text not null references campaigns (id) on delete cascade,
    -- Generated codes: each win gets `prefix` + random characters.
    -- NULL: the prize gives codes from its pool in prize_codes.
    code_prefix     text,
    -- NULL: unlimited (generated codes only).
    stock_remaining integer check (stock_remaining is null or stock_remaining >= 0),
    -- 0 once the prize is removed from the definition; kept for past plays.
    active          integer not null default 1,
    created_at      integer not null
);

create index prizes_campaign_idx on prizes (campaign_id);

-- Every code: from the pool (play_id NULL until given) or generated at the
-- play that won it. A code is given at most once.
create table prize_codes (
    id       integer primary key autoincrement,
    prize_id text not null references prizes (id) on delete cascade,
    code     text not null,
    play_id  text unique,
    constraint prize_codes_code_key unique (prize_id, code)
);

create index prize_codes_free_idx on prize_codes (prize_id, play_id);

-- A player: unique per account and external id (the host page's user id,
-- or `anon:` and the embed's anonymous id). `data` is the registration, JSON.
create table players (
    id          text primary key,
    account_id  text not null references accounts (id) on delete cascade,
    external_id text not null,
    data        text not null default '{}',
    created_at  integer not null,
    updated_at  integer not null,
    constraint players_external_key unique (account_id, external_id)
);

-- A play session, from render to finish. Each step's answer is stored on
-- the row, so a retried step returns the same answer.
create table plays (
    id              text primary key,
    account_id      text not null references accounts (id) on delete cascade,
    campaign_id     text not null references campaigns (id) on delete cascade,
    segment_id      text not null,
    external_id     text not null,
    token_hash      text not null,
    player_id       text references players (id) on delete cascade,
    register_result text,
    -- Set when the game is played: what the server drew.
    played_at       integer,
    prize_id        text,
    play_result     text,
    finished_at     integer,
    created_at      integer not null
);

-- The play limit counts a player's plays of a campaign since a time.
create index plays_limit_idx on plays (player_id, campaign_id, played_at);
