-- A commune's own versions of its theme's templates. The head (or an
-- operator in support mode) replaces a template with a version of the
-- commune's own; every save is a new version, a revert saves an older
-- source again, and a version without source gives the theme's own template
-- back. The newest version of a template is the live one. A render that
-- fails is reported in `last_error` for the board; citizens get the theme's
-- own template meanwhile.
CREATE TABLE template_overrides (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The theme whose template this replaces: another theme chosen later
    -- has templates of its own, and these wait for this one to come back.
    theme          text NOT NULL CHECK (theme IN ('default', 'sen')),
    name           text NOT NULL CHECK (name ~ '^[a-z_]+\.html$'),
    version        integer NOT NULL CHECK (version > 0),
    source         text CHECK (length(source) <= 200000),
    author         text NOT NULL CHECK (length(author) <= 300),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_error     text CHECK (length(last_error) <= 2000),
    last_error_at  timestamptz,
    UNIQUE (tenant_id, theme, name, version)
);

ALTER TABLE template_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE template_overrides FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON template_overrides
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT ON template_overrides TO congxa_app;
-- Only the fault report changes a kept version.
GRANT UPDATE (last_error, last_error_at) ON template_overrides TO congxa_app;

-- A new version changes what every page of the commune may show.
CREATE TRIGGER purge_pages AFTER INSERT ON template_overrides
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
