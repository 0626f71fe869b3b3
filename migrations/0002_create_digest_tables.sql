CREATE TABLE "digest_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscription_id" integer NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"recipient" text NOT NULL,
	"state" text NOT NULL,
	"claimed_at" timestamp with time zone,
	"claimed_by" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"posted_channel" text,
	"posted_ts" text,
	"posted_at" timestamp with time zone,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "digest_runs_state_check" CHECK ("digest_runs"."state" in ('claimed', 'posted', 'failed', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "digest_subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"scope_kind" text NOT NULL,
	"team_id" integer,
	"cadence" text DEFAULT 'weekdays' NOT NULL,
	"weekday" smallint,
	"local_time" text DEFAULT '08:30' NOT NULL,
	"timezone" text NOT NULL,
	"metrics" text[] DEFAULT '{}'::text[] NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"active_since" timestamp with time zone DEFAULT now() NOT NULL,
	"broken_reason" text,
	"broken_at" timestamp with time zone,
	"broken_notified_at" timestamp with time zone,
	"created_by_rep_id" integer,
	"created_by_slack_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "digest_subscriptions_scope_check" CHECK ("digest_subscriptions"."scope_kind" in ('org', 'team')),
	CONSTRAINT "digest_subscriptions_team_check" CHECK (("digest_subscriptions"."scope_kind" = 'team') = ("digest_subscriptions"."team_id" is not null)),
	CONSTRAINT "digest_subscriptions_cadence_check" CHECK ("digest_subscriptions"."cadence" in ('daily', 'weekdays', 'weekly')),
	CONSTRAINT "digest_subscriptions_weekday_check" CHECK (("digest_subscriptions"."cadence" = 'weekly') = ("digest_subscriptions"."weekday" is not null) and ("digest_subscriptions"."weekday" is null or "digest_subscriptions"."weekday" between 0 and 6)),
	CONSTRAINT "digest_subscriptions_time_check" CHECK ("digest_subscriptions"."local_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')
);
--> statement-breakpoint
ALTER TABLE "digest_runs" ADD CONSTRAINT "digest_runs_subscription_id_digest_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."digest_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_subscriptions" ADD CONSTRAINT "digest_subscriptions_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_subscriptions" ADD CONSTRAINT "digest_subscriptions_created_by_rep_id_reps_id_fk" FOREIGN KEY ("created_by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "digest_runs_key_idx" ON "digest_runs" USING btree ("subscription_id","slot","recipient");--> statement-breakpoint
CREATE INDEX "digest_runs_claimed_idx" ON "digest_runs" USING btree ("claimed_at") WHERE "digest_runs"."state" = 'claimed';