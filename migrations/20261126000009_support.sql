-- Operators enter a commune's workspace only through a recorded support
-- mode: with a reason, through a one-time hand-over from the console, as an
-- account of the commune's board that says who they are, in a session the
-- board sees marked as support.

-- The account an operator acts as in a commune (one per operator and
-- commune). It has no usable password: only a hand-over signs it in.
ALTER TABLE board_accounts ADD COLUMN support_operator_id uuid REFERENCES operators (id)
    DEFERRABLE INITIALLY IMMEDIATE;
CREATE UNIQUE INDEX board_accounts_support ON board_accounts (tenant_id, support_operator_id)
    WHERE support_operator_id IS NOT NULL;

-- Why a session is a support one (NULL for the board's own sessions).
ALTER TABLE board_sessions ADD COLUMN support_reason text CHECK (length(support_reason) <= 1000);

-- The console's hand-over to the commune's own address (cookies do not
-- cross domains): a token that works once, within two minutes.
CREATE TABLE support_handoffs (
    token_hash  text PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL,
    reason      text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    FOREIGN KEY (tenant_id, account_id) REFERENCES board_accounts (tenant_id, id) ON DELETE CASCADE
        DEFERRABLE INITIALLY IMMEDIATE
);
ALTER TABLE support_handoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE support_handoffs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON support_handoffs
    USING (tenant_id = congxa_current_tenant())
    WITH CHECK (tenant_id = congxa_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON support_handoffs TO congxa_app;

-- Support accounts are not the board: no e-mailed notifications for them.
CREATE OR REPLACE FUNCTION congxa_unmailed_notifications(since timestamptz, max_attempts integer, max_rows integer)
    RETURNS TABLE (tenant_id uuid, id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT n.tenant_id, n.id FROM board_notifications n
          JOIN board_accounts a ON a.id = n.account_id
          WHERE n.emailed_at IS NULL AND n.created_at >= since
            AND n.email_attempts < max_attempts AND a.active
            AND a.support_operator_id IS NULL
          ORDER BY n.id LIMIT max_rows $$;
