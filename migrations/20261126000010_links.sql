-- The links to state portals a commune site carries (REGULATIONS.md,
-- "Content": links to other state portals), chosen and ordered by the
-- board: the national portals to start with, then the province's own and
-- any the commune adds.
CREATE TABLE site_links (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    label       text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
    -- Only web addresses; the page writes them into href.
    url         text NOT NULL CHECK (url ~ '^https?://[^\s]+$' AND length(url) <= 2000),
    position    integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE INDEX site_links_order ON site_links (tenant_id, position);

ALTER TABLE site_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON site_links
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON site_links TO congxa_app;

-- Communes provisioned before the board could choose keep the national
-- portals their home page showed.
INSERT INTO site_links (tenant_id, label, url, position)
SELECT t.id, l.label, l.url, l.position
FROM tenants t
CROSS JOIN (VALUES
    ('Cổng Thông tin điện tử Chính phủ', 'https://chinhphu.vn', 1),
    ('Cổng Dịch vụ công quốc gia', 'https://dichvucong.gov.vn', 2),
    ('Cơ sở dữ liệu quốc gia về văn bản pháp luật', 'https://vbpl.vn', 3),
    ('Hệ thống tiếp nhận phản ánh, kiến nghị', 'https://pakn.dichvucong.gov.vn', 4)
) AS l (label, url, position);
