-- 0009_pubsub_indexed_fields: undoes 0009_pubsub_indexed_fields.up.sql exactly, with
-- the indexes the store made for declared fields.

DROP TRIGGER pubsub_items_terms_delete;
DROP TRIGGER pubsub_items_terms_update;
DROP TABLE pubsub_item_terms;
DROP TABLE pubsub_indexed_fields;
DROP INDEX IF EXISTS pubsub_items_field_1;
DROP INDEX IF EXISTS pubsub_items_field_2;
DROP INDEX IF EXISTS pubsub_items_field_3;
DROP INDEX IF EXISTS pubsub_items_field_4;
DROP INDEX IF EXISTS pubsub_items_field_5;
DROP INDEX IF EXISTS pubsub_items_field_6;
DROP INDEX IF EXISTS pubsub_items_field_7;
DROP INDEX IF EXISTS pubsub_items_field_8;
DROP INDEX IF EXISTS pubsub_items_field_9;
DROP INDEX IF EXISTS pubsub_items_field_10;
DROP INDEX IF EXISTS pubsub_items_field_11;
DROP INDEX IF EXISTS pubsub_items_field_12;
DROP INDEX IF EXISTS pubsub_items_field_13;
DROP INDEX IF EXISTS pubsub_items_field_14;
DROP INDEX IF EXISTS pubsub_items_field_15;
DROP INDEX IF EXISTS pubsub_items_field_16;
DROP INDEX IF EXISTS pubsub_items_field_17;
DROP INDEX IF EXISTS pubsub_items_field_18;
DROP INDEX IF EXISTS pubsub_items_field_19;
DROP INDEX IF EXISTS pubsub_items_field_20;
DROP INDEX IF EXISTS pubsub_items_field_21;
DROP INDEX IF EXISTS pubsub_items_field_22;
DROP INDEX IF EXISTS pubsub_items_field_23;
DROP INDEX IF EXISTS pubsub_items_field_24;
DROP INDEX IF EXISTS pubsub_items_field_25;
DROP INDEX IF EXISTS pubsub_items_field_26;
DROP INDEX IF EXISTS pubsub_items_field_27;
DROP INDEX IF EXISTS pubsub_items_field_28;
DROP INDEX IF EXISTS pubsub_items_field_29;
DROP INDEX IF EXISTS pubsub_items_field_30;
DROP INDEX IF EXISTS pubsub_items_field_31;
DROP INDEX IF EXISTS pubsub_items_field_32;
