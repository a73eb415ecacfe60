-- Tracked links (issue 29; docs/decisions.md, Tracked links): each {link:URL} of an outbound text
-- becomes, for its recipient, PUBLIC_BASE_URL/l/CODE. A click is counted on the link itself, so
-- a report knows per message and recipient who clicked, how often, first and last; nothing of
-- the clicker (their address lives only in nginx's rate limit).
CREATE TABLE links (
    code             text PRIMARY KEY,
    url              text NOT NULL,
    message_id       bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    contact_id       bigint REFERENCES contacts (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    clicks           integer NOT NULL DEFAULT 0,
    first_clicked_at timestamptz,
    last_clicked_at  timestamptz
);
CREATE INDEX links_message_idx ON links (message_id);

GRANT SELECT, INSERT, UPDATE (clicks, first_clicked_at, last_clicked_at) ON links TO textus_app;
