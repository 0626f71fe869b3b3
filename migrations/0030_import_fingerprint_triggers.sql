-- Import fingerprints (0026) stay exactly right through two kinds of trigger:
-- 1. Any UPDATE of an opportunity or activity deletes its fingerprint (the CSV import writes it again
--    after its own update), so a fingerprint never vouches for a row that changed since the import;
--    a DELETE deletes it, a TRUNCATE empties the fingerprint table (ids may restart: RESTART IDENTITY).
-- 2. Any change that could make a stored row's references resolve differently raises the one-row
--    import_reference_epoch, which is part of every fingerprint: a rep or account renamed or removed, a
--    lead's or deal's external id changed or removed, a rep or account inserted that would now win a name
--    lookup (the oldest row of a name wins; an account's external id wins over another's name).
INSERT INTO "import_reference_epoch" ("id", "epoch") VALUES (1, 0) ON CONFLICT DO NOTHING;--> statement-breakpoint
CREATE FUNCTION tally_raise_import_epoch() RETURNS void LANGUAGE sql AS $f$
  INSERT INTO import_reference_epoch AS e (id, epoch) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET epoch = e.epoch + 1;
$f$;--> statement-breakpoint
-- Row triggers whose WHEN already says the reference changed; TRUNCATE.
CREATE FUNCTION tally_import_epoch_always() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM tally_raise_import_epoch();
  RETURN NULL;
END $f$;--> statement-breakpoint
-- DELETE statements: only when they removed a row.
CREATE FUNCTION tally_import_epoch_on_delete() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows) THEN PERFORM tally_raise_import_epoch(); END IF;
  RETURN NULL;
END $f$;--> statement-breakpoint
-- A new rep older than another of its name would win that name (never with serial ids, but cheap to check).
CREATE FUNCTION tally_import_epoch_on_rep_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF (SELECT count(*) FROM new_rows n JOIN reps r ON r.name = n.name AND r.id > n.id) > 0 THEN
    PERFORM tally_raise_import_epoch();
  END IF;
  RETURN NULL;
END $f$;--> statement-breakpoint
-- A new account whose external id is another account's name takes that reference over; one older than
-- another of its name would win the name.
CREATE FUNCTION tally_import_epoch_on_account_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  -- Counts, not EXISTS: for EXISTS the planner picks a nested loop (it expects an early match), which
  -- took 3 s for 5,000 new accounts; a count is a hash join (24 ms).
  IF (SELECT count(*) FROM new_rows n JOIN accounts a ON a.name = n.external_id AND a.id <> n.id)
     + (SELECT count(*) FROM new_rows n JOIN accounts a ON a.name = n.name AND a.id > n.id) > 0 THEN
    PERFORM tally_raise_import_epoch();
  END IF;
  RETURN NULL;
END $f$;--> statement-breakpoint
CREATE TRIGGER reps_import_epoch_update AFTER UPDATE OF name, email ON reps FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR (OLD.email IS NOT NULL AND OLD.email IS DISTINCT FROM NEW.email))
  EXECUTE FUNCTION tally_import_epoch_always();--> statement-breakpoint
CREATE TRIGGER reps_import_epoch_insert AFTER INSERT ON reps REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tally_import_epoch_on_rep_insert();--> statement-breakpoint
CREATE TRIGGER accounts_import_epoch_update AFTER UPDATE OF external_id, name ON accounts FOR EACH ROW
  WHEN (OLD.external_id IS DISTINCT FROM NEW.external_id OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION tally_import_epoch_always();--> statement-breakpoint
CREATE TRIGGER accounts_import_epoch_insert AFTER INSERT ON accounts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tally_import_epoch_on_account_insert();--> statement-breakpoint
CREATE TRIGGER leads_import_epoch_update AFTER UPDATE OF external_id ON leads FOR EACH ROW
  WHEN (OLD.external_id IS DISTINCT FROM NEW.external_id)
  EXECUTE FUNCTION tally_import_epoch_always();--> statement-breakpoint
CREATE TRIGGER opportunities_import_epoch_update AFTER UPDATE OF external_id ON opportunities FOR EACH ROW
  WHEN (OLD.external_id IS DISTINCT FROM NEW.external_id)
  EXECUTE FUNCTION tally_import_epoch_always();--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reps', 'accounts', 'leads', 'opportunities'] LOOP
    EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON %2$I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_import_epoch_on_delete()', t || '_import_epoch_delete', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON %2$I
      FOR EACH STATEMENT EXECUTE FUNCTION tally_import_epoch_always()', t || '_import_epoch_truncate', t);
  END LOOP;
END $$;--> statement-breakpoint
-- 1. An update or delete by any path removes the fingerprints of its rows; a truncate all of them.
CREATE FUNCTION tally_forget_fingerprints() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  -- TG_ARGV: the fingerprint table and its row id column.
  IF TG_OP = 'TRUNCATE' THEN
    -- Not TRUNCATE: the statement that fired this may be truncating that table too ("in use").
    EXECUTE format('DELETE FROM %I', TG_ARGV[0]);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('DELETE FROM %I f USING old_rows o WHERE f.%I = o.id', TG_ARGV[0], TG_ARGV[1]);
  ELSE
    EXECUTE format('DELETE FROM %I f USING new_rows n WHERE f.%I = n.id', TG_ARGV[0], TG_ARGV[1]);
  END IF;
  RETURN NULL;
END $f$;--> statement-breakpoint
DO $$
DECLARE t text[];
BEGIN
  FOREACH t SLICE 1 IN ARRAY ARRAY[['opportunities', 'opportunity_fingerprints', 'opportunity_id'],
                                  ['activities', 'activity_fingerprints', 'activity_id']] LOOP
    EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON %2$I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_forget_fingerprints(%3$L, %4$L)', t[1] || '_forget_fingerprints_update', t[1], t[2], t[3]);
    EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON %2$I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_forget_fingerprints(%3$L, %4$L)', t[1] || '_forget_fingerprints_delete', t[1], t[2], t[3]);
    EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON %2$I
      FOR EACH STATEMENT EXECUTE FUNCTION tally_forget_fingerprints(%3$L, %4$L)', t[1] || '_forget_fingerprints_truncate', t[1], t[2], t[3]);
  END LOOP;
END $$;
