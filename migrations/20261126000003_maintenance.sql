-- Planned downtime, announced by operators at least 7 working days ahead
-- with the expected restore time (Decree 224/2026 Art. 13). The affected
-- sites show the notice in a banner until the downtime is over.
CREATE TABLE maintenance_notices (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Exactly one scope: one commune, every commune of a region, or all.
    scope         text NOT NULL CHECK (scope IN ('tenant', 'region', 'platform')),
    tenant_id     uuid REFERENCES tenants (id) ON DELETE CASCADE,
    region_id     uuid REFERENCES regions (id) ON DELETE CASCADE,
    starts_at     timestamptz NOT NULL,
    -- The expected restore time the notice promises.
    ends_at       timestamptz NOT NULL,
    message       text NOT NULL CHECK (length(message) <= 1000),
    -- Announced late on purpose (an urgent fix): allowed, and marked as such.
    emergency     boolean NOT NULL DEFAULT false,
    announced_at  timestamptz NOT NULL DEFAULT now(),
    announced_by  text NOT NULL,
    cancelled_at  timestamptz,
    CHECK (ends_at > starts_at),
    CHECK ((scope = 'tenant') = (tenant_id IS NOT NULL)),
    CHECK ((scope = 'region') = (region_id IS NOT NULL))
);
CREATE INDEX maintenance_notices_current ON maintenance_notices (ends_at) WHERE cancelled_at IS NULL;

-- Operators write notices for any commune; every site reads the ones that
-- concern it. A platform table, so no tenant policy.
GRANT SELECT, INSERT, UPDATE ON maintenance_notices TO congxa_app;
