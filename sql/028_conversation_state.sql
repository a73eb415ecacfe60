-- A conversation's place in the team's work (issue 27; docs/decisions.md, Working the
-- conversations): who has it, if anyone, and whether it is open, closed, or snoozed until a time.
-- Kept on the contact beside its latest message: the update that every new message makes there
-- already (message_store's kLatest) reopens it on an inbound text in the same row write, at no
-- cost to the webhook.
ALTER TABLE contacts
    ADD COLUMN assignee_id bigint REFERENCES users (id),
    ADD COLUMN conversation_status text NOT NULL DEFAULT 'open'
        CHECK (conversation_status IN ('open', 'closed', 'snoozed')),
    ADD COLUMN snoozed_until timestamptz,
    ADD CONSTRAINT contacts_snooze_check
        CHECK ((conversation_status = 'snoozed') = (snoozed_until IS NOT NULL));

-- The worker's due snoozes. Partial: a text to an open conversation adds nothing to it.
CREATE INDEX contacts_snoozed_idx ON contacts (snoozed_until)
    WHERE conversation_status = 'snoozed';

-- The work in hand, open and snoozed, newest first: the list of a status, and the counts of
-- mine, unassigned and all, read here without the closed history (most conversations, in
-- time). A text to an open conversation adds an entry, as it does to each contacts index: the
-- latest-message update cannot be HOT.
CREATE INDEX contacts_working_idx ON contacts (conversation_status, last_message_at DESC, id DESC)
    INCLUDE (assignee_id) WHERE conversation_status <> 'closed' AND last_message_at IS NOT NULL;

-- Conversations from before stay open only where a text waits for an answer (the latest
-- message is inbound, or one is unread); the rest are closed, so that Open is what needs doing,
-- not the years behind it. The next inbound text opens one again.
UPDATE contacts c SET conversation_status = 'closed'
WHERE c.last_message_at IS NOT NULL
  AND NOT EXISTS (SELECT FROM messages m WHERE m.id = c.last_message_id
                  AND m.direction = 'inbound')
  AND NOT EXISTS (SELECT FROM messages m WHERE m.contact_id = c.id
                  AND m.direction = 'inbound' AND m.read_at IS NULL);
