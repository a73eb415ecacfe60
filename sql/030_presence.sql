-- Who is looking at which conversation (issue 27; docs/decisions.md, Two people in one thread):
-- each signed-in inbox says so every 20 seconds while a thread is open; a person looks at one
-- thread at a time, and a look older than 45 seconds no longer counts.
CREATE TABLE presence (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    contact_id bigint REFERENCES contacts (id) ON DELETE CASCADE,  -- NULL: none, they left
    seen_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_contact_idx ON presence (contact_id, seen_at);

GRANT SELECT, INSERT, UPDATE ON presence TO textus_app;
