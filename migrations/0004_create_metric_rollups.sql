CREATE TABLE "metric_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"currency" text DEFAULT '' NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"calls_connected" integer DEFAULT 0 NOT NULL,
	"talk_seconds" bigint DEFAULT 0 NOT NULL,
	"emails" integer DEFAULT 0 NOT NULL,
	"emails_opened" integer DEFAULT 0 NOT NULL,
	"emails_replied" integer DEFAULT 0 NOT NULL,
	"meetings_booked" integer DEFAULT 0 NOT NULL,
	"meetings_held" integer DEFAULT 0 NOT NULL,
	"opps_created" integer DEFAULT 0 NOT NULL,
	"pipeline_minor" bigint DEFAULT 0 NOT NULL,
	"deals_won" integer DEFAULT 0 NOT NULL,
	"won_minor" bigint DEFAULT 0 NOT NULL,
	"deals_lost" integer DEFAULT 0 NOT NULL,
	"leads_created" integer DEFAULT 0 NOT NULL,
	"leads_created_converted" integer DEFAULT 0 NOT NULL,
	"leads_qualified" integer DEFAULT 0 NOT NULL,
	"leads_qualified_converted" integer DEFAULT 0 NOT NULL,
	"newest_at" timestamp with time zone,
	CONSTRAINT "metric_rollups_grain_check" CHECK ("metric_rollups"."grain" in ('h', 'd'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "metric_rollups_key_idx" ON "metric_rollups" USING btree ("grain","bucket","rep_id","team_id","currency");--> statement-breakpoint
CREATE INDEX "metric_rollups_rep_idx" ON "metric_rollups" USING btree ("rep_id","grain","bucket");--> statement-breakpoint
CREATE INDEX "metric_rollups_team_idx" ON "metric_rollups" USING btree ("team_id","grain","bucket");