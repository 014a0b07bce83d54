-- Cached survey reads are dropped on every instance when surveys or their members change
-- (`latchkey_data_changed` is the core's, see core/0003_change_notices.sql).

CREATE TRIGGER surveys_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON surveys
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_data_changed();
CREATE TRIGGER survey_memberships_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON survey_memberships
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_data_changed();
