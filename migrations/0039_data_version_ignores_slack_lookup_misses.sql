-- Remembering that Slack has no user for a rep's email (reps.slack_lookup_missed_at / _email, migration 0037)
-- changes nothing a metric or an answer's context reads, yet the statement trigger of 0011 moved the data
-- version on every such UPDATE: the nudge and digest jobs write one miss per rep they could not find (a
-- workspace where many reps are not in Slack: hundreds, again every 6 hours), and each write emptied every
-- cached answer and answer context. The trigger now fires on UPDATE only when a column an answer can read is
-- set. A column added to reps later must be added here if answers read it.
DROP TRIGGER IF EXISTS reps_data_version ON reps;
--> statement-breakpoint
CREATE TRIGGER reps_data_version
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF id, name, email, slack_user_id, role, active, timezone, created_at
  ON reps FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version();
