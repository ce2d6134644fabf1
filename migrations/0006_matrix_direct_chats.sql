-- The bot's private chats on Matrix: rooms the bot created with one member (encrypted, the
-- two of them). A chat is used only while it stays that way; once a third person joins or is
-- invited, or the member leaves, it is closed for good and the next private message opens a
-- new one. Rooms that merely carry the direct-chat mark are not private chats.
CREATE TABLE matrix_direct_chats (
    room_id       TEXT PRIMARY KEY,
    platform      TEXT NOT NULL DEFAULT 'matrix' CHECK (platform = 'matrix'),
    user_id       TEXT NOT NULL,          -- the member (@name:server)
    created_at    INTEGER NOT NULL,       -- unix seconds
    closed_at     INTEGER,                -- NULL: in use
    closed_reason TEXT                    -- why it stopped being private
) STRICT;

-- At most one chat in use per member.
CREATE UNIQUE INDEX matrix_direct_chats_open ON matrix_direct_chats (platform, user_id)
    WHERE closed_at IS NULL;
