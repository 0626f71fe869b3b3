-- Statement triggers that read their transition tables through static PL/pgSQL queries keep the plan
-- made at the first call in a session: a transition table has no statistics beyond its row count, so a
-- plan made on an update of a few rows joins old_rows to new_rows by a nested loop, and the next update
-- of 100,000 rows in the same session (an import's next batch) scans new_rows once per old row
-- (quadratic: a re-import moving 100,000 deals to new owners did not finish in 12 minutes). These
-- queries now run through EXECUTE, planned per statement with the transition tables' real row counts,
-- as the rollup triggers' queries already were. Behaviour is unchanged.
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
        WHERE (o.outcome = 'won' OR n.outcome = 'won')
          AND (o.lead_id, o.outcome, o.closed_at, o.owner_rep_id, o.product)
            IS DISTINCT FROM (n.lead_id, n.outcome, n.closed_at, n.owner_rep_id, n.product)
      ) x WHERE x.lead_id IS NOT NULL$q$ INTO ids;
    ELSIF TG_OP = 'INSERT' THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT lead_id), '{}') FROM new_rows
        WHERE outcome = 'won' AND lead_id IS NOT NULL$q$ INTO ids;
    ELSE
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT lead_id), '{}') FROM old_rows
        WHERE outcome = 'won' AND lead_id IS NOT NULL$q$ INTO ids;
    END IF;
  END IF;
  PERFORM tally_lead_wins_refresh(ids);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_account_state_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids int[] := '{}';
  more int[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_account_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'accounts' THEN
    IF TG_OP = 'UPDATE' THEN
      EXECUTE $q$SELECT coalesce(array_agg(n.id), '{}') FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.became_customer_at, n.churned_at) IS DISTINCT FROM (o.became_customer_at, o.churned_at)$q$
        INTO ids;
    ELSIF TG_OP = 'INSERT' THEN
      EXECUTE $q$SELECT coalesce(array_agg(id), '{}') FROM new_rows WHERE became_customer_at IS NOT NULL$q$
        INTO ids;
    ELSE
      EXECUTE $q$SELECT coalesce(array_agg(account_id), '{}') FROM account_facts
        WHERE account_id IN (SELECT id FROM old_rows)$q$ INTO ids;
    END IF;
  ELSIF TG_TABLE_NAME = 'team_memberships' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      EXECUTE $q$SELECT coalesce(array_agg(account_id), '{}') FROM account_facts
        WHERE rep_id IN (SELECT rep_id FROM old_rows) AND owned$q$ INTO more;
      ids := ids || more;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      EXECUTE $q$SELECT coalesce(array_agg(account_id), '{}') FROM account_facts
        WHERE rep_id IN (SELECT rep_id FROM new_rows) AND owned$q$ INTO more;
      ids := ids || more;
    END IF;
  ELSIF TG_TABLE_NAME = 'opportunities' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM old_rows
        WHERE outcome = 'won' AND account_id IS NOT NULL$q$ INTO more;
      ids := ids || more;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM new_rows
        WHERE outcome = 'won' AND account_id IS NOT NULL$q$ INTO more;
      ids := ids || more;
    END IF;
  ELSE
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM old_rows$q$ INTO more;
      ids := ids || more;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      EXECUTE $q$SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM new_rows$q$ INTO more;
      ids := ids || more;
    END IF;
  END IF;
  PERFORM tally_account_refresh(array(SELECT DISTINCT unnest(ids)));
  RETURN NULL;
END $$;
