-- Visit figures, as the analytics service flushes them from Redis every
-- minute (README, "Visits: what is counted"). Each flush writes the day's
-- figures whole, never a difference, and a row only grows: a flush retried
-- after a crash, or one that read Redis half restored, changes nothing.

-- One row per commune and day (Vietnam's calendar day).
CREATE TABLE visit_days (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day           date NOT NULL,
    views         bigint NOT NULL DEFAULT 0 CHECK (views >= 0),
    visits        bigint NOT NULL DEFAULT 0 CHECK (visits >= 0),
    visitors      bigint NOT NULL DEFAULT 0 CHECK (visitors >= 0),
    -- Requests from robots, counted apart and in none of the above.
    bots          bigint NOT NULL DEFAULT 0 CHECK (bots >= 0),
    -- The day's HyperLogLog of visitor hashes as Redis stores it: enough to
    -- restore the unique count after Redis is lost, and no hash readable.
    visitors_hll  bytea,
    flushed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, day)
);

-- The day's views broken down: by page (path), by content item, by the site
-- a visitor came from, by device class.
CREATE TABLE visit_day_counts (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day        date NOT NULL,
    dimension  text NOT NULL CHECK (dimension IN ('path', 'item', 'referrer', 'device')),
    key        text NOT NULL CHECK (length(key) BETWEEN 1 AND 500),
    views      bigint NOT NULL CHECK (views >= 0),
    PRIMARY KEY (tenant_id, day, dimension, key)
);
CREATE INDEX visit_day_counts_by_dimension ON visit_day_counts (tenant_id, dimension, day);

-- Unique visitors over a month or a year: not a sum of days (one person
-- visiting on two days is one visitor of the month), so kept as their own
-- HyperLogLog.
CREATE TABLE visit_periods (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    period        text NOT NULL CHECK (period IN ('month', 'year')),
    starts        date NOT NULL,
    visitors      bigint NOT NULL DEFAULT 0 CHECK (visitors >= 0),
    visitors_hll  bytea,
    PRIMARY KEY (tenant_id, period, starts)
);

ALTER TABLE visit_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE visit_days FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON visit_days
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
ALTER TABLE visit_day_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE visit_day_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON visit_day_counts
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
ALTER TABLE visit_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE visit_periods FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON visit_periods
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON visit_days, visit_day_counts, visit_periods TO congxa_app;

-- Every commune's figures for a span of days, side by side: the operators'
-- view and the province's monitoring feed. Only sums leave; no commune's
-- breakdown does.
CREATE FUNCTION congxa_visit_summary(first_day date, last_day date)
    RETURNS TABLE (tenant_id uuid, views bigint, visits bigint, bots bigint, total bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT t.id,
           COALESCE(sum(d.views) FILTER (WHERE d.day BETWEEN first_day AND last_day), 0)::bigint,
           COALESCE(sum(d.visits) FILTER (WHERE d.day BETWEEN first_day AND last_day), 0)::bigint,
           COALESCE(sum(d.bots) FILTER (WHERE d.day BETWEEN first_day AND last_day), 0)::bigint,
           (t.visits_offset + COALESCE(sum(d.views), 0))::bigint
    FROM tenants t LEFT JOIN visit_days d ON d.tenant_id = t.id
    -- A merged commune's total lives on in the commune it joined.
    WHERE t.status <> 'merged'
    GROUP BY t.id
$$;
REVOKE ALL ON FUNCTION congxa_visit_summary(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION congxa_visit_summary(date, date) TO congxa_app;

-- What Redis needs back after it lost its data: every commune's running
-- total and the figures of the days, month and year still being counted.
CREATE FUNCTION congxa_visit_totals()
    RETURNS TABLE (tenant_id uuid, views bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT tenant_id, sum(views)::bigint FROM visit_days GROUP BY tenant_id
$$;
CREATE FUNCTION congxa_visit_days_since(first_day date)
    RETURNS SETOF visit_days
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT * FROM visit_days WHERE day >= first_day
$$;
CREATE FUNCTION congxa_visit_day_counts_since(first_day date)
    RETURNS SETOF visit_day_counts
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT * FROM visit_day_counts WHERE day >= first_day
$$;
CREATE FUNCTION congxa_visit_periods_since(first_day date)
    RETURNS SETOF visit_periods
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
AS $$
    SELECT * FROM visit_periods WHERE starts >= first_day
$$;
REVOKE ALL ON FUNCTION congxa_visit_totals() FROM PUBLIC;
REVOKE ALL ON FUNCTION congxa_visit_days_since(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION congxa_visit_day_counts_since(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION congxa_visit_periods_since(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION congxa_visit_totals() TO congxa_app;
GRANT EXECUTE ON FUNCTION congxa_visit_days_since(date) TO congxa_app;
GRANT EXECUTE ON FUNCTION congxa_visit_day_counts_since(date) TO congxa_app;
GRANT EXECUTE ON FUNCTION congxa_visit_periods_since(date) TO congxa_app;
