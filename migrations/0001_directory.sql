-- The support-group directory and the members' suggestion queue.

CREATE TABLE groups (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,           -- stable key, matched on import
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,                  -- vocab code: association, crisis_line, ...
    specialties   TEXT NOT NULL,                  -- ';'-joined codes: histotechnology;mls; 'all'
    credentials   TEXT NOT NULL DEFAULT '',       -- ';'-joined: MLS;MLT
    states        TEXT NOT NULL DEFAULT '',       -- ';'-joined two-letter codes; '' = national
    city          TEXT,
    format        TEXT NOT NULL,                  -- online | in_person | hybrid
    cost          TEXT NOT NULL,                  -- free | membership | paid
    facilitation  TEXT NOT NULL,                  -- peer_led | professional_led | none
    schedule      TEXT,
    url           TEXT,
    contact       TEXT,
    description   TEXT NOT NULL,
    tags          TEXT NOT NULL DEFAULT '',       -- ';'-joined search words
    source        TEXT,                           -- where the facts come from
    verified      INTEGER NOT NULL DEFAULT 0,     -- 1 once the facts were checked
    last_verified TEXT,                           -- YYYY-MM-DD
    created_at    TEXT NOT NULL,                  -- RFC 3339, UTC
    updated_at    TEXT NOT NULL
) STRICT;

-- Search and filtering happen in an in-memory index built from this table (see
-- src/domain/search_index.rs); `meta.directory_version` is raised by every write so that
-- every process notices changes and rebuilds it.

-- Members' suggestions waiting for (or after) an admin's review.
CREATE TABLE suggestions (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,                   -- who suggested it: (platform, user_id)
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    draft        TEXT NOT NULL,                   -- JSON: field name -> value, as suggested
    note         TEXT,                            -- the member's note to reviewers
    status       TEXT NOT NULL DEFAULT 'pending', -- pending | approved | rejected
    reason       TEXT,                            -- why it was rejected
    group_key    TEXT,                            -- the entry an approval created
    decided_by   TEXT,                            -- platform:user of the admin
    created_at   TEXT NOT NULL,
    decided_at   TEXT
) STRICT;

CREATE INDEX suggestions_pending ON suggestions (status, id);
CREATE INDEX suggestions_by_member ON suggestions (platform, user_id);

-- Small facts about this database (e.g. whether the shipped directory was seeded).
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
