-- An endpoint's own request headers (`Authorization` for a receiver behind
-- a gateway), sent on every attempt: a JSON object of lowercase name to
-- value. Like the signing secret, they are stored in clear to be sent, and
-- the API never shows their values.
alter table webhook_endpoints add column headers text not null default '{}';
