CREATE TABLE "contracts_left_out" (
	"contract_id" integer PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"per_license" boolean NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "contracts_left_out_account_idx" ON "contracts_left_out" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "contracts_left_out_ends_idx" ON "contracts_left_out" USING btree ("ends_at");--> statement-breakpoint
-- Contracts ARR and ARPU leave out: those of accounts with no became_customer_at (not customers, so not in
-- account_facts or contract_facts). Kept by the same refresh as the facts: an account's rows are
-- recomputed from the source tables whenever its contracts or its customer date change (the statement
-- triggers of migration 0022 already refresh those accounts; a deleted account's contracts cascade and
-- refresh it too), and rebuilt with everything else. Answers count the ones in force at an instant through
-- contracts_left_out_ends_idx instead of joining every contract in force to its account.
ALTER FUNCTION tally_account_refresh_unlocked(int[]) RENAME TO tally_account_refresh_facts;
--> statement-breakpoint
CREATE FUNCTION tally_account_refresh_unlocked(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  PERFORM tally_account_refresh_facts(ids);
  DELETE FROM contracts_left_out WHERE account_id = ANY(ids);
  INSERT INTO contracts_left_out (contract_id, account_id, per_license, starts_at, ends_at)
  SELECT c.id, c.account_id, c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL, c.starts_at, c.ends_at
  FROM contracts c JOIN accounts a ON a.id = c.account_id
  WHERE c.account_id = ANY(ids) AND a.became_customer_at IS NULL;
END $$;
--> statement-breakpoint
-- As in migration 0022, and the contracts left out from scratch (the refresh above sees customers only).
CREATE OR REPLACE FUNCTION tally_account_rebuild_all() RETURNS void
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
  DELETE FROM contracts_left_out;
  INSERT INTO contracts_left_out (contract_id, account_id, per_license, starts_at, ends_at)
  SELECT c.id, c.account_id, c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL, c.starts_at, c.ends_at
  FROM contracts c JOIN accounts a ON a.id = c.account_id
  WHERE a.became_customer_at IS NULL;
  PERFORM nextval('tally_data_version');
END $$;
--> statement-breakpoint
-- Contracts that arrived before this migration.
INSERT INTO contracts_left_out (contract_id, account_id, per_license, starts_at, ends_at)
SELECT c.id, c.account_id, c.licenses IS NOT NULL AND c.revenue_per_license_minor IS NOT NULL, c.starts_at, c.ends_at
FROM contracts c JOIN accounts a ON a.id = c.account_id
WHERE a.became_customer_at IS NULL;
