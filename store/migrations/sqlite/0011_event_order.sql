-- Order. Every event of an account gets the account's next `sequence`
-- (1, 2, 3 ...), taken from the account's counter row in the event's own
-- transaction (on PostgreSQL the row lock also makes the account's event
-- writers commit in sequence order). `seq` stays what it was: the
-- database's own order of all events.
alter table events add column sequence integer;
update events set sequence = r.n
from (select seq as s, row_number() over (partition by account_id order by id) as n from events) as r
where r.s = events.seq;
create unique index events_sequence_idx on events (account_id, sequence);

create table event_sequences (
    account_id     text primary key references accounts (id) on delete cascade,
    last_sequence  integer not null
);
insert into event_sequences (account_id, last_sequence)
select account_id, max(sequence) from events group by account_id;

-- An ordered endpoint gets one player's events strictly one after another,
-- in sequence: a delivery waits while an earlier one of the same endpoint
-- and player is pending. The default is as fast as possible, in any order.
alter table webhook_endpoints add column ordered integer not null default 0;

-- Each delivery carries its event's sequence, and, when it was made for an
-- ordered endpoint, the group it is ordered in: the player's id, or '' for
-- events without a player. Null: not ordered.
alter table deliveries add column sequence integer not null default 0;
update deliveries set sequence = e.sequence from events e where e.id = deliveries.event_id;
alter table deliveries add column order_key text;
-- The claim's look back for an earlier pending delivery of the same group.
create index deliveries_order_idx on deliveries (endpoint_id, order_key, sequence)
where status = 'pending' and order_key is not null;

-- Deliveries made while webhooks were off or the endpoint was disabled are
-- kept with status 'skipped'; "recover since" queues an endpoint's again.
create index deliveries_skipped_idx on deliveries (endpoint_id, created_at) where status = 'skipped';
