-- Members' reports on directory entries (`/group report KEY reason:…`): an entry that is out of
-- date, has a broken link, says something wrong or is not a fit. Moderators see open reports
-- grouped by entry in `/review` and resolve them together (`/review report KEY fixed|dismissed`);
-- every reporter is then told privately through the outbox.

CREATE TABLE group_reports (
    id           INTEGER PRIMARY KEY,
    group_key    TEXT NOT NULL,                 -- the entry reported (groups.key); kept if the entry is removed
    platform     TEXT NOT NULL,                 -- the reporting member's platform
    user_id      TEXT NOT NULL,                 -- the reporting member's id on it (a member column: /mydata, /forgetme)
    display_name TEXT NOT NULL,                 -- the reporting member's name when they reported
    reason       TEXT NOT NULL,                 -- outdated, broken-link, wrong-info or not-a-fit (checked by the bot)
    details      TEXT,                          -- the member's words, at most 300 characters, checked for patient information
    created_at   TEXT NOT NULL,                 -- when, RFC 3339 UTC
    status       TEXT NOT NULL DEFAULT 'open',  -- open, fixed or dismissed
    note         TEXT,                          -- the moderator's note to the reporters, if any
    resolved_by  TEXT,                          -- the moderator who resolved it (platform:id); cleared by their /forgetme
    resolved_at  TEXT                           -- when it was resolved, RFC 3339 UTC
) STRICT;

-- One open report per member per entry.
CREATE UNIQUE INDEX group_reports_one_open ON group_reports (group_key, platform, user_id)
    WHERE status = 'open';
CREATE INDEX group_reports_by_member ON group_reports (platform, user_id, created_at);
