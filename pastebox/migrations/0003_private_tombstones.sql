-- tombstones remember whether a paste was private, and whose
-- A gone private paste answers 404 (as if it never was) to all but its owner, so its
-- tombstone must not tell others that it existed.
ALTER TABLE tombstones ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tombstones ADD COLUMN owner_id INTEGER;
-- The manage-token hash of a gone private paste, so its anonymous maker still learns
-- "gone" (410) while everyone else gets 404.
ALTER TABLE tombstones ADD COLUMN manage_hash BLOB;
