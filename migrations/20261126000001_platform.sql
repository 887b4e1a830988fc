-- The platform's foundation: communes (tenants), their domains, the role the
-- services connect as, and the row-level security every tenant-owned table
-- relies on.

-- The application role. Services connect as it; it owns nothing, so it cannot
-- switch row-level security off, and NOBYPASSRLS means the policies below
-- always apply to it. Roles belong to the whole cluster, so parallel test
-- databases may race to create it: losing that race is fine.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'congxa_app') THEN
        CREATE ROLE congxa_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- The tenant a request acts for, set per transaction by the services with
-- `set_config('congxa.tenant_id', <id>, true)`. Unset (or empty) gives NULL,
-- and NULL matches no row: forgetting the tenant shows nothing and writes
-- nothing, instead of showing everything.
CREATE FUNCTION congxa_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('congxa.tenant_id', true), '')::uuid $$;

-- A commune site. The slug is its name in URLs and in `<slug>.<platform
-- domain>`: lowercase ASCII letters, digits and inner hyphens, like a DNS label.
CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE
                CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    -- Full Vietnamese name as the commune writes it, e.g. 'Xã Quốc Tuấn'.
    name        text NOT NULL CHECK (length(btrim(name)) > 0),
    status      text NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'suspended')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Custom domains of a commune (its `<slug>.<platform domain>` needs no row).
-- Stored normalised (lowercase ASCII, IDN as punycode, no trailing dot), so
-- the primary key alone makes a domain belong to one commune only.
CREATE TABLE tenant_domains (
    domain      text PRIMARY KEY
                CHECK (domain = lower(domain) AND domain !~ '\.$' AND length(domain) <= 253),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    is_primary  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_domains_tenant ON tenant_domains (tenant_id);
CREATE UNIQUE INDEX tenant_domains_one_primary ON tenant_domains (tenant_id) WHERE is_primary;

-- Tenants and domains are the platform's own tables: the gateway must read
-- them before it knows any tenant, so they carry no tenant policy.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, tenant_domains TO congxa_app;

-- Files a commune uploaded. The bytes live in S3 under the commune's prefix;
-- this row is what the platform knows about them.
CREATE TABLE media_files (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- Key in the bucket: `tenants/<tenant id>/<file id>`, never derived from
    -- what the uploader typed.
    storage_key   text NOT NULL UNIQUE,
    -- The name people see, Vietnamese diacritics and all.
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
    sha256        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_files_tenant ON media_files (tenant_id, created_at DESC);

-- Every tenant-owned table gets the same treatment: RLS enabled and forced
-- (so even the owner obeys it), one policy keyed on congxa_current_tenant(),
-- and grants to the application role.
ALTER TABLE media_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE media_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON media_files
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON media_files TO congxa_app;
