CREATE TABLE "lead_wins" (
	"lead_id" integer PRIMARY KEY NOT NULL,
	"rep_id" integer,
	"closed_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"from_creation" boolean NOT NULL,
	"source" text,
	"product" text
);
--> statement-breakpoint
CREATE INDEX "lead_wins_closed_idx" ON "lead_wins" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "lead_wins_rep_closed_idx" ON "lead_wins" USING btree ("rep_id","closed_at");--> statement-breakpoint
-- Lead-to-close facts (src/db/schema/lead-wins.ts): one row per won lead, recomputed from the source
-- tables for some leads. The win is the lead's first won opportunity by (close, id) (index
-- opportunities_lead_won_idx), else its own conversion; exactly the raw definition of
-- src/metrics/compute/lead-cycle.ts. Idempotent: it reads the current state, so the order in which
-- cascaded triggers run (a lead deleted, its deals' lead_id set to null) does not matter.
CREATE FUNCTION tally_lead_wins_refresh(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  DELETE FROM lead_wins WHERE lead_id = ANY(ids);
  INSERT INTO lead_wins (lead_id, rep_id, closed_at, started_at, from_creation, source, product)
  SELECT l.id, coalesce(w.owner_rep_id, l.owner_rep_id), coalesce(w.closed_at, l.converted_at),
    coalesce(l.first_touch_at, l.created_at), l.first_touch_at IS NULL, l.source, w.product
  FROM leads l
  LEFT JOIN LATERAL (
    SELECT o.owner_rep_id, o.closed_at, o.product FROM opportunities o
    WHERE o.lead_id = l.id AND o.outcome = 'won' ORDER BY o.closed_at, o.id LIMIT 1
  ) w ON true
  WHERE l.id = ANY(ids) AND (w.closed_at IS NOT NULL OR l.converted_at IS NOT NULL);
END $$;
--> statement-breakpoint
-- Everything from scratch, set-based (TRUNCATE of a source table, bulk loads with the triggers off, this
-- migration's backfill): one pass over the won deals, one over the leads, written in order of the close so
-- a period's facts sit on few pages. DELETE, not TRUNCATE: this also runs inside a TRUNCATE of the source
-- tables.
CREATE FUNCTION tally_lead_wins_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM lead_wins;
  INSERT INTO lead_wins (lead_id, rep_id, closed_at, started_at, from_creation, source, product)
  SELECT l.id, coalesce(w.owner_rep_id, l.owner_rep_id), coalesce(w.closed_at, l.converted_at),
    coalesce(l.first_touch_at, l.created_at), l.first_touch_at IS NULL, l.source, w.product
  FROM leads l
  LEFT JOIN (
    SELECT DISTINCT ON (o.lead_id) o.lead_id, o.owner_rep_id, o.closed_at, o.product FROM opportunities o
    WHERE o.outcome = 'won' AND o.lead_id IS NOT NULL ORDER BY o.lead_id, o.closed_at, o.id
  ) w ON w.lead_id = l.id
  WHERE w.lead_id IS NOT NULL OR l.converted_at IS NOT NULL
  ORDER BY 3, 1;
END $$;
--> statement-breakpoint
-- Which leads a statement may have changed: a lead whose cycle inputs changed (or that is new with a
-- conversion, or gone); the leads of deals won before or after, when a won deal's lead, close, owner or
-- product changed (an amount or stage change moves nothing).
CREATE FUNCTION tally_lead_wins_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids int[] := '{}';
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_lead_wins_rebuild();
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'leads' THEN
    IF TG_OP = 'UPDATE' THEN
      ids := (SELECT coalesce(array_agg(n.id), '{}') FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.created_at, n.first_touch_at, n.converted_at, n.owner_rep_id, n.source)
          IS DISTINCT FROM (o.created_at, o.first_touch_at, o.converted_at, o.owner_rep_id, o.source));
    ELSIF TG_OP = 'INSERT' THEN
      ids := (SELECT coalesce(array_agg(id), '{}') FROM new_rows WHERE converted_at IS NOT NULL);
    ELSE
      ids := (SELECT coalesce(array_agg(lead_id), '{}') FROM lead_wins
        WHERE lead_id IN (SELECT id FROM old_rows));
    END IF;
  ELSE
    IF TG_OP = 'UPDATE' THEN
      ids := (SELECT coalesce(array_agg(DISTINCT x.lead_id), '{}') FROM (
        SELECT o.lead_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.outcome = 'won' OR n.outcome = 'won')
          AND (o.lead_id, o.outcome, o.closed_at, o.owner_rep_id, o.product)
            IS DISTINCT FROM (n.lead_id, n.outcome, n.closed_at, n.owner_rep_id, n.product)
        UNION ALL
        SELECT n.lead_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.outcome = 'won' OR n.outcome = 'won')
          AND (o.lead_id, o.outcome, o.closed_at, o.owner_rep_id, o.product)
            IS DISTINCT FROM (n.lead_id, n.outcome, n.closed_at, n.owner_rep_id, n.product)
      ) x WHERE x.lead_id IS NOT NULL);
    ELSIF TG_OP = 'INSERT' THEN
      ids := (SELECT coalesce(array_agg(DISTINCT lead_id), '{}') FROM new_rows
        WHERE outcome = 'won' AND lead_id IS NOT NULL);
    ELSE
      ids := (SELECT coalesce(array_agg(DISTINCT lead_id), '{}') FROM old_rows
        WHERE outcome = 'won' AND lead_id IS NOT NULL);
    END IF;
  END IF;
  PERFORM tally_lead_wins_refresh(ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['leads', 'opportunities'] LOOP
    EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON %2$I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_lead_wins_changed()', t || '_lead_wins_insert', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON %2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_lead_wins_changed()', t || '_lead_wins_update', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON %2$I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_lead_wins_changed()', t || '_lead_wins_delete', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON %2$I
      FOR EACH STATEMENT EXECUTE FUNCTION tally_lead_wins_changed()', t || '_lead_wins_truncate', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The leads and deals already there, then fresh statistics for the planner.
SELECT tally_lead_wins_rebuild();
--> statement-breakpoint
ANALYZE lead_wins;
