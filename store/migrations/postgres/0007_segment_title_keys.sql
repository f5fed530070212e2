-- Segment titles are unique per account ignoring case and surrounding
-- spaces, and a page's title is resolved the same way: by `title_key`, the
-- title trimmed and lowercased (`domain::segment::title_key`). The server
-- fills the key of older rows when it starts, in Rust, so that both
-- backends lowercase alike (SQLite's lower() knows ASCII only). Titles
-- that differ only in case were allowed before: the oldest such segment of
-- an account gets the key, the others keep none (null keys do not collide)
-- until an admin renames them, and the server logs a warning for each.
alter table segments add column title_key text;
create unique index segments_title_key_idx on segments (account_id, title_key);
