-- 0003_fts_automerge: undoes 0003_fts_automerge.up.sql: FTS5's default again.
INSERT INTO pubsub_items_fts(pubsub_items_fts, rank) VALUES ('automerge', 4);
