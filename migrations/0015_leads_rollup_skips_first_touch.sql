-- A lead update only moves the rollups when a rollup input changed (created_at, owner_rep_id,
-- qualified_at, converted_at). first_touch_at, name, source … are not rollup inputs: an activities
-- import refreshes first_touch_at on many leads and must not rewrite their rollup rows.
CREATE OR REPLACE FUNCTION tally_rollup_leads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_rollup_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    EXECUTE tally_rollup_sql('select e.* from old_rows t join new_rows n on n.id = t.id cross join lateral tally_leads_events(t) e where (t.created_at, t.owner_rep_id, t.qualified_at, t.converted_at) is distinct from (n.created_at, n.owner_rep_id, n.qualified_at, n.converted_at)', -1);
    EXECUTE tally_rollup_sql('select e.* from new_rows t join old_rows o on o.id = t.id cross join lateral tally_leads_events(t) e where (t.created_at, t.owner_rep_id, t.qualified_at, t.converted_at) is distinct from (o.created_at, o.owner_rep_id, o.qualified_at, o.converted_at)', 1);
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    EXECUTE tally_rollup_sql('select e.* from old_rows t cross join lateral tally_leads_events(t) e', -1);
  END IF;
  IF TG_OP = 'INSERT' THEN
    EXECUTE tally_rollup_sql('select e.* from new_rows t cross join lateral tally_leads_events(t) e', 1);
  END IF;
  RETURN NULL;
END $$;
