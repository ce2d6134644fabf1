-- Per-member daily limits count a member's suggestions in the last 24 hours.
CREATE INDEX suggestions_by_member ON suggestions (platform, user_id, created_at);
