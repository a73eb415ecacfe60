-- Conversation search finds the start of words in message bodies, in the order typed (issue
-- 26; decisions.md, Messages and conversations). A body's words are PostgreSQL's own (the
-- 'simple' configuration: the default parser, lower-cased, no stemming), kept as each word
-- with the word after it, "yes thank", or with nothing, "you ": so one lexeme answers two
-- words in a row ('yes thank':* is "yes" then a word starting "thank"), and a single word is
-- the start of some lexeme ('thank':*). An index of single words read every message holding
-- "yes" and every one holding "thank" to find "yes thank" (84,000 of a million, 160 ms); the
-- pair is in 1%. A word of more than 1,000 bytes is left out, so that a pair with its month
-- (below) is never longer than a lexeme may be (2,047 bytes; array_to_tsvector garbles a longer one).
CREATE FUNCTION word_pairs(body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT w.lexeme || ' ' ||
               CASE WHEN lead(w.pos) OVER in_order = w.pos + 1
                    THEN lead(w.lexeme) OVER in_order ELSE '' END
        FROM (SELECT u.lexeme, p AS pos
              FROM unnest(to_tsvector('simple', body)) u, unnest(u.positions) p
              WHERE octet_length(u.lexeme) <= 1000) w
        WINDOW in_order AS (ORDER BY w.pos)))
$$;

-- Months since year 0, in UTC: a message's month, which its pairs are indexed under.
CREATE FUNCTION message_month(at timestamptz) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (extract(year FROM at AT TIME ZONE 'UTC') * 12
            + extract(month FROM at AT TIME ZONE 'UTC') - 1)::integer
$$;

-- Pairs under their month, "24323 yes thank": a search asks for one month at a time, newest
-- first, and stops at its cap, so it reads the matches of the months it needs and not those of
-- every month (a pair in 1% of a million messages: 10,000 matches to read and sort, 25 ms;
-- about 900 a month, 5 ms).
CREATE FUNCTION month_pairs(at timestamptz, pairs tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(SELECT message_month(at) || ' ' || u.lexeme FROM unnest(pairs) u))
$$;

-- Stored, not computed per row: a search walks the newest messages and tests each (0.2 us,
-- against 34 us to compute). This rewrites the table and builds the index (80 s at a million
-- messages, statements on messages waiting meanwhile: operations.md); the previous build's
-- handlers keep working, their LIKE search without the trigram index it no longer needs.
ALTER TABLE messages ADD COLUMN body_pairs tsvector GENERATED ALWAYS AS (word_pairs(body)) STORED;
-- A small pending list (64 kB, against the default 4 MB), as sql/021 explains for both indexes
-- an inbound text writes: every search scans it linearly, so it is kept short.
CREATE INDEX messages_month_pairs_idx ON messages USING gin (month_pairs(created_at, body_pairs))
    WITH (fastupdate = on, gin_pending_list_limit = 64);
DROP INDEX messages_body_search_idx;
ANALYZE messages;

-- The names side of a search walks the newest conversations and tests each contact's
-- search_text: from an index that carries it, with no visit to the table where the page is
-- all-visible ("garcia", in 4% of 100,000 contacts: 17 ms reading 11,000 contacts, 4 ms from
-- this index). Beside 006's, half its size, which the list and its count read: without it the
-- count read the table (21 ms; 6 ms from 006's).
CREATE INDEX contacts_conversations_search_idx ON contacts (last_message_at DESC, id DESC)
    INCLUDE (last_message_id, search_text) WHERE last_message_at IS NOT NULL;
