-- An answer's context (src/metrics/answer-context.ts: the scope's name and zone, the fiscal calendar, the
-- last data arrival) is cached under the data version, so every table it reads must move the version when
-- written. teams, reps, team_memberships (0011) and org_settings (0013) already do; the last arrival is read
-- from data_arrivals and seed_runs, which did not: an arrival recorded without any other write (or a seed run
-- completed after its data) would have left a cached context showing the old arrival.
CREATE TRIGGER data_arrivals_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_arrivals
  FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version();
--> statement-breakpoint
CREATE TRIGGER seed_runs_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON seed_runs
  FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version();
