-- Internal notes in a conversation (issue 27; docs/decisions.md, Notes and mentions): staff
-- write them to each other in the thread. They are not messages: nothing sends them and no
-- sync or delivery path reads this table. A conversation search finds them (the GIN).
CREATE TABLE notes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    author_id   bigint REFERENCES users (id),  -- NULL: a key of nobody wrote it
    author_name text NOT NULL,                 -- as shown then: the person's name, or the key's
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_contact_idx ON notes (contact_id, created_at DESC, id DESC);
CREATE INDEX notes_words_idx ON notes USING gin (to_tsvector('simple', body));

-- Whom a note names (@name), to tell them; read once they have seen it.
CREATE TABLE mentions (
    note_id bigint NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id),
    read_at timestamptz,
    PRIMARY KEY (note_id, user_id)
);
CREATE INDEX mentions_unread_idx ON mentions (user_id, note_id) WHERE read_at IS NULL;

GRANT SELECT, INSERT ON notes TO textus_app;
GRANT SELECT, INSERT, UPDATE (read_at) ON mentions TO textus_app;
