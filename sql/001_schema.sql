-- The whole schema of contract.md §5. Later changes come as new numbered files; this one never
-- changes once applied anywhere.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Times leave the database as RFC 3339 UTC strings.
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

CREATE TABLE contacts (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_name               text NOT NULL,
    last_name                text NOT NULL,
    email                    text,
    phone                    text NOT NULL UNIQUE,            -- E.164
    birthdate                date,
    status                   text NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'contacted', 'qualified', 'nurturing', 'client', 'inactive')),
    tags                     jsonb NOT NULL DEFAULT '[]',     -- array of strings
    notes                    text NOT NULL DEFAULT '',
    source                   text NOT NULL DEFAULT 'staff',   -- staff, web, sms, sync
    sms_opt_in               boolean NOT NULL DEFAULT false,  -- changes only with a consent event
    opted_out_at             timestamptz,
    commerce7_customer_id    text,
    commerce7_sync_state     text NOT NULL DEFAULT 'none'
        CHECK (commerce7_sync_state IN ('none', 'pending', 'synced', 'failed')),
    commerce7_sync_attempts  integer NOT NULL DEFAULT 0,
    commerce7_synced_at      timestamptz,
    chat_channel             text UNIQUE,                     -- the widget's unguessable id
    address                  jsonb,                           -- {street, city, state, zip}
    email_opt_in             boolean NOT NULL DEFAULT false,
    call_opt_in              boolean NOT NULL DEFAULT false,
    preferred_contact_method text CHECK (preferred_contact_method IN ('sms', 'email', 'phone')),
    interests                jsonb,
    assigned_agent           text,
    last_contact_at          timestamptz,
    last_contact_method      text
        CHECK (last_contact_method IN ('sms', 'email', 'phone', 'in-person')),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    -- What staff search matches: name, email and the phone's digits, lower-cased.
    search_text              text GENERATED ALWAYS AS (
        lower(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' ' ||
              regexp_replace(phone, '[^0-9]', '', 'g'))) STORED
);
-- fastupdate off: a pending list of fresh entries would be scanned linearly by every search.
CREATE INDEX contacts_search_idx ON contacts USING gin (search_text gin_trgm_ops)
    WITH (fastupdate = off);
CREATE INDEX contacts_status_idx ON contacts (status);
CREATE INDEX contacts_commerce7_pending_idx ON contacts (id)
    WHERE commerce7_sync_state IN ('pending', 'failed');

CREATE TABLE messages (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid               text UNIQUE,                 -- Twilio's; NULL until Twilio accepted it
    contact_id        bigint REFERENCES contacts (id) ON DELETE SET NULL,
    direction         text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    channel           text NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms', 'web')),
    from_number       text NOT NULL,
    to_number         text NOT NULL,
    body              text NOT NULL DEFAULT '',
    media_urls        jsonb NOT NULL DEFAULT '[]',
    status            text NOT NULL,
    error_code        integer,
    error_message     text,
    segments          integer,
    price             text,                        -- Twilio's decimal string, e.g. "-0.00790"
    price_unit        text,
    sent_by           text,                        -- staff key name for outbound
    idempotency_key   text UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    twilio_created_at timestamptz,
    delivered_at      timestamptz,
    read_at           timestamptz
);
CREATE INDEX messages_contact_idx ON messages (contact_id, created_at DESC, id DESC);
CREATE INDEX messages_recent_idx ON messages (created_at DESC, id DESC);
CREATE INDEX messages_unread_idx ON messages (contact_id)
    WHERE direction = 'inbound' AND read_at IS NULL;

-- Append-only: the TCPA record. It keeps the phone so that it outlives a deleted contact.
CREATE TABLE consent_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  bigint REFERENCES contacts (id) ON DELETE SET NULL,
    phone       text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('opt_in', 'opt_out', 'help')),
    source      text NOT NULL CHECK (source IN ('web', 'keyword', 'staff')),
    detail      text,                              -- the keyword, or the consent text shown
    ip          text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_events_contact_idx ON consent_events (contact_id, created_at DESC);
CREATE INDEX consent_events_phone_idx ON consent_events (phone, created_at DESC);
-- The only change allowed is the foreign key's own ON DELETE SET NULL.
CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.contact_id IS NULL
       AND (NEW.id, NEW.phone, NEW.kind, NEW.source, NEW.detail, NEW.ip, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.phone, OLD.kind, OLD.source, OLD.detail, OLD.ip, OLD.created_at) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_events is append-only';
END
$$;
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    lookup_id   text NOT NULL UNIQUE,              -- first 12 hex digits of the key
    key_hash    text NOT NULL,                     -- SHA-256 of the whole key, hex
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX api_keys_active_name_idx ON api_keys (name) WHERE revoked_at IS NULL;
