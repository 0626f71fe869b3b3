-- The reps who made calls in a team's window ("calls per rep per working day"), read index-only: a team's
-- headline no longer reads every rep row of its window (src/metrics/compute/aggregate.ts, activeReps).
CREATE INDEX "metric_rollups_calling_idx" ON "metric_rollups" USING btree ("team_id","grain","bucket","rep_id") WHERE "metric_rollups"."calls" > 0;