-- Inbound MMS: each media URL's content type, in the order of media_urls.
ALTER TABLE messages ADD COLUMN media_types jsonb NOT NULL DEFAULT '[]';

-- Conversations list one row per contact, newest first: the contact keeps its latest
-- message's time and id, written with every message, so the list is an index scan.
ALTER TABLE contacts ADD COLUMN last_message_at timestamptz;
ALTER TABLE contacts ADD COLUMN last_message_id bigint;
CREATE INDEX contacts_conversations_idx ON contacts (last_message_at DESC, id DESC)
    WHERE last_message_at IS NOT NULL;
-- Status callbacks find their message by SID; inbound messages by sender for "texted us first".
CREATE INDEX messages_from_idx ON messages (from_number) WHERE direction = 'inbound';
-- Conversations search message bodies too, case-folded like contacts' search_text.
CREATE INDEX messages_body_search_idx ON messages USING gin (lower(body) gin_trgm_ops)
    WITH (fastupdate = off);
