ALTER TABLE "reps" ADD COLUMN "slack_lookup_missed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reps" ADD COLUMN "slack_lookup_missed_email" text;