-- The owner manages people over HTTP (issue 27; textus-auth's /api/crm/people): the handlers
-- may now add a person and change their role or disable them; never delete one (the audit log
-- and their texts name them).
GRANT INSERT, UPDATE (role, disabled_at) ON users TO textus_app;
