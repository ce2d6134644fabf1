-- Wellbeing check-ins, members' profiles and the delivery outbox.
-- Everything about a member is keyed by (platform, user_id) so /forgetme can find all of it.
-- Times are whole seconds since the Unix epoch (UTC).

-- What a member chose to tell the bot about themselves (for matching peer groups).
CREATE TABLE member_profiles (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    specialty  TEXT,                        -- vocab code, or NULL
    state      TEXT,                        -- two-letter code, or NULL
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
) STRICT;

-- One weekly check-in schedule per member who opted in.
CREATE TABLE checkin_schedules (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,             -- how prompts address the member
    community    TEXT NOT NULL,             -- platform:id where they opted in (for counts only)
    weekday      INTEGER NOT NULL,          -- 0 = Monday … 6 = Sunday
    local_time   TEXT NOT NULL,             -- HH:MM in `timezone`
    timezone     TEXT NOT NULL,             -- IANA name
    quiet_start  TEXT,                      -- HH:MM, quiet hours in `timezone`, or NULL
    quiet_end    TEXT,
    paused_until INTEGER,                   -- no prompts before this, or NULL
    next_due_at  INTEGER NOT NULL,          -- the next prompt, already past quiet hours and pauses
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
) STRICT;

CREATE INDEX checkin_schedules_due ON checkin_schedules (next_due_at);

-- A prompt sent (or about to be sent) to a member.
CREATE TABLE checkin_prompts (
    id         INTEGER PRIMARY KEY,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    community  TEXT NOT NULL,
    due_at     INTEGER NOT NULL,            -- when it was due
    week       TEXT NOT NULL,               -- Monday of its week in the member's zone, YYYY-MM-DD
    expires_at INTEGER NOT NULL,
    snoozes    INTEGER NOT NULL DEFAULT 0,  -- at most 2
    status     TEXT NOT NULL DEFAULT 'open',-- open | answered | expired
    UNIQUE (platform, user_id, due_at)
) STRICT;

CREATE INDEX checkin_prompts_open ON checkin_prompts (status, expires_at);
CREATE INDEX checkin_prompts_due ON checkin_prompts (due_at);
-- (platform, user_id) lookups use the UNIQUE index above.

-- A member's answers. Private to the member; admins only ever see counts and averages.
CREATE TABLE checkin_answers (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    community   TEXT NOT NULL,
    prompt_id   INTEGER UNIQUE REFERENCES checkin_prompts (id) ON DELETE SET NULL,
    week        TEXT NOT NULL,               -- Monday of the answer's week, member's zone
    mood        INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    stress      INTEGER CHECK (stress BETWEEN 1 AND 5),
    note        BLOB,                        -- encrypted (XChaCha20-Poly1305), only with a key
    answered_at INTEGER NOT NULL
) STRICT;

CREATE INDEX checkin_answers_member ON checkin_answers (platform, user_id, week);
CREATE INDEX checkin_answers_age ON checkin_answers (answered_at);
CREATE INDEX checkin_answers_community ON checkin_answers (community, week);

-- Deliveries: written by the scheduler, sent by the dispatcher through the member's adapter.
-- The idempotency key makes writing the same delivery twice impossible.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    idempotency_key     TEXT NOT NULL UNIQUE,
    platform            TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    kind                TEXT NOT NULL,       -- checkin_prompt
    prompt_id           INTEGER REFERENCES checkin_prompts (id) ON DELETE CASCADE,
    due_at              INTEGER NOT NULL,
    next_attempt_at     INTEGER NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL DEFAULT 'pending', -- pending | sent | failed | skipped
    platform_message_id TEXT,                -- the platform's id once sent (reactions find it)
    last_error          TEXT,                -- why it failed (never message content)
    created_at          INTEGER NOT NULL,
    sent_at             INTEGER
) STRICT;

CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
CREATE INDEX outbox_member ON outbox (platform, user_id);
CREATE INDEX outbox_message ON outbox (platform, platform_message_id)
    WHERE platform_message_id IS NOT NULL;
CREATE INDEX outbox_prompt ON outbox (prompt_id);
