-- 0010_pubsub_item_terms_lookup: undoes 0010_pubsub_item_terms_lookup.up.sql exactly
-- (0009's triggers again).

DROP TRIGGER pubsub_items_terms_update;
DROP TRIGGER pubsub_items_terms_delete;

CREATE TRIGGER pubsub_items_terms_update AFTER UPDATE OF parsed, updated ON pubsub_items
    WHEN old.parsed IS NOT new.parsed OR old.updated IS NOT new.updated
BEGIN
    DELETE FROM pubsub_item_terms WHERE (field_id, term, updated, item_id) IN (
        SELECT f.id, e.value, old.updated, old.id
        FROM pubsub_indexed_fields f, json_each(old.parsed, f.path) e
        WHERE old.parsed IS NOT NULL AND f.kind = 'list' AND typeof(e.key) = 'integer'
            AND e.type <> 'null');
    INSERT OR IGNORE INTO pubsub_item_terms (field_id, term, updated, item_id)
        SELECT f.id, e.value, new.updated, new.id
        FROM pubsub_indexed_fields f, json_each(new.parsed, f.path) e
        WHERE new.parsed IS NOT NULL AND f.kind = 'list' AND typeof(e.key) = 'integer'
            AND e.type <> 'null';
END;

CREATE TRIGGER pubsub_items_terms_delete AFTER DELETE ON pubsub_items
    WHEN old.parsed IS NOT NULL
BEGIN
    DELETE FROM pubsub_item_terms WHERE (field_id, term, updated, item_id) IN (
        SELECT f.id, e.value, old.updated, old.id
        FROM pubsub_indexed_fields f, json_each(old.parsed, f.path) e
        WHERE f.kind = 'list' AND typeof(e.key) = 'integer' AND e.type <> 'null');
END;
