-- The audit log is append-only: the database refuses to change, delete or empty it, whoever asks.
--
-- Each entry's hash already covers the one before it, so a changed or deleted row breaks the chain;
-- but whoever can rewrite rows can also recompute the chain from there on. These triggers make the
-- rule hold in the database for every role and every code path. They are enabled ALWAYS, so they
-- fire under `session_replication_role = replica` too. A superuser can still drop or disable them
-- (ALTER TABLE): that is why the log's head is also signed with a key kept outside the database
-- and published (results pages, the outcome API, every export), and `mizan audit verify
-- --expect-head` compares the log with what was published.

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % of audit_log is refused (entries are never changed or removed)', TG_OP
        USING ERRCODE = 'P0001', HINT = 'to correct something, record a new action; the log keeps every past entry';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;
