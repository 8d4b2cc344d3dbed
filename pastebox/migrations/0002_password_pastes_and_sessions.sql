-- password pastes, account passwords and browser sessions
-- Key-derivation parameters (JSON: v, kdf, ops, mem, salt) of a password-protected
-- paste, whose one file row then holds the sealed record; NULL for every other paste.
ALTER TABLE pastes ADD COLUMN seal TEXT;
-- argon2id string hash (nacl.pwhash.str) for web log-in; NULL: API keys only.
ALTER TABLE users ADD COLUMN password_hash BLOB;
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
