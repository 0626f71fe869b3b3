ALTER TABLE "contract_facts" ADD COLUMN "licenses" integer;--> statement-breakpoint
CREATE INDEX "opportunities_open_expected_idx" ON "opportunities" USING btree ("expected_close_date") WHERE "opportunities"."outcome" = 'open' and "opportunities"."expected_close_date" is not null;--> statement-breakpoint
CREATE INDEX "opportunities_owner_open_expected_idx" ON "opportunities" USING btree ("owner_rep_id","expected_close_date") WHERE "opportunities"."outcome" = 'open' and "opportunities"."expected_close_date" is not null;--> statement-breakpoint
-- ARPU from the account state: contract_facts keeps the licenses of per-license contracts (licenses and
-- revenue per license both set; else null), and account_rollups counts their events: kind 7 per-license
-- contract starts and 8 ends (amount = ARR, licenses × revenue per license), 9 and 10 the same with the
-- licenses as amount. Bodies otherwise as in migration 0022.
CREATE OR REPLACE FUNCTION tally_account_refresh(ids int[]) RETURNS void
LANGUAGE plpgsql SET extra_float_digits = 3 AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  DELETE FROM deal_facts WHERE account_id = ANY(ids);
  DELETE FROM contract_facts WHERE account_id = ANY(ids);
  DELETE FROM account_facts WHERE account_id = ANY(ids);
  INSERT INTO account_facts (account_id, rep_id, team_id, owned, became, churned, left_at)
  SELECT a.id, coalesce(fw.owner_rep_id, 0), coalesce(m.team_id, 0), fw.id IS NOT NULL, a.became_customer_at,
    a.churned_at, CASE WHEN a.churned_at IS NOT NULL THEN greatest(a.became_customer_at, a.churned_at) END
  FROM accounts a
  LEFT JOIN LATERAL (
    SELECT o.id, o.owner_rep_id, o.closed_at FROM opportunities o
    WHERE o.account_id = a.id AND o.outcome = 'won' ORDER BY o.closed_at, o.id LIMIT 1
  ) fw ON true
  LEFT JOIN LATERAL (
    SELECT tm.team_id FROM team_memberships tm WHERE tm.rep_id = fw.owner_rep_id AND tm.valid_from <= fw.closed_at
      AND (tm.valid_to IS NULL OR fw.closed_at < tm.valid_to) ORDER BY tm.valid_from DESC, tm.team_id LIMIT 1
  ) m ON true
  WHERE a.id = ANY(ids) AND a.became_customer_at IS NOT NULL;
  INSERT INTO contract_facts (contract_id, account_id, rep_id, team_id, owned, currency, arr, licenses, starts_at, ends_at)
  SELECT c.id, c.account_id, f.rep_id, f.team_id, f.owned, c.currency::text,
    (CASE WHEN c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL
      THEN c.licenses::float8 * c.revenue_per_license_minor
      ELSE c.total_value_minor::float8 / nullif(coalesce(c.contract_years::float8,
        extract(epoch FROM (c.ends_at - c.starts_at)) / 31557600.0), 0) END)::text::numeric,
    CASE WHEN c.revenue_per_license_minor IS NOT NULL THEN c.licenses END,
    c.starts_at, c.ends_at
  FROM contracts c JOIN account_facts f ON f.account_id = c.account_id
  WHERE c.account_id = ANY(ids);
  INSERT INTO deal_facts (opportunity_id, account_id, rep_id, team_id, currency, amount_minor, closed_at)
  SELECT o.id, o.account_id, f.rep_id, f.team_id, o.currency::text, o.amount_minor, o.closed_at
  FROM opportunities o JOIN account_facts f ON f.account_id = o.account_id
  WHERE o.account_id = ANY(ids) AND o.outcome = 'won';
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tally_account_events_sql(tbl text, rel text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select case tbl
    when 'account_facts' then format($q$
      select 1::smallint as kind, became as at, rep_id, team_id, owned, ''::text as currency, null::numeric as amount from %1$s
      union all
      select 2::smallint, left_at, rep_id, team_id, owned, '', null from %1$s where left_at is not null$q$, rel)
    when 'contract_facts' then format($q$
      select 4::smallint as kind, starts_at as at, rep_id, team_id, owned, currency, arr as amount from %1$s
      union all
      select 5::smallint, ends_at, rep_id, team_id, owned, currency, arr from %1$s
      union all
      select 7::smallint, starts_at, rep_id, team_id, owned, currency, arr from %1$s where licenses is not null
      union all
      select 8::smallint, ends_at, rep_id, team_id, owned, currency, arr from %1$s where licenses is not null
      union all
      select 9::smallint, starts_at, rep_id, team_id, owned, currency, licenses::numeric from %1$s where licenses is not null
      union all
      select 10::smallint, ends_at, rep_id, team_id, owned, currency, licenses::numeric from %1$s where licenses is not null$q$, rel)
    else format($q$
      select 6::smallint as kind, closed_at as at, rep_id, team_id, true as owned, currency, amount_minor::numeric as amount
      from %1$s$q$, rel)
  end
$f$;
--> statement-breakpoint
-- Contracts already in the state: their licenses (the rollup triggers off: kinds 4 and 5 are unchanged),
-- then the new kinds' buckets in one set-based insert.
DO $$
BEGIN
  PERFORM set_config('tally.account_rebuild', 'on', true);
  UPDATE contract_facts f SET licenses = c.licenses
  FROM contracts c
  WHERE c.id = f.contract_id AND c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL;
  PERFORM set_config('tally.account_rebuild', 'off', true);
  EXECUTE tally_account_rollup_sql($q$
    select 7::smallint as kind, starts_at as at, rep_id, team_id, owned, currency, arr as amount from contract_facts where licenses is not null
    union all
    select 8::smallint, ends_at, rep_id, team_id, owned, currency, arr from contract_facts where licenses is not null
    union all
    select 9::smallint, starts_at, rep_id, team_id, owned, currency, licenses::numeric from contract_facts where licenses is not null
    union all
    select 10::smallint, ends_at, rep_id, team_id, owned, currency, licenses::numeric from contract_facts where licenses is not null$q$, 1);
END $$;
--> statement-breakpoint
ANALYZE contract_facts;
--> statement-breakpoint
ANALYZE account_rollups;
