-- A commune's public site as data: its profile and contacts, the sections of
-- REGULATIONS.md as a tree, the items every section holds (with the fields of
-- their kind in a table of their own), and what citizens send in (questions,
-- comments on drafts, ratings). Every table here is tenant-owned and gets
-- the forced row-level security of 0001 at the end of this file.

-- Vietnamese search that ignores diacritics: "quoc tuan" and "Quốc Tuấn" are
-- the same words, "đ" is "d". unaccent is not IMMUTABLE (its dictionary could
-- change), so generated columns and indexes go through a wrapper that names
-- the dictionary explicitly, the usual way of pinning it.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION congxa_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- Full-text configuration for Vietnamese: words are split as in 'simple' (no
-- stemming: Vietnamese syllables do not inflect) after dropping diacritics.
-- HTML tags are recognised by the parser and, having no mapping, dropped.
CREATE TEXT SEARCH CONFIGURATION congxa_vi (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION congxa_vi
    ALTER MAPPING FOR hword, hword_part, word, asciiword, asciihword, hword_asciipart
    WITH unaccent, simple;

-- What the footer and the contact page show: the site's transaction details
-- (REGULATIONS.md, Content 2) and the person responsible (the layout rules).
-- Lets other tables reference a file together with its commune.
ALTER TABLE media_files ADD CONSTRAINT media_files_tenant_id UNIQUE (tenant_id, id);

CREATE TABLE site_profiles (
    tenant_id           uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    -- The governing agency, e.g. 'Ủy ban nhân dân xã Quốc Tuấn'.
    agency              text NOT NULL CHECK (length(agency) BETWEEN 1 AND 300),
    address             text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    phone               text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    email               text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    responsible_person  text NOT NULL DEFAULT '' CHECK (length(responsible_person) <= 200),
    responsible_title   text NOT NULL DEFAULT '' CHECK (length(responsible_title) <= 200),
    -- The licence or decision the site operates under, shown in the footer.
    licence             text NOT NULL DEFAULT '' CHECK (length(licence) <= 500),
    -- Opening hours of the one-stop shop, as people write them.
    office_hours        text NOT NULL DEFAULT '' CHECK (length(office_hours) <= 500),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Leaders and competent officials: the introduction shows the leaders'
-- biographies and duties, the contact page everyone's phone and e-mail, with
-- the access-to-information focal person marked (Decree 13/2018).
CREATE TABLE officials (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    position        text NOT NULL CHECK (length(position) BETWEEN 1 AND 200),
    phone           text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    duties          text NOT NULL DEFAULT '' CHECK (length(duties) <= 4000),
    biography       text NOT NULL DEFAULT '' CHECK (length(biography) <= 8000),
    is_leader       boolean NOT NULL DEFAULT false,
    is_info_focal   boolean NOT NULL DEFAULT false,
    sort_order      integer NOT NULL DEFAULT 0
);
CREATE INDEX officials_tenant ON officials (tenant_id, sort_order);

-- The site's sections as a tree. `path` is the section's address without
-- the leading slash ('tin-tuc', 'tin-tuc/hoat-dong-dang-uy'): Vietnamese
-- without diacritics, as REGULATIONS.md's readers expect. `kind` says what
-- the section holds and so which pages show it.
CREATE TABLE sections (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    parent_id    uuid,
    path         text NOT NULL
                 CHECK (path ~ '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*$'),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    kind         text NOT NULL CHECK (kind IN (
                     'pages', 'news', 'documents', 'procedures', 'schedule',
                     'plans', 'projects', 'budget', 'democracy', 'access_info',
                     'consultations', 'questions', 'contacts')),
    in_menu      boolean NOT NULL DEFAULT false,
    sort_order   integer NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, path),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES sections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sections_parent ON sections (tenant_id, parent_id, sort_order);

-- Everything a section lists: articles, introduction pages, documents,
-- procedures, weekly schedules, plans, projects, budget reports, democracy
-- items, access-to-information entries, drafts under consultation. The
-- columns every kind shares live here, so search, feeds, the site map and
-- the editorial workflow deal with one table; each kind's own fields live
-- in the tables below, keyed by the item.
CREATE TABLE items (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    section_id     uuid NOT NULL,
    -- The item's address within the commune: `/<section path>/<slug>`.
    slug           text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 200),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    -- The lead (sapo) of an article, the summary (trích yếu) of a document.
    summary        text NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    -- Sanitised HTML: written only through the board's editor, which cleans it.
    body           text NOT NULL DEFAULT '' CHECK (length(body) <= 1000000),
    -- Author and source of reused content, cited as the layout rules require.
    author         text NOT NULL DEFAULT '' CHECK (length(author) <= 200),
    source         text NOT NULL DEFAULT '' CHECK (length(source) <= 500),
    image_id       uuid,
    image_alt      text NOT NULL DEFAULT '' CHECK (length(image_alt) <= 500),
    featured       boolean NOT NULL DEFAULT false,
    -- The workflow's states come with the board; the public site shows only
    -- what is published and due.
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- Words of the kind's own fields worth finding (a document's number,
    -- signer and issuing body, a procedure's code), kept by whoever writes
    -- the fields so that one index covers them.
    search_extra   text NOT NULL DEFAULT '',
    search_vector  tsvector GENERATED ALWAYS AS (
                       setweight(to_tsvector('congxa_vi', title), 'A') ||
                       setweight(to_tsvector('congxa_vi', search_extra), 'A') ||
                       setweight(to_tsvector('congxa_vi', summary), 'B') ||
                       setweight(to_tsvector('congxa_vi', body), 'C')
                   ) STORED,
    -- Folded title and summary, for typo-tolerant matching by trigrams.
    search_folded  text GENERATED ALWAYS AS (congxa_fold(title || ' ' || search_extra || ' ' || summary)) STORED,
    UNIQUE (tenant_id, slug),
    UNIQUE (tenant_id, id),
    -- Composite keys: an item can point only at its own commune's rows,
    -- whatever ids a request smuggles in (foreign keys bypass row security).
    FOREIGN KEY (tenant_id, section_id) REFERENCES sections (tenant_id, id) ON DELETE RESTRICT,
    FOREIGN KEY (tenant_id, image_id) REFERENCES media_files (tenant_id, id),
    CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX items_section ON items (tenant_id, section_id, published_at DESC) WHERE status = 'published';
CREATE INDEX items_latest ON items (tenant_id, published_at DESC) WHERE status = 'published';
CREATE INDEX items_search ON items USING gin (search_vector);
CREATE INDEX items_search_folded ON items USING gin (search_folded gin_trgm_ops);

-- Files attached to an item (a document's PDF, a plan's annexes).
CREATE TABLE item_files (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id     uuid NOT NULL,
    file_id     uuid NOT NULL,
    label       text NOT NULL DEFAULT '' CHECK (length(label) <= 300),
    sort_order  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, file_id),
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, file_id) REFERENCES media_files (tenant_id, id) ON DELETE RESTRICT
);
CREATE INDEX item_files_file ON item_files (tenant_id, file_id);

-- A legal or administrative document (văn bản), Decree 42/2022 Art. 4.
CREATE TABLE documents (
    item_id        uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    -- Form: Quyết định, Nghị quyết, Kế hoạch, Báo cáo, Thông báo, Công văn...
    doc_type       text NOT NULL CHECK (length(doc_type) BETWEEN 1 AND 100),
    -- Number and symbol as issued, e.g. '142/BC-UBND'.
    number_symbol  text NOT NULL CHECK (length(number_symbol) BETWEEN 1 AND 100),
    issuing_body   text NOT NULL CHECK (length(issuing_body) BETWEEN 1 AND 300),
    signer         text NOT NULL DEFAULT '' CHECK (length(signer) <= 200),
    field          text NOT NULL DEFAULT '' CHECK (length(field) <= 200),
    issued_on      date NOT NULL,
    effective_on   date,
    expires_on     date,
    CHECK (expires_on IS NULL OR effective_on IS NULL OR expires_on >= effective_on)
);
CREATE INDEX documents_issued ON documents (tenant_id, issued_on DESC);
CREATE INDEX documents_number ON documents (tenant_id, lower(number_symbol));

-- An administrative procedure of the commune, linked to the national
-- public-service portal.
CREATE TABLE procedures (
    item_id          uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    -- The national catalogue's code, e.g. '1.001612'.
    code             text NOT NULL DEFAULT '' CHECK (length(code) <= 50),
    field            text NOT NULL CHECK (length(field) BETWEEN 1 AND 200),
    -- How far it can be done online: 'full' (toàn trình), 'partial' (một
    -- phần) or 'none' (nộp trực tiếp).
    online_level     text NOT NULL CHECK (online_level IN ('full', 'partial', 'none')),
    processing_time  text NOT NULL DEFAULT '' CHECK (length(processing_time) <= 300),
    fee              text NOT NULL DEFAULT '' CHECK (length(fee) <= 300),
    agency           text NOT NULL DEFAULT '' CHECK (length(agency) <= 300),
    portal_url       text NOT NULL DEFAULT '' CHECK (portal_url = '' OR portal_url ~ '^https://')
);

-- The one-stop shop's results by month, shown beside the procedures.
CREATE TABLE one_stop_results (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    month         date NOT NULL CHECK (extract(day FROM month) = 1),
    received      integer NOT NULL CHECK (received >= 0),
    on_time       integer NOT NULL CHECK (on_time >= 0),
    late          integer NOT NULL CHECK (late >= 0),
    in_progress   integer NOT NULL CHECK (in_progress >= 0),
    online        integer NOT NULL CHECK (online >= 0),
    PRIMARY KEY (tenant_id, month)
);

-- A leaders' weekly work schedule is one item (published as a whole), its
-- entries rows of its own.
CREATE TABLE schedule_weeks (
    item_id     uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    -- The Monday the week starts on.
    week_start  date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
    UNIQUE (tenant_id, week_start)
);

CREATE TABLE schedule_entries (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id     uuid NOT NULL,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    starts_at   timestamptz NOT NULL,
    -- Who presides: 'Đ/c Nguyễn Văn A, Chủ tịch UBND xã'.
    leader      text NOT NULL CHECK (length(leader) BETWEEN 1 AND 300),
    content     text NOT NULL CHECK (length(content) BETWEEN 1 AND 2000),
    location    text NOT NULL DEFAULT '' CHECK (length(location) <= 300),
    participants text NOT NULL DEFAULT '' CHECK (length(participants) <= 1000)
);
CREATE INDEX schedule_entries_week ON schedule_entries (item_id, starts_at);

-- Public investment projects and their procurement.
CREATE TABLE projects (
    item_id           uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    investor          text NOT NULL CHECK (length(investor) BETWEEN 1 AND 300),
    location          text NOT NULL DEFAULT '' CHECK (length(location) <= 300),
    -- Total investment in đồng.
    total_investment  bigint CHECK (total_investment >= 0),
    funding           text NOT NULL DEFAULT '' CHECK (length(funding) <= 300),
    stage             text NOT NULL CHECK (stage IN ('preparing', 'procuring', 'building', 'completed')),
    -- The procurement package, when one is open or was awarded.
    package           text NOT NULL DEFAULT '' CHECK (length(package) <= 500),
    bid_closes_at     timestamptz,
    starts_on         date,
    ends_on           date
);

-- Budget estimates, settlements and financial reports (Law 104/2016 Art. 19).
CREATE TABLE budget_reports (
    item_id      uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    report_kind  text NOT NULL CHECK (report_kind IN ('estimate', 'settlement', 'execution', 'financial', 'statistics')),
    year         integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    -- 'year', 'half' (6 tháng) or 'q1'..'q4'.
    period       text NOT NULL CHECK (period IN ('year', 'half', 'q1', 'q2', 'q3', 'q4'))
);

-- The access-to-information list (Decree 13/2018 Art. 6.3).
CREATE TABLE access_info_entries (
    item_id          uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    number_symbol    text NOT NULL DEFAULT '' CHECK (length(number_symbol) <= 100),
    issued_on        date,
    publication_form text NOT NULL CHECK (length(publication_form) BETWEEN 1 AND 300),
    -- When and for how long it is published, as the list states it.
    publication_time text NOT NULL DEFAULT '' CHECK (length(publication_time) <= 300)
);

-- A draft put to the public for comments until a deadline.
CREATE TABLE consultations (
    item_id        uuid PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    drafting_body  text NOT NULL DEFAULT '' CHECK (length(drafting_body) <= 300),
    opens_at       timestamptz NOT NULL,
    closes_at      timestamptz NOT NULL,
    CHECK (closes_at > opens_at)
);

-- Comments on a draft. They appear once the board has read them.
CREATE TABLE consultation_comments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id       uuid NOT NULL,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    author_name   text NOT NULL CHECK (length(author_name) BETWEEN 1 AND 100),
    -- Personal data: never shown publicly.
    author_email  text NOT NULL DEFAULT '' CHECK (length(author_email) <= 254),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'published', 'rejected')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultation_comments_item ON consultation_comments (item_id, created_at);

-- Citizens' questions. A question is public once answered and marked so;
-- its asker follows it by its code.
CREATE TABLE questions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- What the asker is given to follow the question, e.g. 'HD-7K3P9Q2M'.
    code          text NOT NULL CHECK (code ~ '^HD-[A-Z0-9]{8}$'),
    slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 200),
    asker_name    text NOT NULL CHECK (length(asker_name) BETWEEN 1 AND 100),
    -- Personal data: never shown publicly.
    asker_email   text NOT NULL DEFAULT '' CHECK (length(asker_email) <= 254),
    asker_phone   text NOT NULL DEFAULT '' CHECK (length(asker_phone) <= 30),
    asker_address text NOT NULL DEFAULT '' CHECK (length(asker_address) <= 300),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    field         text NOT NULL DEFAULT '' CHECK (length(field) <= 200),
    status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processing', 'answered', 'rejected')),
    answer        text NOT NULL DEFAULT '' CHECK (length(answer) <= 100000),
    answered_by   text NOT NULL DEFAULT '' CHECK (length(answered_by) <= 200),
    answered_at   timestamptz,
    is_public     boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, code),
    UNIQUE (tenant_id, slug),
    CHECK (status <> 'answered' OR answered_at IS NOT NULL),
    CHECK (NOT is_public OR status = 'answered')
);
CREATE INDEX questions_public ON questions (tenant_id, answered_at DESC) WHERE is_public;

-- Anonymous satisfaction ratings of an item (Decree 224/2026 Art. 10.3): one
-- per visitor per item, the visitor known only by a keyed hash.
CREATE TABLE item_ratings (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    item_id       uuid NOT NULL,
    FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, id) ON DELETE CASCADE,
    visitor_hash  text NOT NULL CHECK (length(visitor_hash) = 64),
    score         smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, visitor_hash)
);

-- What each visitor (by keyed hash) sent through the public forms recently,
-- so that floods are refused; old rows are removed as new ones arrive.
CREATE TABLE form_submissions (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    form          text NOT NULL CHECK (form IN ('question', 'comment', 'rating')),
    visitor_hash  text NOT NULL CHECK (length(visitor_hash) = 64),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_submissions_recent ON form_submissions (tenant_id, form, visitor_hash, created_at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'site_profiles', 'officials', 'sections', 'items', 'item_files',
        'documents', 'procedures', 'one_stop_results', 'schedule_weeks',
        'schedule_entries', 'projects', 'budget_reports', 'access_info_entries',
        'consultations', 'consultation_comments', 'questions', 'item_ratings',
        'form_submissions']
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
