-- Pictures and other media of a message, kept here (issue 28; docs/decisions.md, Media): Twilio
-- asks for the account's credentials on its media URLs, so no page may show them. An inbound
-- item is a row `pending` from the message's own insert, the worker's until it is `stored` or
-- `failed`; a picture staff upload is a row `stored` at once, with no message until a send
-- takes it. After MEDIA_RETENTION_DAYS the worker drops the content (`deleted`). The bytes live
-- in the row: PostgreSQL is the only state, so a backup, a second host and a handler that may
-- write nothing all need nothing more.
-- Each change of an item's state takes the next number: two publishers (the retry's handler and
-- the worker that fetched it) may reach the inbox in either order, and the higher one is newer.
CREATE SEQUENCE media_versions;
CREATE TABLE media (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      bigint REFERENCES messages (id) ON DELETE CASCADE,
    position        smallint NOT NULL DEFAULT 0,   -- its place in the message, from 0
    -- Unguessable: the path of the signed URL Twilio fetches an upload from.
    name            text NOT NULL UNIQUE,
    source_url      text,                          -- inbound: Twilio's URL; NULL for an upload
    content_type    text NOT NULL,                 -- declared by Twilio, then as found
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'stored', 'failed', 'deleted')),
    content         bytea,
    bytes           integer,
    attempts        smallint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_until   timestamptz,                   -- a worker is fetching it until then
    error           text,                          -- why it failed, for staff
    uploaded_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    stored_at       timestamptz,
    version         bigint NOT NULL DEFAULT nextval('media_versions'),
    CHECK ((state = 'stored') = (content IS NOT NULL))
);
CREATE UNIQUE INDEX media_message_idx ON media (message_id, position);
CREATE INDEX media_due_idx ON media (next_attempt_at) WHERE state = 'pending';
CREATE INDEX media_age_idx ON media (created_at) WHERE state <> 'deleted';

-- A message's media as its JSON shows them, in order; [] for none. Read only for a message
-- whose media_urls are not empty (the columns of common/messages/message_store).
CREATE FUNCTION message_media(message bigint) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name,
        'contentType', content_type, 'state', state, 'bytes', bytes, 'error', error,
        'fetched', source_url IS NOT NULL, 'version', version)
        ORDER BY position), '[]')
    FROM media WHERE message_id = message
$$;

-- Inbound media already on record are fetched once, as new ones are.
INSERT INTO media (message_id, position, name, source_url, content_type)
SELECT m.id, u.ordinality - 1, replace(gen_random_uuid()::text, '-', ''), u.value,
       coalesce(nullif(m.media_types ->> (u.ordinality - 1)::int, ''), 'application/octet-stream')
FROM messages m CROSS JOIN LATERAL jsonb_array_elements_text(m.media_urls) WITH ORDINALITY u
WHERE m.direction = 'inbound';

GRANT SELECT, INSERT, UPDATE, DELETE ON media TO textus_app;
GRANT USAGE ON SEQUENCE media_versions TO textus_app;
