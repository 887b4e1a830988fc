-- Public forms: a stamp is good for one submission from each client. A
-- form's stamp carries a random id; once a submission with it is taken, the
-- id is kept here with the client (a keyed hash of its address) until the
-- stamp would have expired anyway, and the same client sending it again is
-- refused. Per client, not per stamp alone: a public page kept in the page
-- cache (an article with its rating form) hands one stamp to everyone who
-- reads it within the minute. Rows past their expiry are removed as new
-- ones come.
CREATE TABLE used_form_stamps (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    stamp_id     text NOT NULL CHECK (length(stamp_id) = 32),
    client_hash  text NOT NULL CHECK (length(client_hash) = 64),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, stamp_id, client_hash)
);
CREATE INDEX used_form_stamps_expiry ON used_form_stamps (tenant_id, expires_at);

ALTER TABLE used_form_stamps ENABLE ROW LEVEL SECURITY;
ALTER TABLE used_form_stamps FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON used_form_stamps
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON used_form_stamps TO congxa_app;

-- The client a submission came from, by keyed hash of its address alone
-- (the visitor hash also covers the browser, which a client can change at
-- will): limits per client, and the commune's cap counts at most a
-- client's own limit from each.
ALTER TABLE form_submissions ADD COLUMN client_hash text NOT NULL DEFAULT '';
CREATE INDEX form_submissions_clients ON form_submissions (tenant_id, form, client_hash, created_at);
