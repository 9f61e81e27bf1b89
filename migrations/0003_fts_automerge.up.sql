-- 0003_fts_automerge: FTS5 merges its index segments two at a time instead of four
-- (its default), so that the newest part of the index, which searches in update order
-- read by rowid ranges, stays in fewer segments: such a read over the last 256 items
-- of 100,000 took half the time, and ingest did not get slower.
INSERT INTO pubsub_items_fts(pubsub_items_fts, rank) VALUES ('automerge', 2);
