-- Scheduled sends (docs/decisions.md, Scheduled sends): a send request kept until its time.
-- When it is due, `textus-admin run-due` sends it through the one send path (common/send), as
-- if staff sent it then, with the Idempotency-Key "scheduled-<id>": two workers, or a worker
-- killed and run again, never send it twice.
CREATE TABLE scheduled_sends (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id      bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    body            text NOT NULL DEFAULT '',
    template_id     bigint REFERENCES sms_templates (id) ON DELETE SET NULL,
    media_urls      jsonb NOT NULL DEFAULT '[]',
    send_at         timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled', 'sending', 'sent', 'failed', 'canceled')),
    -- A worker's claim on a 'sending' row: past it, another worker takes the row over.
    claimed_until   timestamptz,
    message_id      bigint REFERENCES messages (id) ON DELETE SET NULL,
    error           jsonb,                       -- why it failed: {status, code, message}
    created_by      text NOT NULL,               -- the staff key's name
    idempotency_key text UNIQUE,
    request_digest  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_sends_due_idx ON scheduled_sends (send_at) WHERE status = 'scheduled';
CREATE INDEX scheduled_sends_claimed_idx ON scheduled_sends (claimed_until)
    WHERE status = 'sending';

GRANT SELECT, INSERT, UPDATE ON scheduled_sends TO textus_app;
