-- 0004_pubsub_item_position: undoes 0004_pubsub_item_position.up.sql exactly.

DROP INDEX pubsub_items_node_position;
ALTER TABLE pubsub_items DROP COLUMN position;
