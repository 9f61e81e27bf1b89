-- 0008_pubsub_position_buckets: undoes 0008_pubsub_position_buckets.up.sql exactly.

DROP TRIGGER pubsub_items_bucket_move;
DROP TRIGGER pubsub_items_bucket_delete;
DROP TRIGGER pubsub_items_bucket_insert;
DROP TABLE pubsub_position_buckets;
