-- 0002_pubsub_item_count: each node keeps the number of its items, so that a cached
-- read answers XEP-0059's <count/> without counting a large node's rows every time.

ALTER TABLE pubsub_nodes ADD COLUMN item_count INTEGER NOT NULL DEFAULT 0;

UPDATE pubsub_nodes SET item_count = (
    SELECT count(*) FROM pubsub_items WHERE pubsub_items.node_id = pubsub_nodes.id
);

CREATE TRIGGER pubsub_items_count_insert AFTER INSERT ON pubsub_items
BEGIN
    UPDATE pubsub_nodes SET item_count = item_count + 1 WHERE id = new.node_id;
END;

CREATE TRIGGER pubsub_items_count_delete AFTER DELETE ON pubsub_items
BEGIN
    UPDATE pubsub_nodes SET item_count = item_count - 1 WHERE id = old.node_id;
END;
