-- The data version: a counter that moves whenever data behind a metric may have changed. Statement
-- triggers bump it on every write to the tables metrics read (inside the writing transaction), and the
-- app bumps it once more after each import, ingest batch or touch commits, so an answer cached under a
-- version is never served for data committed after it. A sequence: bumping takes no row lock.
CREATE SEQUENCE IF NOT EXISTS tally_data_version;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('tally_data_version');
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['leads', 'activities', 'opportunities', 'accounts', 'contracts', 'reps', 'teams',
    'team_memberships', 'targets'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION tally_bump_data_version()', t || '_data_version', t);
  END LOOP;
END $$;
