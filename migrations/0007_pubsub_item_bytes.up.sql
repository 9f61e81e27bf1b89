-- 0007_pubsub_item_bytes: each node keeps the bytes its items take (raw XML, parsed
-- JSON, search text), as it keeps their number, so that `cache stats` reads a row per
-- node instead of every item (5 s at a million items).

ALTER TABLE pubsub_nodes ADD COLUMN item_bytes INTEGER NOT NULL DEFAULT 0;

UPDATE pubsub_nodes SET item_bytes = (
    SELECT coalesce(sum(length(CAST(raw_xml AS BLOB)) + coalesce(length(CAST(parsed AS BLOB)), 0)
                        + coalesce(length(CAST(search_text AS BLOB)), 0)), 0)
    FROM pubsub_items WHERE pubsub_items.node_id = pubsub_nodes.id
);

CREATE TRIGGER pubsub_items_bytes_insert AFTER INSERT ON pubsub_items
BEGIN
    UPDATE pubsub_nodes SET item_bytes = item_bytes + length(CAST(new.raw_xml AS BLOB))
            + coalesce(length(CAST(new.parsed AS BLOB)), 0)
            + coalesce(length(CAST(new.search_text AS BLOB)), 0)
    WHERE id = new.node_id;
END;

CREATE TRIGGER pubsub_items_bytes_delete AFTER DELETE ON pubsub_items
BEGIN
    UPDATE pubsub_nodes SET item_bytes = item_bytes - length(CAST(old.raw_xml AS BLOB))
            - coalesce(length(CAST(old.parsed AS BLOB)), 0)
            - coalesce(length(CAST(old.search_text AS BLOB)), 0)
    WHERE id = old.node_id;
END;

-- An edited item (an upsert that changed it): the difference. Moves in the node's
-- order (position) touch none of these columns and fire nothing.
CREATE TRIGGER pubsub_items_bytes_update AFTER UPDATE OF raw_xml, parsed, search_text
    ON pubsub_items
BEGIN
    UPDATE pubsub_nodes SET item_bytes = item_bytes
            + length(CAST(new.raw_xml AS BLOB)) - length(CAST(old.raw_xml AS BLOB))
            + coalesce(length(CAST(new.parsed AS BLOB)), 0)
            - coalesce(length(CAST(old.parsed AS BLOB)), 0)
            + coalesce(length(CAST(new.search_text AS BLOB)), 0)
            - coalesce(length(CAST(old.search_text AS BLOB)), 0)
    WHERE id = new.node_id;
END;
