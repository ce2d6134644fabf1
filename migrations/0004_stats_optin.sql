-- Community check-in stats that cannot be unmasked.
-- 1. When each member first opted in to check-ins in each community: only answers from members
--    who opted in at least four weeks before a week count in that week's stats, so accounts
--    made for an attack do not count until long after.
-- 2. Each week's published figures, worked out once when the week is first shown after it has
--    closed and never again: /forgetme, /checkin stop or retention cannot change a figure
--    already shown, so nobody's answer can be worked out from the difference.

CREATE TABLE checkin_optins (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    community    TEXT NOT NULL,               -- platform:id, as in checkin_schedules
    opted_in_at  INTEGER NOT NULL,            -- first /checkin start there (UTC seconds)
    PRIMARY KEY (platform, user_id, community)
) STRICT;

-- Members who answered before this migration: their first prompt in each community (a little
-- after they opted in there, so never earlier than the truth). Members opted in without a
-- prompt yet: the last change to their schedule.
INSERT INTO checkin_optins (platform, user_id, community, opted_in_at)
SELECT platform, user_id, community, min(due_at) FROM checkin_prompts
GROUP BY platform, user_id, community;

INSERT OR IGNORE INTO checkin_optins (platform, user_id, community, opted_in_at)
SELECT platform, user_id, community, updated_at FROM checkin_schedules;

-- One row per community and week once shown. NULL bands: too few answers to show.
CREATE TABLE checkin_week_stats (
    community    TEXT NOT NULL,
    week         TEXT NOT NULL,               -- Monday, YYYY-MM-DD
    struggling   INTEGER,                     -- rounded to 5, with noise (see docs/PRIVACY.md)
    okay         INTEGER,
    good         INTEGER,
    min_answers  INTEGER NOT NULL,            -- checkins.stats_min_answers when worked out
    published_at INTEGER NOT NULL,
    PRIMARY KEY (community, week),
    CHECK ((struggling IS NULL) = (okay IS NULL) AND (okay IS NULL) = (good IS NULL))
) STRICT;
