-- People who sign in to the inbox (issue 27; docs/decisions.md, People and sign-in). The email
-- is the login, unique whatever its case. The password is kept only as libsodium's Argon2id
-- string (common/core/password). Failed sign-ins in a row lock the account for a while.
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL,
    display_name    text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
    password_hash   text NOT NULL,
    failed_sign_ins integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

-- A signed-in browser: the cookie holds 256 random bits, the table their SHA-256 only. A
-- session ends at sign-out, after 12 hours unused, or 7 days after it began (common/http/sessions).
CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- People are created by textus-admin, as the owner; the handlers check passwords, count
-- failures and keep sessions.
GRANT SELECT, UPDATE (failed_sign_ins, locked_until) ON users TO textus_app;
GRANT SELECT, INSERT, UPDATE (last_seen_at, ended_at) ON sessions TO textus_app;
