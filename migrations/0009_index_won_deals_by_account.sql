-- The metrics engine attributes an account to the rep who won its first deal (retention, CLV, ARR by
-- rep or team); this finds that deal per account without scanning every opportunity.
CREATE INDEX IF NOT EXISTS "opportunities_account_won_idx" ON "opportunities" USING btree ("account_id", "closed_at") WHERE "outcome" = 'won';
