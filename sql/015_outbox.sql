-- The outbox (docs/decisions.md, The outbox): every outbound text is committed as queued
-- before any outside call and has an owner until Twilio has it or refused it.
--
-- owner_until: while in the future, one process (the route that wrote the row, or a worker
-- sender) may be handing the row to Twilio, and nobody else touches it. NULL on a queued row:
-- nobody has tried it, and the worker delivers it. Past, with the row still queued and without
-- a SID: its owner stopped without an answer (killed, or Twilio's fate unknown), so the worker
-- looks it up at Twilio before it would send it again.
ALTER TABLE messages ADD COLUMN owner_until timestamptz;
-- How often the row was handed to Twilio: a row whose fate stayed unknown goes once more at
-- most (kMaxAttempts).
ALTER TABLE messages ADD COLUMN attempts integer NOT NULL DEFAULT 0;
-- An inbound text whose auto-reply the worker has yet to decide: the webhook only writes the
-- text, so that nothing about a reply can cost it.
ALTER TABLE messages ADD COLUMN auto_reply_pending boolean NOT NULL DEFAULT false;

-- Rows sent before the outbox had owners: a queued one without a SID is past its owner.
UPDATE messages SET owner_until = created_at, attempts = 1
    WHERE direction = 'outbound' AND status = 'queued' AND sid IS NULL;

CREATE INDEX messages_outbox_idx ON messages (owner_until NULLS FIRST, id)
    WHERE direction = 'outbound' AND status = 'queued' AND sid IS NULL;
CREATE INDEX messages_auto_reply_pending_idx ON messages (id) WHERE auto_reply_pending;
-- Twilio recommends a daily reconciliation: a message with a SID whose status is not final a
-- day after it was written is fetched from Twilio once a day for a week (owner_until: the next
-- look), in case a status callback was lost.
CREATE INDEX messages_stale_idx ON messages (created_at)
    WHERE direction = 'outbound' AND sid IS NOT NULL
      AND status IN ('scheduled', 'accepted', 'queued', 'sending', 'sent', 'partially_delivered');
