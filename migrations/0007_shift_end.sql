-- When a member's shift usually ends, for "/checkin snooze after shift" (HH:MM in the
-- schedule's time zone, or NULL). It goes with the schedule (/checkin stop, /forgetme).
ALTER TABLE checkin_schedules ADD COLUMN shift_end TEXT;

-- Weeks a member chose to skip (/checkin skip): a skipped week does not break their streak,
-- only a missed one does. Deleted with the answers after retention, and by /forgetme.
CREATE TABLE checkin_skips (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    week       TEXT NOT NULL,               -- Monday of the skipped week, member's zone, YYYY-MM-DD
    skipped_at INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id, week)
) STRICT;
