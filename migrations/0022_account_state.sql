CREATE TABLE "account_facts" (
	"account_id" integer PRIMARY KEY NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"owned" boolean NOT NULL,
	"became" timestamp with time zone NOT NULL,
	"churned" timestamp with time zone,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "account_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"kind" smallint NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"owned" boolean NOT NULL,
	"currency" text DEFAULT '' NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	"amount" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "account_rollups_grain_check" CHECK ("account_rollups"."grain" in ('h', 'd', 'm', 'a'))
);
--> statement-breakpoint
CREATE TABLE "contract_facts" (
	"contract_id" integer PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"owned" boolean NOT NULL,
	"currency" text NOT NULL,
	"arr" numeric,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_facts" (
	"opportunity_id" integer PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint,
	"closed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "account_facts_rep_became_idx" ON "account_facts" USING btree ("rep_id","became");--> statement-breakpoint
CREATE INDEX "account_facts_team_became_idx" ON "account_facts" USING btree ("team_id","became");--> statement-breakpoint
CREATE INDEX "account_facts_became_idx" ON "account_facts" USING btree ("became");--> statement-breakpoint
CREATE INDEX "account_facts_rep_left_idx" ON "account_facts" USING btree ("rep_id","left_at") WHERE "account_facts"."left_at" is not null;--> statement-breakpoint
CREATE INDEX "account_facts_team_left_idx" ON "account_facts" USING btree ("team_id","left_at") WHERE "account_facts"."left_at" is not null;--> statement-breakpoint
CREATE INDEX "account_facts_left_idx" ON "account_facts" USING btree ("left_at") WHERE "account_facts"."left_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "account_rollups_key_idx" ON "account_rollups" USING btree ("grain","kind","bucket","rep_id","team_id","owned","currency");--> statement-breakpoint
CREATE INDEX "account_rollups_rep_idx" ON "account_rollups" USING btree ("rep_id","kind","grain","bucket");--> statement-breakpoint
CREATE INDEX "account_rollups_team_idx" ON "account_rollups" USING btree ("team_id","kind","grain","bucket");--> statement-breakpoint
CREATE INDEX "contract_facts_account_idx" ON "contract_facts" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "contract_facts_rep_starts_idx" ON "contract_facts" USING btree ("rep_id","starts_at");--> statement-breakpoint
CREATE INDEX "contract_facts_team_starts_idx" ON "contract_facts" USING btree ("team_id","starts_at");--> statement-breakpoint
CREATE INDEX "contract_facts_starts_idx" ON "contract_facts" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "contract_facts_ends_idx" ON "contract_facts" USING btree ("ends_at");--> statement-breakpoint
CREATE INDEX "contract_facts_unowned_idx" ON "contract_facts" USING btree ("ends_at") WHERE not "contract_facts"."owned";--> statement-breakpoint
CREATE INDEX "deal_facts_account_idx" ON "deal_facts" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "deal_facts_rep_closed_idx" ON "deal_facts" USING btree ("rep_id","closed_at");--> statement-breakpoint
CREATE INDEX "deal_facts_team_closed_idx" ON "deal_facts" USING btree ("team_id","closed_at");--> statement-breakpoint
CREATE INDEX "deal_facts_closed_idx" ON "deal_facts" USING btree ("closed_at");--> statement-breakpoint
-- Account state for retention, CLV and ARR (src/db/schema/account-state.ts). The facts of some accounts,
-- recomputed from the source tables: the account (owner = the rep who won its first deal, by close then
-- id, and that rep's team at that close), its contracts (ARR exactly as the metric computes it, kept as the
-- exact numeric of that float8) and its won deals. Idempotent: it reads the current state, so the order in
-- which cascaded triggers run does not matter.
CREATE FUNCTION tally_account_refresh(ids int[]) RETURNS void
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
  INSERT INTO contract_facts (contract_id, account_id, rep_id, team_id, owned, currency, arr, starts_at, ends_at)
  SELECT c.id, c.account_id, f.rep_id, f.team_id, f.owned, c.currency::text,
    (CASE WHEN c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL
      THEN c.licenses::float8 * c.revenue_per_license_minor
      ELSE c.total_value_minor::float8 / nullif(coalesce(c.contract_years::float8,
        extract(epoch FROM (c.ends_at - c.starts_at)) / 31557600.0), 0) END)::text::numeric,
    c.starts_at, c.ends_at
  FROM contracts c JOIN account_facts f ON f.account_id = c.account_id
  WHERE c.account_id = ANY(ids);
  INSERT INTO deal_facts (opportunity_id, account_id, rep_id, team_id, currency, amount_minor, closed_at)
  SELECT o.id, o.account_id, f.rep_id, f.team_id, o.currency::text, o.amount_minor, o.closed_at
  FROM opportunities o JOIN account_facts f ON f.account_id = o.account_id
  WHERE o.account_id = ANY(ids) AND o.outcome = 'won';
END $$;
--> statement-breakpoint
-- Everything from scratch (TRUNCATE of a source table, bulk loads with the triggers off), then a data
-- version bump: a bulk load runs with the source tables' triggers (data version included) off.
CREATE FUNCTION tally_account_rebuild_all() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- DELETE, not TRUNCATE: this also runs inside a TRUNCATE of the source tables (which may list these).
  PERFORM set_config('tally.account_rebuild', 'on', true);
  DELETE FROM deal_facts;
  DELETE FROM contract_facts;
  DELETE FROM account_facts;
  DELETE FROM account_rollups;
  PERFORM set_config('tally.account_rebuild', 'off', true);
  PERFORM tally_account_refresh(array(SELECT id FROM accounts WHERE became_customer_at IS NOT NULL));
  PERFORM nextval('tally_data_version');
END $$;
--> statement-breakpoint
-- The events of a set of fact rows (`rel`: old_rows or new_rows of table `tbl`) as (kind, at, rep_id,
-- team_id, owned, currency, amount).
CREATE FUNCTION tally_account_events_sql(tbl text, rel text) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select case tbl
    when 'account_facts' then format($q$
      select 1::smallint as kind, became as at, rep_id, team_id, owned, ''::text as currency, null::numeric as amount from %1$s
      union all
      select 2::smallint, left_at, rep_id, team_id, owned, '', null from %1$s where left_at is not null$q$, rel)
    when 'contract_facts' then format($q$
      select 4::smallint as kind, starts_at as at, rep_id, team_id, owned, currency, arr as amount from %1$s
      union all
      select 5::smallint, ends_at, rep_id, team_id, owned, currency, arr from %1$s$q$, rel)
    else format($q$
      select 6::smallint as kind, closed_at as at, rep_id, team_id, true as owned, currency, amount_minor::numeric as amount
      from %1$s$q$, rel)
  end
$f$;
--> statement-breakpoint
-- Adds (sign 1) or removes (sign -1) events in hour, day, month and all-time buckets. Emptied buckets stay
-- with n = 0 (readers sum them harmlessly).
CREATE FUNCTION tally_account_rollup_sql(events text, sign int) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  select format($q$
  insert into account_rollups as r (grain, kind, bucket, rep_id, team_id, owned, currency, n, amount)
  select g.grain, e.kind, coalesce(date_trunc(g.unit, e.at, 'UTC'), 'epoch'::timestamptz), e.rep_id, e.team_id,
    e.owned, e.currency, %1$s * count(*), %1$s * coalesce(sum(e.amount), 0)
  from (%2$s) e
  cross join (values ('h', 'hour'), ('d', 'day'), ('m', 'month'), ('a', null)) g(grain, unit)
  group by 1, 2, 3, 4, 5, 6, 7
  order by 1, 2, 3, 4, 5, 6, 7
  on conflict (grain, kind, bucket, rep_id, team_id, owned, currency)
  do update set n = r.n + excluded.n, amount = r.amount + excluded.amount
  $q$, sign, events)
$f$;
--> statement-breakpoint
CREATE FUNCTION tally_account_rollup_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A full rebuild empties the rollups itself.
  IF current_setting('tally.account_rebuild', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE tally_account_rollup_sql(tally_account_events_sql(TG_TABLE_NAME, 'old_rows'), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE tally_account_rollup_sql(tally_account_events_sql(TG_TABLE_NAME, 'new_rows'), 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['account_facts', 'contract_facts', 'deal_facts'] LOOP
    EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON %2$I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_rollup_facts()', t || '_rollup_insert', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON %2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_rollup_facts()', t || '_rollup_update', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON %2$I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_rollup_facts()', t || '_rollup_delete', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- Source tables: which accounts a statement may have changed. Opportunities matter only when won (before
-- or after); a membership change moves the accounts its reps own.
CREATE FUNCTION tally_account_state_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids int[] := '{}';
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM tally_account_rebuild_all();
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'accounts' THEN
    IF TG_OP = 'UPDATE' THEN
      ids := (SELECT coalesce(array_agg(n.id), '{}') FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.became_customer_at, n.churned_at) IS DISTINCT FROM (o.became_customer_at, o.churned_at));
    ELSIF TG_OP = 'INSERT' THEN
      ids := (SELECT coalesce(array_agg(id), '{}') FROM new_rows WHERE became_customer_at IS NOT NULL);
    ELSE
      ids := (SELECT coalesce(array_agg(account_id), '{}') FROM account_facts
        WHERE account_id IN (SELECT id FROM old_rows));
    END IF;
  ELSIF TG_TABLE_NAME = 'team_memberships' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      ids := ids || (SELECT coalesce(array_agg(account_id), '{}') FROM account_facts
        WHERE rep_id IN (SELECT rep_id FROM old_rows) AND owned);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      ids := ids || (SELECT coalesce(array_agg(account_id), '{}') FROM account_facts
        WHERE rep_id IN (SELECT rep_id FROM new_rows) AND owned);
    END IF;
  ELSIF TG_TABLE_NAME = 'opportunities' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      ids := ids || (SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM old_rows
        WHERE outcome = 'won' AND account_id IS NOT NULL);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      ids := ids || (SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM new_rows
        WHERE outcome = 'won' AND account_id IS NOT NULL);
    END IF;
  ELSE
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      ids := ids || (SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      ids := ids || (SELECT coalesce(array_agg(DISTINCT account_id), '{}') FROM new_rows);
    END IF;
  END IF;
  PERFORM tally_account_refresh(array(SELECT DISTINCT unnest(ids)));
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['accounts', 'contracts', 'opportunities', 'team_memberships'] LOOP
    EXECUTE format('CREATE TRIGGER %1$I AFTER INSERT ON %2$I REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_state_changed()', t || '_account_state_insert', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER UPDATE ON %2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_state_changed()', t || '_account_state_update', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER DELETE ON %2$I REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_state_changed()', t || '_account_state_delete', t);
    EXECUTE format('CREATE TRIGGER %1$I AFTER TRUNCATE ON %2$I
      FOR EACH STATEMENT EXECUTE FUNCTION tally_account_state_changed()', t || '_account_state_truncate', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- Data that arrived before this migration.
SELECT tally_account_rebuild_all();
