-- Every secret a rotation replaced keeps signing for a day after it was
-- replaced, however many rotations follow: a JSON list
-- `[{"secret": "whsec_...", "until": unix ms}]`. The one previous secret
-- moves in; `previous_secret` and `previous_expires_at` are read and
-- written no more (migrations only add: a server of the previous version
-- still finds them during a rollout).
alter table webhook_endpoints add column retired_secrets text not null default '[]';
update webhook_endpoints
set retired_secrets = '[{"secret": "' || previous_secret || '", "until": ' || previous_expires_at || '}]'
where previous_secret is not null and previous_expires_at is not null;
