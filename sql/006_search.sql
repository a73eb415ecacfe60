-- The conversations list's index carries each contact's latest message id, so a search can
-- read the order of its matching conversations from the index alone (an index-only scan).
CREATE INDEX contacts_conversations_covering_idx ON contacts (last_message_at DESC, id DESC)
    INCLUDE (last_message_id) WHERE last_message_at IS NOT NULL;
DROP INDEX contacts_conversations_idx;
