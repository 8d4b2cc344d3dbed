-- rooms: a shared clipboard (its text, a feed of texts and files, device and invite keys)
-- Every read filters rooms.expires_at > now, so an expired room and its files are gone at once;
-- the janitor deletes the rows later, and the cascades take the items and keys with them.
CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    pin_hash TEXT,                        -- argon2id string of the PIN; NULL: no PIN
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,             -- moves with activity, up to created_at + room_max_ttl
    content TEXT NOT NULL DEFAULT '',
    content_at REAL NOT NULL,
    version INTEGER NOT NULL DEFAULT 1    -- bumped by every change: the poll's ETag
);
CREATE INDEX rooms_expiry ON rooms(expires_at);

CREATE TABLE room_items (
    id INTEGER PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'file')),
    created_at REAL NOT NULL,
    device TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,                -- a text's UTF-8 or a file's bytes
    file_key TEXT UNIQUE                  -- a file's URL key; NULL for a text
);
CREATE INDEX room_items_room ON room_items(room_id, id);

-- Device tokens and invites (join tokens): 256-bit secrets, kept only as their SHA-256.
CREATE TABLE room_keys (
    hash BLOB PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('device', 'invite')),
    created_at REAL NOT NULL,
    expires_at REAL                       -- an invite's end; NULL: as long as the room
);
CREATE INDEX room_keys_room ON room_keys(room_id, kind, created_at);
