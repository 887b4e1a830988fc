-- The editorial board of a commune: its accounts and sessions, the
-- workflow every item goes through before citizens see it, each item's
-- revisions and transitions, and the in-app notifications. Tenant-owned, so
-- forced row-level security as everywhere (end of file).

-- A member of a commune's board: head (trưởng ban), deputy (phó trưởng ban),
-- member (ủy viên) or contributor (cán bộ, công chức who send material).
CREATE TABLE board_accounts (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- Stored lowercase: one address is one account within a commune.
    email                 text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%' AND length(email) <= 254),
    name                  text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role                  text NOT NULL CHECK (role IN ('head', 'deputy', 'member', 'contributor')),
    -- Argon2id, in the PHC string format.
    password_hash         text NOT NULL,
    must_change_password  boolean NOT NULL DEFAULT true,
    active                boolean NOT NULL DEFAULT true,
    failed_attempts       integer NOT NULL DEFAULT 0,
    locked_until          timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at       timestamptz,
    UNIQUE (tenant_id, email),
    UNIQUE (tenant_id, id)
);

-- Signed-in board members. Only a hash of the token is kept.
CREATE TABLE board_sessions (
    token_hash   text PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id   uuid NOT NULL,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    origin       text NOT NULL,
    FOREIGN KEY (tenant_id, account_id) REFERENCES board_accounts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX board_sessions_account ON board_sessions (account_id);

-- The workflow's states (see shared/board/src/workflow.rs for the moves
-- between them). `published` items are what citizens see; `scheduled` ones
-- go out at `publish_at` by the publishing job.
ALTER TABLE items DROP CONSTRAINT items_status_check;
ALTER TABLE items ADD CONSTRAINT items_status_check CHECK (status IN (
    'draft', 'submitted', 'assigned', 'edited', 'awaiting_approval',
    'returned', 'scheduled', 'published', 'withdrawn'));
ALTER TABLE items
    ADD COLUMN created_by      uuid,
    ADD COLUMN assigned_to     uuid,
    -- When it should be out by (a contributor's wish or the board's plan).
    ADD COLUMN target_date     date,
    ADD COLUMN publish_at      timestamptz,
    ADD COLUMN submitted_at    timestamptz,
    ADD COLUMN withdrawn_reason text NOT NULL DEFAULT '' CHECK (length(withdrawn_reason) <= 2000),
    -- Optimistic locking: a save names the version it started from.
    ADD COLUMN version         integer NOT NULL DEFAULT 1,
    ADD CONSTRAINT items_created_by FOREIGN KEY (tenant_id, created_by) REFERENCES board_accounts (tenant_id, id),
    ADD CONSTRAINT items_assigned_to FOREIGN KEY (tenant_id, assigned_to) REFERENCES board_accounts (tenant_id, id),
    ADD CONSTRAINT items_scheduled_has_time CHECK (status <> 'scheduled' OR publish_at IS NOT NULL);
CREATE INDEX items_due ON items (publish_at) WHERE status = 'scheduled';
CREATE INDEX items_workflow ON items (tenant_id, status, updated_at DESC);

-- Every saved version of an item's text, so changes can be compared and
-- restored. A correction to a published item waits here (pending) while the
-- live version stays up, until it is approved.
CREATE TABLE item_revisions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id     uuid NOT NULL,
    title       text NOT NULL,
    summary     text NOT NULL,
    body        text NOT NULL,
    saved_by    uuid,
    saved_at    timestamptz NOT NULL DEFAULT now(),
    -- A correction of a published item not yet approved.
    pending     boolean NOT NULL DEFAULT false,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, saved_by) REFERENCES board_accounts (tenant_id, id)
);
CREATE INDEX item_revisions_item ON item_revisions (item_id, id DESC);

-- Every move of the workflow: who, when, from what to what, and why.
CREATE TABLE item_transitions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id     uuid NOT NULL,
    action      text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    -- NULL when the platform itself acted (the publishing job).
    actor_id    uuid,
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
    at          timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, actor_id) REFERENCES board_accounts (tenant_id, id)
);
CREATE INDEX item_transitions_item ON item_transitions (item_id, id);
CREATE INDEX item_transitions_recent ON item_transitions (tenant_id, at DESC);

-- What the board is told in the app: assigned to you, approval needed,
-- returned, published.
CREATE TABLE board_notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL,
    item_id     uuid,
    message     text NOT NULL CHECK (length(message) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    FOREIGN KEY (tenant_id, account_id) REFERENCES board_accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX board_notifications_unread ON board_notifications (account_id, created_at DESC) WHERE read_at IS NULL;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['board_accounts', 'board_sessions', 'item_revisions',
                             'item_transitions', 'board_notifications']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = congxa_current_tenant())
                            WITH CHECK (tenant_id = congxa_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO congxa_app', t);
    END LOOP;
END
$$;

-- The publishing job runs for every commune at once: it finds what is due
-- across communes through this function, which runs as its owner (so past
-- row-level security) but only returns ids and communes, never content.
CREATE FUNCTION congxa_due_items(due_by timestamptz, max_items integer)
    RETURNS TABLE (tenant_id uuid, item_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT tenant_id, id FROM items
          WHERE status = 'scheduled' AND publish_at <= due_by
          ORDER BY publish_at LIMIT max_items $$;
REVOKE ALL ON FUNCTION congxa_due_items(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION congxa_due_items(timestamptz, integer) TO congxa_app;
