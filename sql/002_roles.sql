-- The handlers' privileges (docs/decisions.md, Database). Handlers log in as a role that is a
-- member of textus_app; migrations and textus-admin run as the owner of the tables, which
-- applies this file. Every later migration that adds a table grants textus_app what the
-- handlers need of it, and no more.

-- The role may exist already: deploy/postgres creates it, and an owner without CREATEROLE
-- needs the sysadmin to have created it beforehand.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'textus_app') THEN
        CREATE ROLE textus_app NOLOGIN;
    END IF;
END
$$;

-- INSERT needs no privilege on the identity columns' sequences.
GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO textus_app;
GRANT SELECT, INSERT, UPDATE ON messages TO textus_app;
-- The TCPA record: the handlers add to it and read it, never change it.
GRANT SELECT, INSERT ON consent_events TO textus_app;
-- Staff keys are created and revoked by textus-admin, as the owner.
GRANT SELECT ON api_keys, schema_migrations TO textus_app;

-- The append-only trigger of 001 does not see TRUNCATE; this one refuses it, the owner's too.
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only();
