CREATE TABLE "deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"channel" text,
	"user_id" text,
	"dm_channel" text,
	"message" jsonb NOT NULL,
	"metadata" jsonb,
	"ref" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'due' NOT NULL,
	"reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"sent_channel" text,
	"sent_ts" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_state_check" CHECK ("deliveries"."state" in ('due', 'claimed', 'sent', 'failed', 'skipped')),
	CONSTRAINT "deliveries_target_check" CHECK (("deliveries"."channel" is null) <> ("deliveries"."user_id" is null))
);
--> statement-breakpoint
CREATE TABLE "slack_pace" (
	"key" text PRIMARY KEY NOT NULL,
	"next_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paused_until" timestamp with time zone,
	"auth_error" text,
	"auth_error_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_key_idx" ON "deliveries" USING btree ("key");--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."state" = 'due';--> statement-breakpoint
CREATE INDEX "deliveries_lease_idx" ON "deliveries" USING btree ("lease_until") WHERE "deliveries"."state" = 'claimed';--> statement-breakpoint
CREATE INDEX "deliveries_updated_idx" ON "deliveries" USING btree ("updated_at");