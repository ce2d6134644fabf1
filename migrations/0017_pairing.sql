-- Networking and mentorship pairing: who opted in, each round, its groups and each member's
-- answers. Handles are shared only once every seat of a group accepted.
CREATE TABLE pairing_members (
    id           INTEGER PRIMARY KEY,   -- the matcher's participant id
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    community    TEXT NOT NULL,         -- platform:id of the community they opted in from
    role         TEXT NOT NULL,         -- peer | mentor | mentee
    specialty    TEXT,                  -- a specialty code; NULL: not given
    state        TEXT,                  -- a state code; NULL: not given
    shift        TEXT,                  -- day | evening | night | rotating; NULL: not given
    interests    TEXT NOT NULL,         -- lower-case interests separated by commas
    every_weeks  INTEGER NOT NULL,      -- 2 or 4: how often they want an introduction
    capacity     INTEGER NOT NULL,      -- mentors: mentees a round (1-3)
    paused_until INTEGER,               -- Unix seconds; no introductions before it
    left_out     INTEGER NOT NULL DEFAULT 0, -- 1: nobody could be matched with them last round
    last_round   INTEGER,               -- Unix seconds of the last round they were placed in
    joined_at    INTEGER NOT NULL,
    UNIQUE (platform, user_id)
) STRICT;

-- One row a round: keyed by scope and date, so a round runs once however often it is tried.
CREATE TABLE pairing_rounds (
    id       INTEGER PRIMARY KEY,
    scope    TEXT NOT NULL,             -- a community (platform:id), or 'deployment'
    date     TEXT NOT NULL,             -- YYYY-MM-DD, the round's local date
    ran_at   INTEGER NOT NULL,          -- Unix seconds
    UNIQUE (scope, date)
) STRICT;

-- A pair (or trio, or mentor and mentee) proposed in a round.
CREATE TABLE pairing_groups (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES pairing_rounds (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,        -- proposed | accepted | skipped | expired | reported
    shared        TEXT NOT NULL,        -- what they share: kind=value separated by commas
    report_reason TEXT,                 -- from /pair report (shown to moderators only)
    meeting_room  TEXT,                 -- Matrix: the room opened once everyone accepted
    created_at    INTEGER NOT NULL,
    ended_at      INTEGER
) STRICT;

-- Each member's seat in a group, with their answers.
CREATE TABLE pairing_seats (
    group_id     INTEGER NOT NULL REFERENCES pairing_groups (id) ON DELETE CASCADE,
    participant  INTEGER NOT NULL,      -- pairing_members.id when placed (kept if they leave)
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL,         -- peer | mentor | mentee, in this group
    profile      TEXT NOT NULL,         -- role;specialty;state;shift;interests as when placed
    answer       TEXT,                  -- accept | skip; NULL: not answered
    met          TEXT,                  -- yes | no | notyet, from the follow-up
    PRIMARY KEY (group_id, platform, user_id)
) STRICT;

CREATE INDEX pairing_seats_member ON pairing_seats (platform, user_id);
