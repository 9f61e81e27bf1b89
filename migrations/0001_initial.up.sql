-- Profiles, the pubsub cache's nodes and items, and full-text search over items.
-- Times are Unix milliseconds (UTC).

CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    jid TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE pubsub_nodes (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    service TEXT NOT NULL,
    node TEXT NOT NULL,
    analyser TEXT,
    type TEXT,
    subtype TEXT,
    sync_state TEXT CHECK (sync_state IN ('in_progress', 'completed', 'partial', 'error')),
    sync_reason TEXT,
    sync_updated_at INTEGER,
    subscribed INTEGER NOT NULL DEFAULT 0 CHECK (subscribed IN (0, 1)),
    extra TEXT CHECK (extra IS NULL OR json_valid(extra)),
    UNIQUE (profile_id, service, node)
);

CREATE INDEX pubsub_nodes_sync_state ON pubsub_nodes(sync_state);
CREATE INDEX pubsub_nodes_type ON pubsub_nodes(type, subtype);

CREATE TABLE pubsub_items (
    id INTEGER PRIMARY KEY,
    node_id INTEGER NOT NULL REFERENCES pubsub_nodes(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    raw_xml TEXT NOT NULL,
    parsed TEXT CHECK (parsed IS NULL OR json_valid(parsed)),
    parse_error TEXT,
    search_text TEXT,
    publisher TEXT,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    UNIQUE (node_id, item_id)
);

-- Latest items of a node, by creation or by update time.
CREATE INDEX pubsub_items_node_created ON pubsub_items(node_id, created, id);
CREATE INDEX pubsub_items_node_updated ON pubsub_items(node_id, updated, id);
-- Purge by age across nodes.
CREATE INDEX pubsub_items_updated ON pubsub_items(updated);

-- Full-text index over the text an analyser's parser extracted (never the XML
-- markup). External content: the text lives once, in pubsub_items.search_text.
CREATE VIRTUAL TABLE pubsub_items_fts USING fts5(
    search_text,
    content = 'pubsub_items',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER pubsub_items_fts_insert AFTER INSERT ON pubsub_items
WHEN new.search_text IS NOT NULL
BEGIN
    INSERT INTO pubsub_items_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER pubsub_items_fts_delete AFTER DELETE ON pubsub_items
WHEN old.search_text IS NOT NULL
BEGIN
    INSERT INTO pubsub_items_fts(pubsub_items_fts, rowid, search_text)
    VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER pubsub_items_fts_update AFTER UPDATE OF search_text ON pubsub_items
BEGIN
    INSERT INTO pubsub_items_fts(pubsub_items_fts, rowid, search_text)
    SELECT 'delete', old.id, old.search_text WHERE old.search_text IS NOT NULL;
    INSERT INTO pubsub_items_fts(rowid, search_text)
    SELECT new.id, new.search_text WHERE new.search_text IS NOT NULL;
END;
