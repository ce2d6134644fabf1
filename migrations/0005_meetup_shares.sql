-- Meetups belong to their home community (meetups.community, where they were created).
-- Sharing one into another community announces it there and gives that community's admins no
-- power over it, only over their own announcement: they may withdraw it (/meetup unshare).

-- Every community a meetup was shared into, besides its home.
CREATE TABLE meetup_shares (
    meetup_id    INTEGER NOT NULL REFERENCES meetups (id) ON DELETE CASCADE,
    community    TEXT NOT NULL,               -- platform:id
    generation   INTEGER NOT NULL DEFAULT 1,  -- raised when shared again after a withdrawal
    shared_at    INTEGER NOT NULL,
    withdrawn_at INTEGER,                     -- NULL: announced there
    PRIMARY KEY (meetup_id, community)
) STRICT;

-- A withdrawn announcement is no longer edited, reconciled or counted for new RSVPs (RSVPs
-- made through it stay).
ALTER TABLE meetup_posts ADD COLUMN withdrawn_at INTEGER;

-- Shares made before this migration: announcements outside the meetup's home, posted or
-- still waiting in the outbox.
INSERT OR IGNORE INTO meetup_shares (meetup_id, community, shared_at)
SELECT p.meetup_id, p.community, m.created_at
FROM meetup_posts AS p JOIN meetups AS m ON m.id = p.meetup_id
WHERE p.community != m.community
UNION
SELECT o.meetup_id, o.community, o.created_at
FROM outbox AS o JOIN meetups AS m ON m.id = o.meetup_id
WHERE o.kind = 'meetup_announcement' AND o.community IS NOT NULL AND o.community != m.community;
