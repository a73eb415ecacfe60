-- What people did that an owner may need to answer for later (issue 27; docs/decisions.md,
-- People and sign-in): sign-ins (failed ones too), people and keys made, passwords reset,
-- contacts deleted, campaigns started and paused. Consent changed by staff is already kept,
-- append-only, in consent_events; GET /api/crm/audit reads both. Append-only, as that table is.
CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    action      text NOT NULL,
    actor       text NOT NULL,   -- 'person ID', 'key NAME', 'textus-admin', or 'anonymous'
    subject     text,            -- what it acted on: 'person ID', 'key NAME', 'contact ID', ...
    detail      text,            -- a reason, never a password, a token or what someone typed
    ip          text
);
CREATE INDEX audit_events_created_idx ON audit_events (created_at DESC, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

GRANT SELECT, INSERT ON audit_events TO textus_app;
