-- Merging communes (the 2025 reorganisation and any later one): the old
-- communes' content moves into the new one, their addresses keep working by
-- redirecting each old URL to where its item now lives, and the platform
-- remembers what was merged into what. Also what export and import need.

-- A merged commune stays as a row (its slug and history must resolve) but
-- serves nothing of its own: every request to it is redirected.
ALTER TABLE tenants DROP CONSTRAINT tenants_status_check;
ALTER TABLE tenants
    ADD CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended', 'merged')),
    ADD COLUMN merged_into uuid REFERENCES tenants (id),
    -- Visits counted before the commune's counter started here: those of an
    -- old portal, or of communes merged into this one. The site's counter
    -- adds it to what Redis counts.
    ADD COLUMN visits_offset bigint NOT NULL DEFAULT 0 CHECK (visits_offset >= 0),
    ADD CONSTRAINT tenants_merged_has_target CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
    ADD CONSTRAINT tenants_not_merged_into_itself CHECK (merged_into <> id);
CREATE INDEX tenants_merged_into ON tenants (merged_into) WHERE merged_into IS NOT NULL;

-- A domain that came with a merged commune: the gateway maps its old URLs
-- through that commune's moved paths. No foreign key, so that an archive
-- can be imported on a platform that never knew the old commune.
ALTER TABLE tenant_domains ADD COLUMN merged_from uuid;

-- Where each old URL of a merged commune went, when it did not stay the
-- same (items renamed to avoid a clash, schedule weeks folded together).
-- Paths without a row keep their path on the new commune's site.
CREATE TABLE merged_paths (
    from_tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- Without the leading slash, as the sections' and items' paths.
    from_path       text NOT NULL,
    to_path         text NOT NULL,
    PRIMARY KEY (from_tenant_id, from_path)
);

-- The record of each merge: which commune went into which, when, by whom,
-- and how much moved. Platform-level, like the audit log.
CREATE TABLE tenant_merges (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    from_tenant_id  uuid NOT NULL REFERENCES tenants (id),
    from_slug       text NOT NULL,
    from_name       text NOT NULL,
    merged_at       timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    moved           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX tenant_merges_tenant ON tenant_merges (tenant_id, merged_at);

GRANT SELECT, INSERT ON merged_paths, tenant_merges TO congxa_app;
GRANT UPDATE ON merged_paths TO congxa_app;

-- Where an item came from when it moved in with a merged commune: the old
-- commune's name and the item's old address. No foreign key, for the same
-- reason as above.
ALTER TABLE items
    ADD COLUMN origin_tenant_id uuid,
    ADD COLUMN origin_name      text CHECK (length(origin_name) <= 200),
    ADD COLUMN origin_path      text CHECK (length(origin_path) <= 500);

-- A merge or an import moves a commune's rows table by table, each under
-- that commune's row-level security; in between, references between tables
-- are briefly incomplete. Every foreign key can therefore be checked at the
-- end of the transaction when it asks (SET CONSTRAINTS ALL DEFERRED); it is
-- still checked at once otherwise.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT conrelid::regclass AS tbl, conname
        FROM pg_constraint
        WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND NOT condeferrable
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE',
                       c.tbl, c.conname);
    END LOOP;
END
$$;
