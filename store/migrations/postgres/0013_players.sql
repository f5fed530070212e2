-- Players for the marketer: a list newest first, a search by prefix of
-- email, name or external id (case-insensitive), a player's plays and
-- events, erasure on request, and retention.

-- Newest first within an account (ids sort by creation time).
create index players_account_idx on players (account_id, id);

-- The search keys: the lower-cased email, name and external id, written by
-- the server (Rust's Unicode lower case, the same on both backends) and
-- searched by prefix as a range of the key: byte order ("C"), as SQLite
-- compares, whatever the database's collation.
alter table players add column email_key text collate "C";
alter table players add column name_key text collate "C";
alter table players add column external_key text collate "C" not null default '';
update players set email_key = lower(email), name_key = lower(name), external_key = lower(external_id);
create index players_email_key_idx on players (account_id, email_key);
create index players_name_key_idx on players (account_id, name_key);
create index players_external_key_idx on players (account_id, external_key);

-- Retention erases players whose last registration is older than the
-- account keeps them.
create index players_updated_idx on players (account_id, updated_at);
-- Days to keep a player's data after their last registration; null: forever.
alter table accounts add column player_retention_days bigint;

-- The player and play an event concerns, so that erasing a player finds
-- its events, and a play shows whether its code was delivered.
alter table events add column player_id text;
alter table events add column play_id text;
update events set player_id = payload::jsonb #>> '{data,player,id}',
                  play_id = payload::jsonb #>> '{data,play,id}';
create index events_player_idx on events (player_id) where player_id is not null;
create index events_play_idx on events (play_id) where play_id is not null;
create index deliveries_event_idx on deliveries (event_id);

-- A quiz play's right answers and the name of the prize won (as it was
-- then), read by a player's page and the export without opening the
-- stored answer.
alter table plays add column score bigint;
update plays set score = cast(play_result::jsonb #>> '{score}' as bigint) where play_result is not null;
alter table plays add column prize_name text;
update plays set prize_name = play_result::jsonb #>> '{prize,name}' where prize_id is not null;
