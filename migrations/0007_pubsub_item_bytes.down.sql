-- 0007_pubsub_item_bytes: undoes 0007_pubsub_item_bytes.up.sql exactly.

DROP TRIGGER pubsub_items_bytes_update;
DROP TRIGGER pubsub_items_bytes_delete;
DROP TRIGGER pubsub_items_bytes_insert;
ALTER TABLE pubsub_nodes DROP COLUMN item_bytes;
