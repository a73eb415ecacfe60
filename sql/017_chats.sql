-- Web-to-text chats (issue 24): one row per initiate. The browser holds the channel id, its
-- bearer secret; we keep its SHA-256. A chat belongs to whoever holds the phone: the first SMS
-- carries a 6-digit code, and until the page is given it the chat sees only what it wrote
-- itself (messages.chat_id). Confirming the code records the form's consent (double opt-in)
-- and closes the number's other chats; a newer initiate closes only unconfirmed ones. A chat
-- never sees a message older than its first (since_message_id). The per-number and hourly
-- initiate limits count these rows.
CREATE TABLE chats (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id       bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    channel_hash     text NOT NULL UNIQUE,
    since_message_id bigint,                   -- the visitor's first message; set with it
    code_hash        text NOT NULL,            -- SHA-256 of channel_hash, ':' and the code
    code_expires_at  timestamptz NOT NULL,
    code_tries       integer NOT NULL DEFAULT 0,
    consent_text     text NOT NULL,            -- as the form showed it
    verified_at      timestamptz,
    closed_at        timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chats_contact_idx ON chats (contact_id, created_at);
CREATE INDEX chats_created_idx ON chats (created_at);
GRANT SELECT, INSERT, UPDATE ON chats TO textus_app;

-- What the visitor wrote in the page belongs to the chat that wrote it.
ALTER TABLE messages ADD COLUMN chat_id bigint REFERENCES chats (id) ON DELETE SET NULL;

-- A web form's opt-in is recorded when the code it sent is confirmed: "code".
ALTER TABLE consent_events ADD COLUMN verified_by text;

-- Chats opened before codes existed proved nothing about who held the phone: they close.
-- The columns stay until no older handler reads them (docs/decisions.md, Deploy).
UPDATE contacts SET chat_channel = NULL, chat_since_id = NULL WHERE chat_channel IS NOT NULL;
