-- Which open web chats see a message (docs/decisions.md, web chat): its own chat, and every
-- confirmed chat of its contact for an SMS, from each chat's first message on. A function of
-- the message's columns, so that the webhook's one statement can ask it of the row it is
-- inserting, which the statement itself cannot read back from the table.
CREATE FUNCTION chat_audience(contact_id bigint, message_id bigint, chat_id bigint, channel text)
RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(ch.channel_hash ORDER BY ch.id), '{}') FROM chats ch
    WHERE ch.contact_id = $1 AND ch.closed_at IS NULL AND ch.since_message_id <= $2
    AND (ch.id = $3 OR (ch.verified_at IS NOT NULL AND $4 = 'sms'))
$$;
