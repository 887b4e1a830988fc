-- The rest of a commune's identity, set by its board: the logo shown beside
-- its name (in place of the emblem), a banner image across the header, the
-- menu (order, labels, links) and the home page's blocks.

-- Both are images of the commune's own library. Deleting the file gives the
-- emblem (or no banner) back; deferrable, so an archive can restore the
-- profile before the files it names.
ALTER TABLE site_profiles
    ADD COLUMN logo_id uuid,
    ADD COLUMN banner_id uuid,
    ADD FOREIGN KEY (tenant_id, logo_id) REFERENCES media_files (tenant_id, id)
        ON DELETE SET NULL (logo_id) DEFERRABLE INITIALLY IMMEDIATE,
    ADD FOREIGN KEY (tenant_id, banner_id) REFERENCES media_files (tenant_id, id)
        ON DELETE SET NULL (banner_id) DEFERRABLE INITIALLY IMMEDIATE;

-- The board's own menu, between "Trang chủ" (always first) and "Sơ đồ
-- trang" (always last). A commune without rows here shows the default menu:
-- its top-level sections marked for the menu, then the national online
-- public services portal. An entry opens a section of the commune's (its
-- address follows the section) or an address: a path of the site or a web
-- address. The workspace saves the list whole, checked (it keeps the
-- introduction and the online public services the rules require).
CREATE TABLE menu_entries (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 1 AND 30),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
    section_id  uuid,
    url         text CHECK (url ~ '^(/($|[^/])|https?://)' AND length(url) <= 2000),
    CHECK ((section_id IS NULL) <> (url IS NULL)),
    PRIMARY KEY (tenant_id, position),
    FOREIGN KEY (tenant_id, section_id) REFERENCES sections (tenant_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE
);

-- The home page's blocks in the board's order, each in the main column or
-- the side one. Without rows the home page shows the default blocks. A
-- block of a section lists that section's newest items.
CREATE TABLE home_blocks (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 1 AND 30),
    kind        text NOT NULL CHECK (kind IN (
                    'featured', 'latest', 'section', 'documents', 'services', 'portals')),
    section_id  uuid,
    -- The board's own heading; empty for the block's usual one.
    title       text NOT NULL DEFAULT '' CHECK (length(title) <= 80),
    item_count  smallint NOT NULL CHECK (item_count BETWEEN 1 AND 20),
    placement   text NOT NULL CHECK (placement IN ('main', 'side')),
    CHECK ((kind = 'section') = (section_id IS NOT NULL)),
    PRIMARY KEY (tenant_id, position),
    FOREIGN KEY (tenant_id, section_id) REFERENCES sections (tenant_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY IMMEDIATE
);

ALTER TABLE menu_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE menu_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON menu_entries
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, DELETE ON menu_entries TO congxa_app;

ALTER TABLE home_blocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE home_blocks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON home_blocks
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, DELETE ON home_blocks TO congxa_app;

-- The menu is on every page: a change purges all of the commune's pages.
-- The blocks show on the home page alone: a change purges that page.
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON menu_entries
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
CREATE FUNCTION congxa_purge_home() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM congxa_purge(OLD.tenant_id, ARRAY['home']);
    ELSE
        PERFORM congxa_purge(NEW.tenant_id, ARRAY['home']);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON home_blocks
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_home();
