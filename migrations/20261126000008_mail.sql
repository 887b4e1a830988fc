-- E-mail for the board: notifications go out by e-mail too when SMTP is
-- configured (the notification row is the outbox), password resets by an
-- e-mailed link, and an optional second factor (TOTP) per account.

-- When the notification went out by e-mail, and how often sending failed.
ALTER TABLE board_notifications
    ADD COLUMN emailed_at      timestamptz,
    ADD COLUMN email_attempts  integer NOT NULL DEFAULT 0;
CREATE INDEX board_notifications_unmailed ON board_notifications (id) WHERE emailed_at IS NULL;

-- The mailing job runs for every commune at once: like congxa_due_items,
-- it finds work across communes with its owner's rights and returns only
-- ids. Recent notifications of active accounts only: a notification older
-- than `since` (SMTP was off, or kept failing) is not worth a late e-mail,
-- and stays in the app.
CREATE FUNCTION congxa_unmailed_notifications(since timestamptz, max_attempts integer, max_rows integer)
    RETURNS TABLE (tenant_id uuid, id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT n.tenant_id, n.id FROM board_notifications n
          JOIN board_accounts a ON a.id = n.account_id
          WHERE n.emailed_at IS NULL AND n.created_at >= since
            AND n.email_attempts < max_attempts AND a.active
          ORDER BY n.id LIMIT max_rows $$;
REVOKE ALL ON FUNCTION congxa_unmailed_notifications(timestamptz, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION congxa_unmailed_notifications(timestamptz, integer, integer) TO congxa_app;

-- A link to set a new password, e-mailed on request. Only a hash of the
-- token is kept; it works once, for a short time.
CREATE TABLE board_password_resets (
    token_hash  text PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    FOREIGN KEY (tenant_id, account_id) REFERENCES board_accounts (tenant_id, id) ON DELETE CASCADE
        DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX board_password_resets_account ON board_password_resets (account_id, created_at DESC);
ALTER TABLE board_password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE board_password_resets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON board_password_resets
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON board_password_resets TO congxa_app;

-- The second factor: a TOTP secret (RFC 6238, base32) once the member has
-- confirmed it with a first code, and the last time step accepted, so a
-- code is never accepted twice.
ALTER TABLE board_accounts
    ADD COLUMN totp_secret     text,
    ADD COLUMN totp_last_step  bigint;
