-- bench/run: posts' audit triggers as schema.sql has them (:mode = 'statement': inserts and deletes
-- recorded per statement from the transition table) or the per-row trigger it replaced (:mode = 'row').
DROP TRIGGER posts_audit_insert ON posts;
DROP TRIGGER posts_audit_delete ON posts;
SELECT :'mode' = 'row' AS per_row \gset
\if :per_row
CREATE TRIGGER posts_audit_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER posts_audit_delete AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION audit_row();
\else
CREATE TRIGGER posts_audit_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER posts_audit_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
\endif
