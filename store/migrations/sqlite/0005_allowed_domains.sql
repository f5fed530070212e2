-- The account's allowed domains (guide: "list of allowed URLs"), one rule
-- per line: an origin, a host, or *.host. Empty: any origin may embed.
alter table accounts add column allowed_domains text not null default '';
