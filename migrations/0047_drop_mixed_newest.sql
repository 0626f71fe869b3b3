ALTER TABLE "metric_rollups" DROP COLUMN "newest_at";--> statement-breakpoint
ALTER TABLE "metric_team_rollups" DROP COLUMN "newest_at";