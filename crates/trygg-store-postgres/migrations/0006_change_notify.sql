-- Every committed write wakes the other servers at once: a statement that appends to the audit
-- log (the change feed every server follows) sends a notification on the channel
-- trygg_changes, which PostgreSQL delivers at commit (and not at all after a rollback), once
-- per transaction for identical payloads. Servers still catch up by audit id every second, so
-- a missed notification only delays.
CREATE FUNCTION trygg_notify_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('trygg_changes', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION trygg_notify_change();
