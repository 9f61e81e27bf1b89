-- 0010_pubsub_item_terms_lookup: an item's list members are deleted by their whole key.
-- 0009's triggers named them as a row value IN a subquery, which SQLite 3.40 looks up by
-- the first key column alone: every edit or deletion of an item read every member of the
-- field (8 ms an edit at 60,000 items, growing with the cache). Named column by column,
-- the lookup uses the whole primary key. The rows to delete are the same: all of the
-- item's rows (only list members are kept), found through its old members.

DROP TRIGGER pubsub_items_terms_update;
DROP TRIGGER pubsub_items_terms_delete;

CREATE TRIGGER pubsub_items_terms_update AFTER UPDATE OF parsed, updated ON pubsub_items
    WHEN old.parsed IS NOT new.parsed OR old.updated IS NOT new.updated
BEGIN
    DELETE FROM pubsub_item_terms
    WHERE field_id IN (SELECT id FROM pubsub_indexed_fields WHERE kind = 'list')
        AND term IN (
            SELECT e.value
            FROM pubsub_indexed_fields f, json_each(old.parsed, f.path) e
            WHERE old.parsed IS NOT NULL AND f.kind = 'list' AND typeof(e.key) = 'integer'
                AND e.type <> 'null')
        AND updated = old.updated AND item_id = old.id;
    INSERT OR IGNORE INTO pubsub_item_terms (field_id, term, updated, item_id)
        SELECT f.id, e.value, new.updated, new.id
        FROM pubsub_indexed_fields f, json_each(new.parsed, f.path) e
        WHERE new.parsed IS NOT NULL AND f.kind = 'list' AND typeof(e.key) = 'integer'
            AND e.type <> 'null';
END;

CREATE TRIGGER pubsub_items_terms_delete AFTER DELETE ON pubsub_items
    WHEN old.parsed IS NOT NULL
BEGIN
    DELETE FROM pubsub_item_terms
    WHERE field_id IN (SELECT id FROM pubsub_indexed_fields WHERE kind = 'list')
        AND term IN (
            SELECT e.value
            FROM pubsub_indexed_fields f, json_each(old.parsed, f.path) e
            WHERE f.kind = 'list' AND typeof(e.key) = 'integer' AND e.type <> 'null')
        AND updated = old.updated AND item_id = old.id;
END;
