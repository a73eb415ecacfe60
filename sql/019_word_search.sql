-- Conversation search finds the start of words in message bodies, in the order typed (issue
-- 26; decisions.md, Messages and conversations). A body's words are PostgreSQL's own (the
-- 'simple' configuration: the default parser, lower-cased, no stemming), kept as each word
-- with the word after it, "yes thank", or with nothing, "you ": so one lexeme answers two
-- words in a row ('yes thank':* is "yes" then a word starting "thank"), and a single word
-- is the start of some lexeme ('thank':*). An index of single words had to read every
-- message holding "yes" and every one holding "thank" to find "yes thank" (84,000 of a
-- million, 160 ms); its pair is in 1%.
--
-- A pair longer than a lexeme may be (2,047 bytes; array_to_tsvector would cut it short
-- without a word) keeps only its first word. to_tsvector drops longer words itself.
CREATE FUNCTION word_pairs(body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT w.lexeme || ' ' ||
               CASE WHEN lead(w.pos) OVER in_order = w.pos + 1
                         AND octet_length(w.lexeme) + octet_length(lead(w.lexeme) OVER in_order) < 2047
                    THEN lead(w.lexeme) OVER in_order ELSE '' END
        FROM (SELECT u.lexeme, p AS pos
              FROM unnest(to_tsvector('simple', body)) u, unnest(u.positions) p) w
        WINDOW in_order AS (ORDER BY w.pos)))
$$;

-- Stored, not computed per row: a search walks the newest messages and tests each (0.4 us
-- against 35 us to compute it). This rewrites the table (about a minute per million messages,
-- writes wait meanwhile); the previous build's handlers keep working, their LIKE search
-- without the trigram index it no longer needs.
ALTER TABLE messages ADD COLUMN body_pairs tsvector GENERATED ALWAYS AS (word_pairs(body)) STORED;
-- fastupdate off: a pending list of fresh entries would be scanned linearly by every search.
CREATE INDEX messages_body_pairs_idx ON messages USING gin (body_pairs) WITH (fastupdate = off);
DROP INDEX messages_body_search_idx;
ANALYZE messages;
