-- Trust signals: when an entry's facts were last confirmed and how, instead of a yes/no
-- "verified" flag; and a record of what the shipped directory seeded, so an upgrade adds new
-- entries without undoing moderators' edits and removals.

ALTER TABLE groups ADD COLUMN last_checked TEXT;  -- YYYY-MM-DD a moderator confirmed the facts
ALTER TABLE groups ADD COLUMN checked_how TEXT;   -- own-page | third-party | member-report

-- A verified entry was checked on its own page on its date; an unverified one never was.
UPDATE groups SET last_checked = last_verified, checked_how = 'own-page'
    WHERE verified = 1 AND last_verified IS NOT NULL;

ALTER TABLE groups DROP COLUMN verified;
ALTER TABLE groups DROP COLUMN last_verified;

-- Entries the shipped directory has seeded into this database, one row per key ever seeded.
-- A key listed here is never added again (a moderator may have removed it); its entry is
-- updated from a newer shipped file only while it still equals what was seeded.
CREATE TABLE seeded_groups (
    key        TEXT PRIMARY KEY,  -- the entry's key in the shipped file
    seeded     TEXT,              -- the entry as seeded (one [[group]] of TOML); NULL = unknown
    seeded_at  TEXT NOT NULL      -- RFC 3339, UTC, of the last seeding that wrote it
) STRICT;
