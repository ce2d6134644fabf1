-- Full-text search over the directory, replacing the in-memory index (see docs/PERFORMANCE.md).
-- One row per entry, rowid = groups.id: its name, description and keywords (specialties, kind,
-- format, states, city, credentials and tags in words, as `Entry::search_keywords` spells them).
-- The keywords come from the vocabulary in code, so the store writes these rows itself with
-- every entry it writes, in the same transaction, and refills the table when opening a database
-- whose rows were written by an older vocabulary (`meta.search_text_version`).
CREATE VIRTUAL TABLE group_search USING fts5 (
    name, description, keywords,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- However an entry goes, its search row goes with it.
CREATE TRIGGER groups_search_delete AFTER DELETE ON groups BEGIN
    DELETE FROM group_search WHERE rowid = old.id;
END;
