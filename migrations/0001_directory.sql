-- The support-group directory, its search index, and the members' suggestion queue.

CREATE TABLE groups (
    id            INTEGER PRIMARY KEY,           -- internal; rowid of group_search too
    key           TEXT NOT NULL UNIQUE,           -- stable key, matched on import
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,                  -- vocab code: association, crisis_line, ...
    credentials   TEXT NOT NULL DEFAULT '',       -- ';'-joined, for display only
    city          TEXT,
    format        TEXT NOT NULL,                  -- online | in_person | hybrid
    cost          TEXT NOT NULL,                  -- free | membership | paid
    facilitation  TEXT NOT NULL,                  -- peer_led | professional_led | none
    schedule      TEXT,
    url           TEXT,
    contact       TEXT,
    description   TEXT NOT NULL,
    tags          TEXT NOT NULL DEFAULT '',       -- ';'-joined, for display; searched via group_search
    source        TEXT,                           -- where the facts come from
    verified      INTEGER NOT NULL DEFAULT 0,     -- 1 once the facts were checked
    last_verified TEXT,                           -- YYYY-MM-DD
    created_at    TEXT NOT NULL,                  -- RFC 3339, UTC
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX groups_kind ON groups (kind);

-- Specialties an entry serves ('all' serves every specialty). Filtered by index.
CREATE TABLE group_specialties (
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    specialty TEXT NOT NULL,
    PRIMARY KEY (specialty, group_id)
) STRICT, WITHOUT ROWID;

-- States where an entry is; none for national entries.
CREATE TABLE group_states (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    state    TEXT NOT NULL,                        -- two-letter code
    PRIMARY KEY (state, group_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX group_specialties_by_group ON group_specialties (group_id);
CREATE INDEX group_states_by_group ON group_states (group_id);

-- Free-text index, rowid = groups.id, kept in step by the store in the same transaction.
-- keywords: every spelling of the entry's specialties, kind and states, city, credentials, tags.
CREATE VIRTUAL TABLE group_search USING fts5 (
    name, description, keywords,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

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
