-- The owner makes and revokes keys over HTTP too (issue 27; textus-auth's /api/crm/keys), as
-- textus-admin does. The handlers may set revoked_at; no one may clear it, nor change what a key
-- is: a revoked key stays revoked.
GRANT INSERT, UPDATE (revoked_at) ON api_keys TO textus_app;

CREATE FUNCTION api_keys_stay_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL
       OR (NEW.id, NEW.name, NEW.lookup_id, NEW.key_hash, NEW.created_at, NEW.user_id)
          IS DISTINCT FROM (OLD.id, OLD.name, OLD.lookup_id, OLD.key_hash, OLD.created_at, OLD.user_id) THEN
        RAISE EXCEPTION 'a staff key is only ever revoked';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER api_keys_stay_revoked BEFORE UPDATE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION api_keys_stay_revoked();
