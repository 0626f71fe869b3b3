-- The fiscal calendar (org_settings) decides what "this quarter" means and business hours (alert_settings)
-- decide response time's business-hours figures, so a change to either moves the data version like any
-- other write behind a metric: no cached answer outlives it.
CREATE TRIGGER org_settings_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON org_settings
  FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version();
--> statement-breakpoint
CREATE TRIGGER alert_settings_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON alert_settings
  FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version();
