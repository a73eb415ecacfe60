-- Bulk campaigns (docs/decisions.md, Campaigns): one text to many contacts, resolved once into
-- campaign_recipients when the campaign is created, and sent by `textus-admin run-due` through
-- the one send path, paced to CAMPAIGN_RATE across all campaigns (Twilio's rate is per number).
CREATE TABLE campaigns (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    body         text NOT NULL,            -- rendered for each recipient (a template's, copied)
    template_id  bigint REFERENCES sms_templates (id) ON DELETE SET NULL,
    filter       jsonb,                    -- what picked the recipients; null for a list of ids
    status       text NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active', 'paused', 'completed')),
    -- Why the worker paused it on its own (Twilio unreachable or refusing our credentials).
    paused_error jsonb,
    send_at      timestamptz NOT NULL,
    created_by   text NOT NULL,
    idempotency_key text UNIQUE,
    request_digest  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaigns_due_idx ON campaigns (send_at, id) WHERE status = 'active';

-- pending -> sending (its message row committed, before Twilio is called) or skipped. What
-- became of a sent one is its message's status: one record of it, which callbacks move on.
CREATE TABLE campaign_recipients (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id  bigint REFERENCES contacts (id) ON DELETE SET NULL,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'skipped', 'failed')),
    skip_reason text CHECK (skip_reason IN ('opted_out', 'not_opted_in', 'invalid_number',
                                            'contact_deleted')),
    not_before  timestamptz,               -- held for the end of quiet hours
    message_id  bigint REFERENCES messages (id) ON DELETE SET NULL,
    error       jsonb,                     -- a send refused before Twilio: {status, code, message}
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, contact_id),
    CHECK ((status = 'skipped') = (skip_reason IS NOT NULL))
);
CREATE INDEX campaign_recipients_pending_idx ON campaign_recipients (campaign_id, id)
    WHERE status = 'pending';
CREATE INDEX campaign_recipients_message_idx ON campaign_recipients (message_id);

-- The next moment a paced campaign message may go, shared by every worker: the one row is
-- locked while a worker takes its turn.
CREATE TABLE campaign_pace (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    next_send_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO campaign_pace DEFAULT VALUES;

GRANT SELECT, INSERT, UPDATE ON campaigns, campaign_recipients TO textus_app;
GRANT SELECT, UPDATE ON campaign_pace TO textus_app;
