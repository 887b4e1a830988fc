-- Operators: provincial (or former district) IT staff who run the platform
-- through the console on the platform domain. An operator is scoped to one
-- region (its communes, and those of its former districts) or, with no
-- region, to the whole platform.
CREATE TABLE operators (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored lowercase, so one address is one account.
    email                 text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name                  text NOT NULL CHECK (length(btrim(name)) > 0),
    -- Argon2id, in the PHC string format.
    password_hash         text NOT NULL,
    region_id             uuid REFERENCES regions (id),
    -- A one-time password handed out on creation must be replaced at the
    -- first sign-in.
    must_change_password  boolean NOT NULL DEFAULT true,
    active                boolean NOT NULL DEFAULT true,
    failed_attempts       integer NOT NULL DEFAULT 0,
    locked_until          timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at       timestamptz
);

-- Signed-in operators. Only a hash of the session token is kept, so a copy
-- of this table cannot be used to sign in.
CREATE TABLE operator_sessions (
    token_hash    text PRIMARY KEY,
    operator_id   uuid NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    -- Sent back in every form; a state-changing request without it is refused.
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    origin        text NOT NULL
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON operators, operator_sessions TO congxa_app;
