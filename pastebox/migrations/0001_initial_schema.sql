-- initial schema: users, api keys, pastes, revisions, files, full-text search
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at REAL NOT NULL
);
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_hash BLOB NOT NULL UNIQUE,
    label TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE INDEX api_keys_user ON api_keys(user_id);
CREATE TABLE pastes (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    expires_at REAL,
    burn INTEGER NOT NULL DEFAULT 0,
    exposure TEXT NOT NULL CHECK (exposure IN ('public', 'unlisted', 'private')),
    is_e2ee INTEGER NOT NULL DEFAULT 0,
    owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    manage_hash BLOB,
    views INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 1,
    indexed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pastes_expiry ON pastes(expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX pastes_owner ON pastes(owner_id, created_at) WHERE owner_id IS NOT NULL;
CREATE TABLE revisions (
    paste_id TEXT NOT NULL REFERENCES pastes(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (paste_id, number)
) WITHOUT ROWID;
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    paste_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    language TEXT,
    content BLOB NOT NULL,
    UNIQUE (paste_id, revision, position),
    FOREIGN KEY (paste_id, revision) REFERENCES revisions(paste_id, number) ON DELETE CASCADE
);
-- Ids of pastes that were burned, expired or deleted, without any of their content, so
-- a late visitor learns "gone" (410) rather than "never existed" (404) for a while.
CREATE TABLE tombstones (
    id TEXT PRIMARY KEY,
    reason TEXT NOT NULL CHECK (reason IN ('burned', 'expired', 'deleted')),
    at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX tombstones_at ON tombstones(at);
-- Counters that must survive a restart: search rows deleted since the index was last
-- merged (their words stay in FTS segments until then).
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('unindexed', 0);
-- The search index reads its text through this view (external content), so the words
-- are stored once, in files; the store feeds and unfeeds it explicitly.
CREATE VIEW file_search_source AS
    SELECT f.id AS id, p.title AS title, f.name AS name, CAST(f.content AS TEXT) AS content
    FROM files f JOIN pastes p ON p.id = f.paste_id;
CREATE VIRTUAL TABLE file_search USING fts5(
    title, name, content,
    content = 'file_search_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
