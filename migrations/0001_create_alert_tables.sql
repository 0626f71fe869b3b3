CREATE TABLE "alert_settings" (
	"team_id" integer PRIMARY KEY NOT NULL,
	"escalation_seconds" integer,
	"business_days" smallint[],
	"day_start_minute" smallint,
	"day_end_minute" smallint,
	"timezone" text,
	"slip_enabled" boolean DEFAULT true NOT NULL,
	"channel_id" text,
	"updated_by_rep_id" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_settings_hours_check" CHECK ("alert_settings"."business_days" is null or ("alert_settings"."day_start_minute" between 0 and 1439 and "alert_settings"."day_end_minute" between 1 and 1440 and "alert_settings"."day_end_minute" > "alert_settings"."day_start_minute"))
);
--> statement-breakpoint
CREATE TABLE "lead_nudges" (
	"id" serial PRIMARY KEY NOT NULL,
	"lead_id" integer NOT NULL,
	"stage" text NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"recipient_rep_id" integer,
	"claimed_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"slack_channel" text,
	"slack_ts" text,
	"error" text,
	"picked_by_rep_id" integer,
	"picked_at" timestamp with time zone,
	CONSTRAINT "lead_nudges_stage_check" CHECK ("lead_nudges"."stage" in ('owner', 'manager', 'channel')),
	CONSTRAINT "lead_nudges_status_check" CHECK ("lead_nudges"."status" in ('claimed', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "lead_snoozes" (
	"lead_id" integer PRIMARY KEY NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"by_rep_id" integer,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slip_alerts" (
	"kind" text NOT NULL,
	"rep_id" integer NOT NULL,
	"day" date NOT NULL,
	"team_id" integer,
	"median_seconds" integer,
	"status" text DEFAULT 'claimed' NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "slip_alerts_kind_rep_id_day_pk" PRIMARY KEY("kind","rep_id","day"),
	CONSTRAINT "slip_alerts_kind_check" CHECK ("slip_alerts"."kind" in ('rep', 'rollup'))
);
--> statement-breakpoint
ALTER TABLE "alert_settings" ADD CONSTRAINT "alert_settings_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_settings" ADD CONSTRAINT "alert_settings_updated_by_rep_id_reps_id_fk" FOREIGN KEY ("updated_by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_nudges" ADD CONSTRAINT "lead_nudges_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_nudges" ADD CONSTRAINT "lead_nudges_recipient_rep_id_reps_id_fk" FOREIGN KEY ("recipient_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_nudges" ADD CONSTRAINT "lead_nudges_picked_by_rep_id_reps_id_fk" FOREIGN KEY ("picked_by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_snoozes" ADD CONSTRAINT "lead_snoozes_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_snoozes" ADD CONSTRAINT "lead_snoozes_by_rep_id_reps_id_fk" FOREIGN KEY ("by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slip_alerts" ADD CONSTRAINT "slip_alerts_rep_id_reps_id_fk" FOREIGN KEY ("rep_id") REFERENCES "public"."reps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slip_alerts" ADD CONSTRAINT "slip_alerts_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lead_nudges_lead_stage_idx" ON "lead_nudges" USING btree ("lead_id","stage");--> statement-breakpoint
CREATE INDEX "slip_alerts_team_day_idx" ON "slip_alerts" USING btree ("team_id","day");