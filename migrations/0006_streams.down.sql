-- 0006_streams: undoes 0006_streams.up.sql exactly.

DROP TABLE streams;
DROP INDEX pubsub_items_node_time;
DROP INDEX pubsub_items_time;
ALTER TABLE pubsub_items DROP COLUMN item_time;
