-- Auto-replies (docs/decisions.md, Auto-replies): answers the webhook sends on its own, after
-- the keywords Twilio handles (STOP, START, HELP and theirs), through the send path. A keyword
-- rule answers a text that is exactly its keyword (trimmed, any case; stored in upper case);
-- the one away rule answers outside its business hours, once per contact in 12 hours.
CREATE TABLE auto_replies (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('keyword', 'away')),
    keyword    text,
    hours      jsonb,          -- {"mon": "09:00-17:00", ..., "sun": null}, in DEFAULT_TIME_ZONE
    body       text NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'keyword') = (keyword IS NOT NULL)),
    CHECK ((kind = 'away') = (hours IS NOT NULL))
);
CREATE UNIQUE INDEX auto_replies_keyword_idx ON auto_replies (keyword) WHERE kind = 'keyword';
CREATE UNIQUE INDEX auto_replies_away_idx ON auto_replies (kind) WHERE kind = 'away';

GRANT SELECT, INSERT, UPDATE, DELETE ON auto_replies TO textus_app;
