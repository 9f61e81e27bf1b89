-- 0009_pubsub_indexed_fields: the JSON fields analysers asked the cache to index, so
-- that a search filtering on one reads an index, not every item (120-330 ms on 100,000
-- items). A scalar field gets an index on its expression, made by the store when the
-- field is first declared and named after its row here (pubsub_items_field_<id>, at
-- most 32); a list field (a post's categories) has its members in pubsub_item_terms,
-- written for new items by the store (from the JSON it has parsed already: a trigger
-- parsing the stored text again cost a third of the ingest rate) and kept through
-- edits and deletions by the triggers below.

CREATE TABLE pubsub_indexed_fields (
    id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 32),
    path TEXT NOT NULL,  -- a JSON path as json_extract() takes it: $."author"."jid"
    kind TEXT NOT NULL CHECK (kind IN ('value', 'date_time', 'list')),
    UNIQUE (path, kind)
);

-- The members of each item's list fields (an array's elements: typeof(key) is
-- 'integer' only there), each as json_each() gives it, as a scan compares them; a null
-- matches nothing and is left out. With the item's update time, so that a member's
-- items come in the order searches give by default, without reading each item.
CREATE TABLE pubsub_item_terms (
    field_id INTEGER NOT NULL,
    term NOT NULL,
    updated INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    PRIMARY KEY (field_id, term, updated, item_id)
) WITHOUT ROWID;

-- An item's rows are found again from its old JSON, by their whole key: an index by
-- item would cost every insert two more B-tree writes for the deletes' sake.
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
