-- Churned accounts by when they became customers: windowChurn (src/metrics/compute/account-rollups.ts) reads
-- the new customers of a window that left again, a set bounded by the window, instead of every account that
-- left in it, which grows with the installed base.
CREATE INDEX "account_facts_rep_became_left_idx" ON "account_facts" USING btree ("rep_id","became") WHERE "account_facts"."left_at" is not null;--> statement-breakpoint
CREATE INDEX "account_facts_team_became_left_idx" ON "account_facts" USING btree ("team_id","became") WHERE "account_facts"."left_at" is not null;--> statement-breakpoint
CREATE INDEX "account_facts_became_left_idx" ON "account_facts" USING btree ("became") WHERE "account_facts"."left_at" is not null;