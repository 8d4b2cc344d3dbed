-- the search index is kept by triggers, and never holds a burn, password or E2EE paste
-- (From here on, 0001's note that the store feeds and unfeeds file_search by hand no longer
-- holds: these triggers do, and no code writes to file_search.)
-- Whether a paste's current files are in file_search: the store asked for it (`indexed`: every
-- file is UTF-8 text) and the paste is none of burn-after-read, password-protected (seal) or
-- end-to-end encrypted, whatever a caller wrote into `indexed`. Unlisted and private pastes
-- are indexed (their owner's searches find them; store/search.py shows others only public
-- ones). The triggers below and every search read this one column.
ALTER TABLE pastes ADD COLUMN in_index INTEGER
    GENERATED ALWAYS AS (indexed AND NOT burn AND seal IS NULL AND NOT is_e2ee) VIRTUAL;

-- The index's source (external content) is exactly what the triggers index: the current files
-- of pastes in_index. FTS5 reads snippets through it, and its 'rebuild' and 'integrity-check'
-- (with rank 1) compare the index with it, which they could not while it held every file.
DROP VIEW file_search_source;
CREATE VIEW file_search_source AS
    SELECT f.id AS id, p.title AS title, f.name AS name, CAST(f.content AS TEXT) AS content
    FROM files f JOIN pastes p ON p.id = f.paste_id AND f.revision = p.revision
    WHERE p.in_index;

-- A paste's first files enter the index as they are inserted (a later revision's files are
-- inserted before the paste points at them, and enter with pastes_search_follows below).
CREATE TRIGGER files_enter_search AFTER INSERT ON files
WHEN (SELECT in_index FROM pastes WHERE id = new.paste_id AND revision = new.revision)
BEGIN
    INSERT INTO file_search (rowid, title, name, content)
        SELECT new.id, p.title, new.name, CAST(new.content AS TEXT)
        FROM pastes p WHERE p.id = new.paste_id;
END;

-- An edit (new revision or title) or a change of what may be indexed moves the index: the
-- old current files leave it with the values they entered with (external content: FTS5
-- needs them to find the words to remove), the new ones enter. Each removed row is counted
-- in 'unindexed', so the janitor merges its words out of the index's segments.
CREATE TRIGGER pastes_search_follows
AFTER UPDATE OF title, revision, indexed, burn, seal, is_e2ee ON pastes
WHEN old.in_index OR new.in_index
BEGIN
    UPDATE counters SET value = value + (
        SELECT count(*) FROM files WHERE paste_id = old.id AND revision = old.revision
    ) WHERE name = 'unindexed' AND old.in_index;
    INSERT INTO file_search (file_search, rowid, title, name, content)
        SELECT 'delete', f.id, old.title, f.name, CAST(f.content AS TEXT)
        FROM files f WHERE old.in_index AND f.paste_id = old.id AND f.revision = old.revision;
    INSERT INTO file_search (rowid, title, name, content)
        SELECT f.id, new.title, f.name, CAST(f.content AS TEXT)
        FROM files f WHERE new.in_index AND f.paste_id = new.id AND f.revision = new.revision;
END;

-- A deleted paste (burned, deleted, expired, its owner removed) leaves the index before its
-- files go (they are deleted by cascade, and FTS5 needs their values to remove the words).
CREATE TRIGGER pastes_leave_search BEFORE DELETE ON pastes
WHEN old.in_index
BEGIN
    UPDATE counters SET value = value + (
        SELECT count(*) FROM files WHERE paste_id = old.id AND revision = old.revision
    ) WHERE name = 'unindexed';
    INSERT INTO file_search (file_search, rowid, title, name, content)
        SELECT 'delete', f.id, old.title, f.name, CAST(f.content AS TEXT)
        FROM files f WHERE f.paste_id = old.id AND f.revision = old.revision;
END;
