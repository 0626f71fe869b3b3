-- Fact refreshes serialised per lead and per account. tally_lead_wins_refresh and tally_account_refresh
-- delete a key's facts and insert them again from the source tables. Two transactions refreshing the same
-- key at once either collided on the primary key (23505, an ingest batch answered 500) or left facts
-- computed from a snapshot that missed the other's uncommitted change (a lead's first touch, a won deal),
-- wrong until the key was touched again. Each refresh now first locks its keys' source rows (FOR NO KEY
-- UPDATE, in id order; row locks live in the rows, so a refresh of 100,000 leads takes no lock-table
-- memory). A second refresh of the same key waits for the first to commit; its later statements then read
-- with a fresh snapshot (READ COMMITTED), which holds the first one's changes. FOR NO KEY UPDATE does not
-- conflict with the FOR KEY SHARE locks that foreign-key checks take, so inserting deals for a lead still
-- runs beside another such insert until both refresh.
ALTER FUNCTION tally_lead_wins_refresh(int[]) RENAME TO tally_lead_wins_refresh_unlocked;
--> statement-breakpoint
CREATE FUNCTION tally_lead_wins_refresh(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM leads WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  PERFORM tally_lead_wins_refresh_unlocked(ids);
END $$;
--> statement-breakpoint
ALTER FUNCTION tally_account_refresh(int[]) RENAME TO tally_account_refresh_unlocked;
--> statement-breakpoint
CREATE FUNCTION tally_account_refresh(ids int[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM accounts WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
  PERFORM tally_account_refresh_unlocked(ids);
END $$;
