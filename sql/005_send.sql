-- Sending (POST /api/crm/sms/send). The row is written before Twilio is called: what a retry
-- with the same Idempotency-Key needs to give the same answer lives on it.
-- A digest of the request that used the key: the key reused for another request is refused.
ALTER TABLE messages ADD COLUMN request_digest text;
-- Our answer when the send did not succeed ({status, code, message}): Twilio refused it, or
-- its fate is unknown (no answer). NULL while in flight and once Twilio accepted it.
ALTER TABLE messages ADD COLUMN send_error jsonb;
-- OPT_IN_REQUEST_TEXT goes at most once per contact per 24 hours.
ALTER TABLE messages ADD COLUMN opt_in_request boolean NOT NULL DEFAULT false;
CREATE INDEX messages_opt_in_request_idx ON messages (contact_id, created_at DESC)
    WHERE opt_in_request;
-- "Has this number had a message from us?" (the opt-out notice goes with the first), and a
-- sync claiming a send whose SID was never stored.
CREATE INDEX messages_to_idx ON messages (to_number) WHERE direction = 'outbound';
