-- Which key encrypts check-in notes, so a changed key is noticed at start-up instead of leaving
-- old notes silently unreadable. Never the key itself.

CREATE TABLE note_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1), -- one row: the key in use
    fingerprint TEXT NOT NULL,                      -- SHA-256 of a fixed label and the key, first 16 bytes in hex
    set_at      INTEGER NOT NULL                    -- when this key was first seen or rekeyed to
) STRICT;
