-- The yearly activity report and the compliance checks (issue: a commune's
-- report to its superiors every December; the province's watch over every
-- site, Decree 224/2026 Art. 12).

-- Working days. The Labour Code gives the public holidays and congxa's
-- calendar knows them (Tết and Giỗ Tổ by the lunar calendar), but the
-- government fixes each year's exact days off, bridges and make-up
-- Saturdays: operators enter those here, for the whole platform (one
-- province). 'day_off' adds a day off, 'working_day' makes a day worked (a
-- make-up Saturday), 'remove_day_off' cancels a default day off the
-- government moved; the kinds are congxa-calendar's.
CREATE TABLE calendar_overrides (
    day         date PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('day_off', 'working_day', 'remove_day_off')),
    label       text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'remove_day_off' OR length(btrim(label)) > 0)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON calendar_overrides TO congxa_app;

-- What the report's first part cites: the decisions that set up the
-- editorial board and approved its rules, as the commune writes them
-- ("Quyết định số 15/QĐ-UBND ngày 10/01/2025 của UBND xã ...").
ALTER TABLE site_profiles
    ADD COLUMN board_decision text NOT NULL DEFAULT '' CHECK (length(board_decision) <= 500),
    ADD COLUMN rules_decision text NOT NULL DEFAULT '' CHECK (length(rules_decision) <= 500);

-- One report per commune and year. The figures are read from the data
-- each time the draft is shown; the free-text parts are the head's. Once
-- issued, the whole document as issued is kept in `issued` and the row
-- never changes again.
CREATE TABLE yearly_reports (
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    year              integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    -- "142/BC-UBND"; empty while the number is not given yet.
    number_symbol     text NOT NULL DEFAULT '' CHECK (length(number_symbol) <= 50),
    place             text NOT NULL DEFAULT '' CHECK (length(place) <= 100),
    report_date       date,
    advantages        text NOT NULL DEFAULT '' CHECK (length(advantages) <= 20000),
    difficulties      text NOT NULL DEFAULT '' CHECK (length(difficulties) <= 20000),
    direction         text NOT NULL DEFAULT '' CHECK (length(direction) <= 20000),
    -- One recipient per line, as "Nơi nhận" lists them.
    recipients        text NOT NULL DEFAULT '' CHECK (length(recipients) <= 4000),
    signer_authority  text NOT NULL DEFAULT '' CHECK (length(signer_authority) <= 200),
    signer_title      text NOT NULL DEFAULT '' CHECK (length(signer_title) <= 200),
    signer_name       text NOT NULL DEFAULT '' CHECK (length(signer_name) <= 200),
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    issued            jsonb,
    issued_at         timestamptz,
    issued_by         uuid,
    version           integer NOT NULL DEFAULT 1,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, year),
    CHECK (status = 'draft' OR (issued IS NOT NULL AND issued_at IS NOT NULL
                                AND number_symbol <> '' AND report_date IS NOT NULL))
);
ALTER TABLE yearly_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE yearly_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON yearly_reports
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE ON yearly_reports TO congxa_app;

-- An issued report is a record: whatever code runs, it stays as issued
-- (and the platform's role may not delete reports at all).
CREATE FUNCTION congxa_keep_issued_report() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'yearly report % of % was issued and cannot change', OLD.year, OLD.tenant_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER yearly_reports_keep_issued
    BEFORE UPDATE ON yearly_reports
    FOR EACH ROW EXECUTE FUNCTION congxa_keep_issued_report();
