-- Web-to-text chat (POST /api/twilio/initiate, /api/chat/{channel}/messages). A contact has at
-- most one open chat: chat_channel holds the SHA-256 (hex) of its channel id, never the id,
-- which is the visitor's bearer secret; a newer initiate for the number replaces it, which
-- closes the older one. The chat shows the contact's messages from chat_since_id on: what
-- happened since that initiate, never earlier texts of the number.
ALTER TABLE contacts ADD COLUMN chat_since_id bigint;
