-- Purging the gateways' page caches exactly (README, "The page cache"):
-- every change that shows on a public page announces, on the channel
-- congxa_cache, which commune's pages it touches and by which tags. The
-- pages carry the same tags (content sets them): an item's page
-- "item:<id>" and "section:<its section>", a section's list
-- "section:<path>", the home page "home", every other page "list". Being
-- triggers, the announcements cover every way of writing (the board, the
-- publishing job, the operators' commands), and they go out only when the
-- transaction commits.

-- Announces a purge: `tags` NULL purges every page of the commune, a NULL
-- commune every page of every commune.
CREATE FUNCTION congxa_purge(tenant uuid, tags text[]) RETURNS void
    LANGUAGE sql
AS $$
    SELECT pg_notify('congxa_cache', json_build_object('tenant', tenant, 'tags', tags)::text)
$$;

-- The tags a published item's change touches: its page, its section's
-- pages and their parents' lists, the home page, the other lists.
CREATE FUNCTION congxa_item_tags(item uuid, section_path text) RETURNS text[]
    LANGUAGE sql IMMUTABLE
AS $$
    SELECT ARRAY['item:' || item, 'home', 'list']
        || ARRAY(SELECT 'section:' || array_to_string((string_to_array(section_path, '/'))[1:n], '/')
                 FROM generate_series(1, cardinality(string_to_array(section_path, '/'))) AS n)
$$;

CREATE FUNCTION congxa_purge_item() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    path text;
BEGIN
    -- A draft changes no public page.
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        SELECT s.path INTO path FROM sections s WHERE s.id = OLD.section_id;
        PERFORM congxa_purge(OLD.tenant_id, congxa_item_tags(OLD.id, COALESCE(path, '')));
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published'
       AND (TG_OP = 'INSERT' OR OLD.status <> 'published' OR OLD.section_id <> NEW.section_id) THEN
        SELECT s.path INTO path FROM sections s WHERE s.id = NEW.section_id;
        PERFORM congxa_purge(NEW.tenant_id, congxa_item_tags(NEW.id, COALESCE(path, '')));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item();

-- A part of an item (its kind's fields, its files, its schedule lines,
-- comments and ratings shown on it): the item's pages, when it is out.
CREATE FUNCTION congxa_purge_item_part() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    part record;
    item record;
BEGIN
    IF TG_OP = 'DELETE' THEN part := OLD; ELSE part := NEW; END IF;
    SELECT i.id, i.tenant_id, s.path INTO item
    FROM items i JOIN sections s ON s.id = i.section_id
    WHERE i.id = part.item_id AND i.status = 'published';
    IF FOUND THEN
        PERFORM congxa_purge(item.tenant_id, congxa_item_tags(item.id, item.path));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON item_files
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON procedures
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON schedule_weeks
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON schedule_entries
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON budget_reports
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON access_info_entries
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON consultations
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_part();

-- What citizens send about an item shows on the item's page alone (a
-- comment once the board publishes it): only that page goes, so that
-- citizens' posts cannot keep a commune's cache empty.
CREATE FUNCTION congxa_purge_item_page() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    part record;
BEGIN
    IF TG_OP = 'DELETE' THEN part := OLD; ELSE part := NEW; END IF;
    PERFORM congxa_purge(part.tenant_id, ARRAY['item:' || part.item_id]);
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER UPDATE OR DELETE ON consultation_comments
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_page();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON item_ratings
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_item_page();

-- What every page shows (the menu, the footer's contacts, the commune's
-- name, its files' descriptions), or lists beyond the items: all of the
-- commune's pages.
CREATE FUNCTION congxa_purge_tenant() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM congxa_purge(OLD.tenant_id, NULL);
    ELSE
        PERFORM congxa_purge(NEW.tenant_id, NULL);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON sections
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON site_profiles
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON officials
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON site_links
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON one_stop_results
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();
CREATE TRIGGER purge_pages AFTER UPDATE OR DELETE ON media_files
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant();

-- A commune renamed, suspended, its visit total moved: its pages.
CREATE FUNCTION congxa_purge_tenant_row() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM congxa_purge(OLD.id, NULL);
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_tenant_row();

-- A maintenance banner may show on every commune's pages.
CREATE FUNCTION congxa_purge_everything() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM congxa_purge(NULL, NULL);
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON maintenance_notices
    FOR EACH STATEMENT EXECUTE FUNCTION congxa_purge_everything();

-- Citizens' questions show on their own pages and their section's list
-- once answered and made public: a question received changes no page.
CREATE FUNCTION congxa_purge_questions() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    question record;
BEGIN
    IF TG_OP = 'DELETE' THEN question := OLD; ELSE question := NEW; END IF;
    IF (TG_OP <> 'INSERT' AND OLD.is_public) OR (TG_OP <> 'DELETE' AND NEW.is_public) THEN
        PERFORM congxa_purge(question.tenant_id, ARRAY['list']
            || ARRAY(SELECT 'section:' || s.path FROM sections s
                     WHERE s.tenant_id = question.tenant_id AND s.kind = 'questions'));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER purge_pages AFTER INSERT OR UPDATE OR DELETE ON questions
    FOR EACH ROW EXECUTE FUNCTION congxa_purge_questions();
