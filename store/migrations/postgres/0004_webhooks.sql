-- The master "Enable Webhooks" toggle of each account. No row: off.
create table webhook_settings (
    account_id  text primary key references accounts (id) on delete cascade,
    enabled     bigint not null default 0,
    updated_at  bigint not null
);

create table webhook_endpoints (
    id                  text primary key,
    account_id          text not null references accounts (id) on delete cascade,
    url                 text not null,
    description         text not null default '',
    -- Subscribed event types, space-separated; '*' for every type.
    events              text not null default '*',
    enabled             bigint not null default 1,
    -- Why the server disabled it (410 Gone, days of failures), if it did.
    disabled_reason     text,
    -- The endpoint the guide's single-endpoint settings view edits.
    is_primary          bigint not null default 0,
    -- Signing secrets are needed in clear to sign; they never leave the
    -- admin API. The previous one keeps signing until it expires.
    secret              text not null,
    previous_secret     text,
    previous_expires_at bigint,
    timeout_ms          bigint not null default 2000,
    -- Start of the current run of failures; null after a success.
    failing_since       bigint,
    created_at          bigint not null,
    updated_at          bigint not null
);

create index webhook_endpoints_account_idx on webhook_endpoints (account_id, id);

-- The queue: one row per event and endpoint. A narrow table, claimed by
-- `next_attempt_at` alone: a claim pushes it forward by the lease, so a
-- crashed worker's claim simply falls due again.
create table deliveries (
    id               text primary key,
    account_id       text not null references accounts (id) on delete cascade,
    endpoint_id      text not null,
    event_id         text not null,
    event_type       text not null,
    -- pending | succeeded | failed (gave up)
    status           text not null,
    -- Attempts started, bumped by each claim: a completion only counts for
    -- the attempt it belongs to (fencing out a worker whose lease expired).
    attempts         bigint not null default 0,
    -- Consecutive failures since the last success or resend: the retry step.
    failures         bigint not null default 0,
    next_attempt_at  bigint,
    last_status      bigint,
    last_error       text,
    last_attempt_at  bigint,
    created_at       bigint not null,
    updated_at       bigint not null
);

create index deliveries_due_idx on deliveries (next_attempt_at) where status = 'pending';
create index deliveries_account_idx on deliveries (account_id, id);

create table delivery_attempts (
    id               text primary key,
    delivery_id      text not null references deliveries (id) on delete cascade,
    attempt          bigint not null,
    url              text not null,
    request_headers  text not null,
    request_body     text not null,
    response_status  bigint,
    response_headers text,
    response_body    text,
    duration_ms      bigint not null,
    error            text,
    started_at       bigint not null
);

create index delivery_attempts_delivery_idx on delivery_attempts (delivery_id, attempt);
