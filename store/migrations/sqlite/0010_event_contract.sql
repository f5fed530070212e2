-- The event contract (docs/events.md): a player's consent as they gave it,
-- and the finish step's stored answer.
--
-- The player's last answer to a form's consent checkbox: ticked or not, the
-- text they were shown (the checkbox's label) and when. `consent_text` and
-- `consent_at` stay null until a form with a checkbox is submitted.
alter table players add column consent_given integer not null default 0;
alter table players add column consent_text text;
alter table players add column consent_at integer;
-- The finish step's answer (with the events it recorded), so a retried
-- finish answers the same; null for plays finished before it was kept.
alter table plays add column finish_result text;
