-- The campaigns list counts each campaign's plays and wins (played_at set,
-- prize_id set): an index by campaign keeps that to the campaign's own rows.
create index plays_campaign_idx on plays (campaign_id, played_at);
