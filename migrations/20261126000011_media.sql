-- The media library: what a file is (image, document, video), an image's
-- size and description, the sizes it is served in, and how much a commune
-- may store.

ALTER TABLE media_files
    ADD COLUMN kind text NOT NULL DEFAULT 'document'
        CHECK (kind IN ('image', 'document', 'video')),
    -- What an image shows, for people who cannot see it (WCAG 1.1.1); the
    -- editor asks for it again where the image is used.
    ADD COLUMN alt_text text NOT NULL DEFAULT '' CHECK (length(alt_text) <= 500),
    ADD COLUMN width integer CHECK (width > 0),
    ADD COLUMN height integer CHECK (height > 0),
    -- Bytes the file takes in the bucket with its renditions: what counts
    -- against the commune's quota.
    ADD COLUMN stored_bytes bigint NOT NULL DEFAULT 0 CHECK (stored_bytes >= 0);
UPDATE media_files SET
    kind = CASE WHEN content_type LIKE 'image/%' THEN 'image'
                WHEN content_type LIKE 'video/%' THEN 'video'
                ELSE 'document' END,
    stored_bytes = size_bytes;
CREATE INDEX media_files_kind ON media_files (tenant_id, kind, created_at DESC);

-- An image made once at a standard width, in WebP and JPEG, for srcset.
CREATE TABLE media_renditions (
    file_id      uuid NOT NULL,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    content_type text NOT NULL CHECK (content_type IN ('image/webp', 'image/jpeg')),
    storage_key  text NOT NULL UNIQUE,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    PRIMARY KEY (file_id, width, content_type),
    FOREIGN KEY (tenant_id, file_id) REFERENCES media_files (tenant_id, id) ON DELETE CASCADE
        DEFERRABLE INITIALLY IMMEDIATE
);
ALTER TABLE media_renditions ENABLE ROW LEVEL SECURITY;
ALTER TABLE media_renditions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON media_renditions
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON media_renditions TO congxa_app;

-- A commune's own storage quota, when the province gives it more (or less)
-- than the platform's default (CONGXA_STORAGE_QUOTA_BYTES).
ALTER TABLE tenants ADD COLUMN storage_quota_bytes bigint CHECK (storage_quota_bytes >= 0);

-- Which of some bucket keys a record still names, whatever commune owns it
-- now (a merged commune's files keep their keys under the old prefix): the
-- orphan sweep removes only what this does not return. It answers keys
-- only, no content.
CREATE FUNCTION congxa_known_storage_keys(keys text[])
    RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT storage_key FROM media_files WHERE storage_key = ANY(keys)
          UNION
          SELECT storage_key FROM media_renditions WHERE storage_key = ANY(keys) $$;
REVOKE ALL ON FUNCTION congxa_known_storage_keys(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION congxa_known_storage_keys(text[]) TO congxa_app;

-- The items that use a file: attached, as their picture, or in their text
-- or a correction of it waiting for approval. The library lists them and
-- refuses to delete a file while there are any. Row-level security applies
-- (the caller's own commune).
CREATE FUNCTION congxa_items_using_file(file uuid)
    RETURNS SETOF items
    LANGUAGE sql STABLE
    AS $$ SELECT i.* FROM items i
          WHERE i.image_id = file
             OR EXISTS (SELECT 1 FROM item_files x WHERE x.item_id = i.id AND x.file_id = file)
             OR strpos(i.body, '/tep/' || file || '/') > 0
             OR EXISTS (SELECT 1 FROM item_revisions r WHERE r.item_id = i.id AND r.pending
                        AND strpos(r.body, '/tep/' || file || '/') > 0) $$;
GRANT EXECUTE ON FUNCTION congxa_items_using_file(uuid) TO congxa_app;
