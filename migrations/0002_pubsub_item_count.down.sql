-- 0002_pubsub_item_count: undoes 0002_pubsub_item_count.up.sql exactly.

DROP TRIGGER pubsub_items_count_delete;
DROP TRIGGER pubsub_items_count_insert;
ALTER TABLE pubsub_nodes DROP COLUMN item_count;
