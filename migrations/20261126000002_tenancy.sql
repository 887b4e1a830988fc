-- Tenancy for operators: regions, the kind and region of each commune,
-- change notifications for the gateways' caches, and the operators' audit log.

-- The province, and optionally a former district as a grouping of communes
-- (districts were abolished in 2025, but many provinces still group by them).
CREATE TABLE regions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Short ASCII code used on the command line: 'haiphong', 'haiphong-vinhbao'.
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    name        text NOT NULL CHECK (length(btrim(name)) > 0),
    kind        text NOT NULL CHECK (kind IN ('province', 'former_district')),
    parent_id   uuid REFERENCES regions (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- A province stands alone; a former district belongs to a province.
    CHECK ((kind = 'province') = (parent_id IS NULL))
);

-- xã, phường or đặc khu: the three kinds of commune-level unit since 2025.
ALTER TABLE tenants
    ADD COLUMN kind text NOT NULL DEFAULT 'xa' CHECK (kind IN ('xa', 'phuong', 'dac_khu')),
    ADD COLUMN region_id uuid REFERENCES regions (id),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX tenants_region ON tenants (region_id, slug);
CREATE INDEX tenants_status ON tenants (status, slug);

GRANT SELECT, INSERT, UPDATE, DELETE ON regions TO congxa_app;

-- Every gateway keeps tenants and domains in memory; any change to them, from
-- any replica, the CLI or plain SQL, tells every gateway to forget what it
-- knows. Statement-level, so a bulk change sends one notification.
CREATE FUNCTION congxa_notify_tenancy_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('congxa_tenancy', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION congxa_notify_tenancy_changed();
CREATE TRIGGER tenant_domains_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenant_domains
    FOR EACH STATEMENT EXECUTE FUNCTION congxa_notify_tenancy_changed();

-- What operators did, for audit (Law 148/2025 Art. 8: protected activity
-- logs). Append-only for the application role: it may add rows, never change
-- or remove them.
CREATE TABLE operator_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    -- Who: an operator's e-mail, or the system account running the CLI.
    actor       text NOT NULL,
    -- From where: 'cli on <host>' or the client's address.
    origin      text NOT NULL,
    action      text NOT NULL,
    tenant_id   uuid REFERENCES tenants (id) ON DELETE SET NULL,
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX operator_audit_at ON operator_audit (at DESC);
CREATE INDEX operator_audit_tenant ON operator_audit (tenant_id, at DESC);
GRANT SELECT, INSERT ON operator_audit TO congxa_app;
