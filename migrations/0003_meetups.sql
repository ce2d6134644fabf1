-- Meetups: announcements, RSVPs by reaction, waitlists, reminders, subscriptions.

-- A recurring meetup: occurrences are created (and announced) a few days ahead, each a meetup
-- of its own with its own announcement, RSVPs and reminders.
CREATE TABLE meetup_series (
    id             INTEGER PRIMARY KEY,
    repeat         TEXT NOT NULL,             -- weekly | biweekly | monthly
    until          TEXT,                      -- last local date (YYYY-MM-DD), or NULL: no end
    first_local    TEXT NOT NULL,             -- first occurrence, local wall time YYYY-MM-DDTHH:MM
    next_index     INTEGER NOT NULL DEFAULT 1,-- occurrence number not yet created (0 = first)
    next_starts_at INTEGER,                   -- its start (UTC), NULL when the series is over
    cancelled      INTEGER NOT NULL DEFAULT 0,
    template       INTEGER,                   -- the first occurrence, whose details are copied
    created_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE meetups (
    id              INTEGER PRIMARY KEY,
    series_id       INTEGER REFERENCES meetup_series (id),
    community       TEXT NOT NULL,            -- platform:id where it was created
    organizer_platform TEXT NOT NULL,
    organizer_id    TEXT NOT NULL,
    organizer_name  TEXT NOT NULL,
    title           TEXT NOT NULL,
    starts_at       INTEGER NOT NULL,         -- UTC seconds
    ends_at         INTEGER NOT NULL,
    timezone        TEXT NOT NULL,            -- IANA; how times are shown
    location        TEXT NOT NULL,
    state           TEXT,                     -- two-letter code, for /meetup list STATE
    capacity        INTEGER,                  -- NULL: no limit
    link            TEXT,
    description     TEXT,
    status          TEXT NOT NULL DEFAULT 'scheduled', -- scheduled | cancelled
    cancel_reason   TEXT,
    sequence        INTEGER NOT NULL DEFAULT 0,-- raised on every edit (iCalendar SEQUENCE)
    counts_changed_at INTEGER,                -- RSVPs changed since the last announcement edit
    reminded_24h    INTEGER NOT NULL DEFAULT 0,
    reminded_1h     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX meetups_upcoming ON meetups (status, starts_at);
CREATE UNIQUE INDEX meetups_occurrence ON meetups (series_id, starts_at) WHERE series_id IS NOT NULL;
CREATE INDEX meetups_changed ON meetups (counts_changed_at) WHERE counts_changed_at IS NOT NULL;
CREATE INDEX meetups_organizer ON meetups (organizer_platform, organizer_id);

-- Where a meetup was announced (one roster, possibly several communities).
CREATE TABLE meetup_posts (
    meetup_id  INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    platform   TEXT NOT NULL,
    community  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    PRIMARY KEY (platform, message_id)
) STRICT;

CREATE INDEX meetup_posts_meetup ON meetup_posts (meetup_id);

-- One RSVP per member and meetup. `position` keeps arrival order for going and the waitlist.
CREATE TABLE rsvps (
    meetup_id    INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status       TEXT NOT NULL,               -- going | maybe | cant | waitlist | none (taken back)
    position     INTEGER NOT NULL,
    via          TEXT NOT NULL DEFAULT '',    -- the announcement (message id) it came through
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (meetup_id, platform, user_id)
) STRICT;

CREATE INDEX rsvps_member ON rsvps (platform, user_id);

-- A changed RSVP marks its meetup for one (coalesced) edit of its announcements, at the time
-- the RSVP carries (the bot's clock). 'none' rows are RSVPs taken back.
CREATE TRIGGER rsvps_added AFTER INSERT ON rsvps BEGIN
    UPDATE meetups SET counts_changed_at = coalesce(counts_changed_at, NEW.updated_at)
    WHERE id = NEW.meetup_id;
END;

CREATE TRIGGER rsvps_removed AFTER DELETE ON rsvps BEGIN
    UPDATE meetups SET counts_changed_at = coalesce(counts_changed_at, OLD.updated_at)
    WHERE id = OLD.meetup_id;
END;

CREATE TRIGGER rsvps_changed AFTER UPDATE OF status ON rsvps WHEN OLD.status != NEW.status BEGIN
    UPDATE meetups SET counts_changed_at = coalesce(counts_changed_at, NEW.updated_at)
    WHERE id = NEW.meetup_id;
END;

-- Members who do not want reminders for meetups they marked "maybe".
CREATE TABLE meetup_reminder_optouts (
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
) STRICT;

-- Members who hear privately about new meetups in a state.
CREATE TABLE meetup_subscriptions (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    state        TEXT NOT NULL,
    PRIMARY KEY (platform, user_id, state)
) STRICT;

-- The outbox carries meetup messages too: announcements posted in a community, edits of them,
-- reminders and notices to members.
ALTER TABLE outbox ADD COLUMN community TEXT;     -- for posts and edits: platform:id
ALTER TABLE outbox ADD COLUMN edit_of TEXT;       -- for edits: the message to edit
ALTER TABLE outbox ADD COLUMN meetup_id INTEGER REFERENCES meetups (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN body TEXT;          -- for notices: the text (never check-in data)

CREATE INDEX outbox_meetup ON outbox (meetup_id) WHERE meetup_id IS NOT NULL;
