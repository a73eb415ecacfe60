-- Email for a text that waits (issue 27; docs/decisions.md, Notifications): each person may ask
-- to be emailed when a text in their conversations, or in unassigned ones too, has waited so
-- many minutes unanswered; the message body only if they ask for it.
ALTER TABLE users
    ADD COLUMN email_after_minutes integer CHECK (email_after_minutes BETWEEN 1 AND 720),
    ADD COLUMN email_scope text NOT NULL DEFAULT 'mine'
        CHECK (email_scope IN ('mine', 'mine_and_unassigned')),
    ADD COLUMN email_with_body boolean NOT NULL DEFAULT false;
GRANT UPDATE (email_after_minutes, email_scope, email_with_body) ON users TO textus_app;

-- One row per person, conversation and wait (a wait is named by its first unanswered inbound
-- text), written before the email goes: the row is the claim, so at most one email goes per
-- wait whatever the workers do. sent_at or failed finishes it; a row with neither that is
-- minutes old was left by a worker that died mid-send, and the next run marks it failed.
CREATE TABLE email_alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id    bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    waiting_since bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    failed        text,
    UNIQUE (user_id, contact_id, waiting_since)
);
CREATE INDEX email_alerts_unfinished_idx ON email_alerts (created_at)
    WHERE sent_at IS NULL AND failed IS NULL;

GRANT SELECT, INSERT, UPDATE (sent_at, failed), DELETE ON email_alerts TO textus_app;
