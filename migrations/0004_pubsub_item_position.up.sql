-- 0004_pubsub_item_position: each item's place in its node as the server orders the
-- node, the default order of every answer. Creation and update times stay what they
-- say; they cannot be the order, since servers differ on where a republished item goes
-- (Prosody: to the end; ejabberd: where it was) and a sync resumed after a kill meets
-- items stored before it. Existing items keep the order they had; their node's next
-- sync rewrites it as the server gives it.

ALTER TABLE pubsub_items ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

UPDATE pubsub_items SET position = created;

-- A node's items in the server's order; its last item, where new ones go.
CREATE INDEX pubsub_items_node_position ON pubsub_items(node_id, position, id);
