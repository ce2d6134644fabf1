-- What the link checker (`labcircle directory check-links`, and monthly under `labcircle run`
-- with directory.check_links) last found for each directory entry's link. Kept apart from the
-- entries themselves: a check never edits an entry, and an edited url is simply checked again.

CREATE TABLE link_checks (
    group_key   TEXT PRIMARY KEY,              -- the entry checked (groups.key)
    url         TEXT NOT NULL,                 -- the link as it was when checked; a result counts only while the entry still has it
    status      TEXT NOT NULL
                CHECK (status IN ('ok', 'moved', 'dead', 'unknown')), -- ok; moved (301/308); dead (404, 410, no such host); unknown (5xx, time-outs, twice)
    http_status INTEGER,                       -- the last HTTP status seen, if any answer came
    final_url   TEXT,                          -- where redirects led, when they led elsewhere
    checked_at  TEXT NOT NULL,                 -- when, RFC 3339 UTC
    detail      TEXT NOT NULL,                 -- the reason in words ("404 Not Found", "moved to …", "timed out twice")
    dead_since  TEXT,                          -- while dead: when it was first found dead (a newly dead link has this = checked_at)
    reported    INTEGER NOT NULL DEFAULT 0     -- 1 once moderators were told of this dead spell
) STRICT;
