-- Conferences and recurring events for /events, seeded by key from the shipped data/events.toml.
-- Whether an event has passed is decided against the bot's clock when it is listed, never stored.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,    -- what a queued notice about a new event names
    key         TEXT NOT NULL UNIQUE,   -- stable key from the shipped file, e.g. adlm-annual
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,          -- conference | lab-week | state-meeting | webinar | workshop
    host        TEXT NOT NULL,          -- the organisation holding it (not a member)
    specialties TEXT NOT NULL,          -- specialty codes separated by spaces ('all': every one)
    states      TEXT NOT NULL,          -- state codes separated by spaces; empty: national
    place       TEXT NOT NULL,          -- where, in words
    online      INTEGER NOT NULL,       -- 1: one can take part online
    start_date  TEXT,                   -- YYYY-MM-DD, only when a source shows it
    end_date    TEXT,                   -- YYYY-MM-DD, last day
    usual       TEXT,                   -- when it is usually held ('late April') when undated
    yearly      INTEGER NOT NULL,       -- 1: held every year
    url         TEXT NOT NULL,
    source      TEXT NOT NULL,          -- where the facts were seen
    sure        TEXT NOT NULL,          -- confirmed (organiser's own page) | secondary
    added_at    TEXT NOT NULL           -- RFC 3339, when this database first got it
) STRICT;

-- Members who hear privately when a new event is added (one row a member).
CREATE TABLE event_subscriptions (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    state        TEXT NOT NULL,         -- a state code: national events and that state's; '' all
    PRIMARY KEY (platform, user_id)
) STRICT;
