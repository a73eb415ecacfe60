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
