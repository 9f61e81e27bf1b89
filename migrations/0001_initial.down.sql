DROP TRIGGER pubsub_items_fts_update;
DROP TRIGGER pubsub_items_fts_delete;
DROP TRIGGER pubsub_items_fts_insert;
DROP TABLE pubsub_items_fts;
DROP TABLE pubsub_items;
DROP TABLE pubsub_nodes;
DROP TABLE profiles;
