-- The same three functions, with the same results, in PL/pgSQL instead of SQL. A SQL function
-- that PostgreSQL cannot inline (these hold a subquery or an aggregate) is parsed and planned
-- again in every statement that calls it; PL/pgSQL keeps its plans for the connection's life.
-- An inbound text calls all three (word_pairs for its stored body_pairs, month_pairs for its
-- index entry, chat_audience for who sees it): a third of PostgreSQL's CPU per text went to
-- planning them, 1.1 ms against 0.73 ms a text with pgbench on the webhook's statement (issue
-- 26). The stored pairs and the index stay valid: the functions answer as before.
CREATE OR REPLACE FUNCTION word_pairs(body text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN array_to_tsvector(ARRAY(
        SELECT w.lexeme || ' ' ||
               CASE WHEN lead(w.pos) OVER in_order = w.pos + 1
                    THEN lead(w.lexeme) OVER in_order ELSE '' END
        FROM (SELECT u.lexeme, p AS pos
              FROM unnest(to_tsvector('simple', body)) u, unnest(u.positions) p
              WHERE octet_length(u.lexeme) <= 1000) w
        WINDOW in_order AS (ORDER BY w.pos)));
END
$$;

CREATE OR REPLACE FUNCTION month_pairs(at timestamptz, pairs tsvector) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN array_to_tsvector(ARRAY(
        SELECT message_month(at) || ' ' || u.lexeme FROM unnest(pairs) u));
END
$$;

CREATE OR REPLACE FUNCTION chat_audience(contact_id bigint, message_id bigint, chat_id bigint,
                                         channel text)
    RETURNS text[] LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(ch.channel_hash ORDER BY ch.id), '{}') FROM chats ch
            WHERE ch.contact_id = $1 AND ch.closed_at IS NULL AND ch.since_message_id <= $2
            AND (ch.id = $3 OR (ch.verified_at IS NOT NULL AND $4 = 'sms')));
END
$$;
