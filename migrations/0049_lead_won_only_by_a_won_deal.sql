CREATE INDEX "opportunities_lead_idx" ON "opportunities" USING btree ("lead_id") WHERE "opportunities"."lead_id" is not null;--> statement-breakpoint
-- Lead-to-close: a lead's own conversion counts as its win only when no deal is on the lead (the data set
-- records the win on the lead, as Olist does). A lead converted into deals is won by its first won deal, or
-- not won at all: in a Salesforce-style CRM "converted" means a deal was opened, and a lead whose deal was
-- lost or is still open was counted as won at its conversion (tester). The raw definition
-- (src/metrics/compute/lead-cycle.ts) says the same.
CREATE OR REPLACE FUNCTION tally_lead_wins_refresh_unlocked(ids int[]) RETURNS void
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
  WHERE l.id = ANY(ids) AND (w.closed_at IS NOT NULL OR (l.converted_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM opportunities v WHERE v.lead_id = l.id)));
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_lead_wins_rebuild() RETURNS void
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
  WHERE w.lead_id IS NOT NULL OR (l.converted_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM opportunities v WHERE v.lead_id = l.id))
  ORDER BY 3, 1;
END $$;
--> statement-breakpoint
-- Which leads a statement may have changed: as in 0048, and now also the leads a deal of any outcome joins or
-- leaves (a lead's conversion counts only while no deal is on it).
CREATE OR REPLACE FUNCTION tally_lead_wins_changed() RETURNS trigger
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
      EXECUTE $q$SELECT coalesce(array_agg(n.id), '{}') FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.created_at, n.first_touch_at, n.converted_at, n.owner_rep_id, n.source)
          IS DISTINCT FROM (o.created_at, o.first_touch_at, o.converted_at, o.owner_rep_id, o.source)$q$
        INTO ids;
    ELSIF TG_OP = 'INSERT' THEN
      EXECUTE $q$SELECT coalesce(array_agg(id), '{}') FROM new_rows WHERE converted_at IS NOT NULL$q$ INTO ids;
    ELSE
      EXECUTE $q$SELECT coalesce(array_agg(lead_id), '{}') FROM lead_wins
        WHERE lead_id IN (SELECT id FROM old_rows)$q$ INTO ids;
    END IF;
  ELSE
    IF TG_OP = 'UPDATE' THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT x.lead_id), '{}') FROM (
        SELECT unnest(array[o.lead_id, n.lead_id]) AS lead_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.lead_id IS DISTINCT FROM n.lead_id
          OR ((o.outcome = 'won' OR n.outcome = 'won')
            AND (o.outcome, o.closed_at, o.owner_rep_id, o.product)
              IS DISTINCT FROM (n.outcome, n.closed_at, n.owner_rep_id, n.product))
      ) x WHERE x.lead_id IS NOT NULL$q$ INTO ids;
    ELSIF TG_OP = 'INSERT' THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT lead_id), '{}') FROM new_rows
        WHERE lead_id IS NOT NULL$q$ INTO ids;
    ELSE
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT lead_id), '{}') FROM old_rows
        WHERE lead_id IS NOT NULL$q$ INTO ids;
    END IF;
  END IF;
  PERFORM tally_lead_wins_refresh(ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
SELECT tally_lead_wins_rebuild();
