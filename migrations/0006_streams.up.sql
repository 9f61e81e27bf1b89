-- 0006_streams: streams, each profile's named views over many cached nodes, and each
-- item's own time, by which a stream merges its feeds newest first.

-- The item's own time in Unix ms (its analyser's reading: a post's published, else
-- updated date), else when the cache first stored it. Existing items get what
-- xep_0277's parser already kept in their parsed JSON (published_ts, updated_ts, in
-- seconds), else their creation time.
ALTER TABLE pubsub_items ADD COLUMN item_time INTEGER NOT NULL DEFAULT 0;

UPDATE pubsub_items SET item_time = coalesce(
    CAST(json_extract(parsed, '$.published_ts') * 1000 AS INTEGER),
    CAST(json_extract(parsed, '$.updated_ts') * 1000 AS INTEGER),
    created);

-- A stream's newest items: walked across nodes when the stream covers much of the
-- cache, node by node when it covers little.
CREATE INDEX pubsub_items_time ON pubsub_items(item_time, id);
CREATE INDEX pubsub_items_node_time ON pubsub_items(node_id, item_time, id);

-- A stream's rule: the JSON its plugin checked (doc/streams.md).
CREATE TABLE streams (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    rule TEXT NOT NULL CHECK (json_valid(rule)),
    defined_at INTEGER NOT NULL,
    PRIMARY KEY (profile_id, name)
) WITHOUT ROWID;
