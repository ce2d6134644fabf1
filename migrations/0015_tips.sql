-- The tips library: practical advice from peers (/tip share, /tips), the shipped starting set
-- (seeded by key from data/tips.toml), helpful votes, private saved lists, reports, the tip
-- shown after a check-in answer and each community's tip of the week.

CREATE TABLE tips (
    id              INTEGER PRIMARY KEY,    -- the number members type (/tip show 12)
    key             TEXT UNIQUE,            -- the starting set's stable key (start-breaks-1); NULL for members' tips
    community       TEXT NOT NULL,          -- platform:id it was shared in; '' for the starting set (every community)
    author_platform TEXT NOT NULL,          -- the sharing member's platform; '' for the starting set or after /forgetme
    author_id       TEXT NOT NULL,          -- the sharing member's id on it (/mydata shows, /forgetme deletes or empties)
    author_name     TEXT NOT NULL,          -- their display name when they shared it (moderators see it)
    topic           TEXT NOT NULL,          -- one topic code (workload, short-staffing, ...)
    also            TEXT NOT NULL,          -- more topic codes separated by spaces
    topics          TEXT NOT NULL,          -- ' topic also... ': every topic between spaces, for browsing
    high_stress     INTEGER NOT NULL,       -- 1: fits after a stressed or low check-in
    roles           TEXT NOT NULL,          -- role hints separated by spaces ('': everyone)
    text            TEXT NOT NULL,          -- at most 600 characters, checked for patient information
    source_title    TEXT,                   -- the starting set's source, by name
    source_url      TEXT,
    status          TEXT NOT NULL,          -- pending | live | hidden (reported, moderated after) | removed
    helpful         INTEGER NOT NULL DEFAULT 0, -- helpful votes (kept with tip_votes)
    rank            INTEGER NOT NULL,       -- created_at + helpful * two weeks: best first, without the clock
    created_at      INTEGER NOT NULL,       -- unix seconds (the starting set: when first seeded)
    decided_by      TEXT,                   -- the moderator who approved, restored or removed it (platform:id)
    decided_at      INTEGER                 -- unix seconds
) STRICT;

CREATE INDEX tips_browse ON tips (status, rank DESC);
CREATE INDEX tips_community ON tips (community, status, rank DESC);
CREATE INDEX tips_by_author ON tips (author_platform, author_id);

-- One helpful vote per member per tip (/tip helpful, or a 👍 reaction on a shown tip).
CREATE TABLE tip_votes (
    tip_id     INTEGER NOT NULL REFERENCES tips (id) ON DELETE CASCADE,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,           -- the voting member (a member column: /mydata, /forgetme)
    created_at INTEGER NOT NULL,        -- unix seconds
    PRIMARY KEY (tip_id, platform, user_id)
) STRICT;
CREATE INDEX tip_votes_by_member ON tip_votes (platform, user_id);

-- A member's private saved list (/tip save, /tips saved).
CREATE TABLE tip_saves (
    tip_id     INTEGER NOT NULL REFERENCES tips (id) ON DELETE CASCADE,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,           -- the saving member
    created_at INTEGER NOT NULL,        -- unix seconds
    PRIMARY KEY (tip_id, platform, user_id)
) STRICT;
CREATE INDEX tip_saves_by_member ON tip_saves (platform, user_id, created_at);

-- Members' reports on tips, for the moderators' queue (/review); one per member per tip.
CREATE TABLE tip_reports (
    id           INTEGER PRIMARY KEY,
    tip_id       INTEGER NOT NULL REFERENCES tips (id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,         -- the reporting member
    display_name TEXT NOT NULL,         -- their name when they reported
    reason       TEXT NOT NULL,         -- their words, at most 300 characters, checked for patient information
    created_at   INTEGER NOT NULL,      -- unix seconds
    status       TEXT NOT NULL DEFAULT 'open', -- open | closed (a moderator decided on the tip)
    UNIQUE (tip_id, platform, user_id)
) STRICT;

-- Tips shown to a member after a check-in answer: none again within 8 weeks.
CREATE TABLE tip_shown (
    tip_id   INTEGER NOT NULL REFERENCES tips (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,             -- the member who was shown it
    shown_at INTEGER NOT NULL           -- unix seconds
) STRICT;
CREATE INDEX tip_shown_by_member ON tip_shown (platform, user_id, shown_at);

-- Members who turned the check-in tip off (/checkin settings tips:off).
CREATE TABLE tip_checkin_optouts (
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,             -- the member
    since    INTEGER NOT NULL,          -- unix seconds
    PRIMARY KEY (platform, user_id)
) STRICT;

-- Each community's tip of the week: one a week, none repeated within a year.
CREATE TABLE tip_weekly (
    community TEXT NOT NULL,            -- platform:id of the community (as configured in [[tips.communities]])
    week      TEXT NOT NULL,            -- the week in the community's zone (2026-W10)
    tip_id    INTEGER NOT NULL REFERENCES tips (id) ON DELETE CASCADE,
    queued_at INTEGER NOT NULL,         -- unix seconds
    PRIMARY KEY (community, week)
) STRICT;
