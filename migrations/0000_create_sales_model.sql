CREATE TABLE "reps" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"slack_user_id" text,
	"role" text DEFAULT 'rep' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"timezone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reps_email_unique" UNIQUE("email"),
	CONSTRAINT "reps_slack_user_id_unique" UNIQUE("slack_user_id"),
	CONSTRAINT "reps_role_check" CHECK ("reps"."role" in ('rep', 'manager', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "team_managers" (
	"team_id" integer NOT NULL,
	"rep_id" integer NOT NULL,
	CONSTRAINT "team_managers_team_id_rep_id_pk" PRIMARY KEY("team_id","rep_id")
);
--> statement-breakpoint
CREATE TABLE "team_memberships" (
	"id" serial PRIMARY KEY NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone,
	CONSTRAINT "team_memberships_range_check" CHECK ("team_memberships"."valid_to" is null or "team_memberships"."valid_to" > "team_memberships"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"timezone" text,
	"week_starts_on" smallint DEFAULT 1 NOT NULL,
	"slack_channel_id" text,
	"response_sla_seconds" integer DEFAULT 300 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"became_customer_at" timestamp with time zone,
	"churned_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "activities" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"rep_id" integer,
	"lead_id" integer,
	"opportunity_id" integer,
	"kind" text NOT NULL,
	"direction" text DEFAULT 'outbound' NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"duration_seconds" integer,
	"connected" boolean,
	"email_opened_at" timestamp with time zone,
	"email_replied_at" timestamp with time zone,
	"meeting_booked_at" timestamp with time zone,
	"meeting_held_at" timestamp with time zone,
	CONSTRAINT "activities_external_id_unique" UNIQUE("external_id"),
	CONSTRAINT "activities_kind_check" CHECK ("activities"."kind" in ('call', 'email', 'meeting')),
	CONSTRAINT "activities_direction_check" CHECK ("activities"."direction" in ('outbound', 'inbound'))
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" serial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"account_id" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"total_value_minor" bigint,
	"currency" char(3) DEFAULT 'USD' NOT NULL,
	"contract_years" numeric(6, 2),
	"licenses" integer,
	"revenue_per_license_minor" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_external_id_unique" UNIQUE("external_id"),
	CONSTRAINT "contracts_range_check" CHECK ("contracts"."ends_at" > "contracts"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" serial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"name" text,
	"company" text,
	"email" text,
	"source" text,
	"owner_rep_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"first_touch_at" timestamp with time zone,
	"qualified_at" timestamp with time zone,
	"converted_at" timestamp with time zone,
	"disqualified_at" timestamp with time zone,
	"crm_url" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leads_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "opportunities" (
	"id" serial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"lead_id" integer,
	"account_id" integer,
	"owner_rep_id" integer,
	"product" text,
	"amount_minor" bigint,
	"currency" char(3) DEFAULT 'USD' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"stage" text,
	"closed_at" timestamp with time zone,
	"outcome" text DEFAULT 'open' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opportunities_external_id_unique" UNIQUE("external_id"),
	CONSTRAINT "opportunities_outcome_check" CHECK ("opportunities"."outcome" in ('open', 'won', 'lost')),
	CONSTRAINT "opportunities_closed_check" CHECK ("opportunities"."outcome" = 'open' or "opportunities"."closed_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"id" serial PRIMARY KEY NOT NULL,
	"metric" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_id" integer DEFAULT 0 NOT NULL,
	"period_kind" text NOT NULL,
	"value" numeric(20, 6) NOT NULL,
	"set_by_rep_id" integer,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "targets_scope_check" CHECK ("targets"."scope_kind" in ('org', 'team', 'rep')),
	CONSTRAINT "targets_period_check" CHECK ("targets"."period_kind" in ('day', 'week', 'month', 'quarter'))
);
--> statement-breakpoint
ALTER TABLE "team_managers" ADD CONSTRAINT "team_managers_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_managers" ADD CONSTRAINT "team_managers_rep_id_reps_id_fk" FOREIGN KEY ("rep_id") REFERENCES "public"."reps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_rep_id_reps_id_fk" FOREIGN KEY ("rep_id") REFERENCES "public"."reps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_rep_id_reps_id_fk" FOREIGN KEY ("rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_owner_rep_id_reps_id_fk" FOREIGN KEY ("owner_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_owner_rep_id_reps_id_fk" FOREIGN KEY ("owner_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "targets" ADD CONSTRAINT "targets_set_by_rep_id_reps_id_fk" FOREIGN KEY ("set_by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reps_name_without_email_idx" ON "reps" USING btree ("name") WHERE "reps"."email" is null;--> statement-breakpoint
CREATE INDEX "team_memberships_rep_idx" ON "team_memberships" USING btree ("rep_id","valid_from");--> statement-breakpoint
CREATE INDEX "team_memberships_team_idx" ON "team_memberships" USING btree ("team_id","valid_from");--> statement-breakpoint
CREATE INDEX "accounts_customer_idx" ON "accounts" USING btree ("became_customer_at","churned_at");--> statement-breakpoint
CREATE INDEX "activities_rep_occurred_idx" ON "activities" USING btree ("rep_id","occurred_at");--> statement-breakpoint
CREATE INDEX "activities_lead_idx" ON "activities" USING btree ("lead_id","occurred_at");--> statement-breakpoint
CREATE INDEX "contracts_account_idx" ON "contracts" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "contracts_period_idx" ON "contracts" USING btree ("starts_at","ends_at");--> statement-breakpoint
CREATE INDEX "leads_owner_created_idx" ON "leads" USING btree ("owner_rep_id","created_at");--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "leads" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "leads_qualified_idx" ON "leads" USING btree ("qualified_at");--> statement-breakpoint
CREATE INDEX "opportunities_owner_created_idx" ON "opportunities" USING btree ("owner_rep_id","created_at");--> statement-breakpoint
CREATE INDEX "opportunities_owner_closed_idx" ON "opportunities" USING btree ("owner_rep_id","closed_at");--> statement-breakpoint
CREATE INDEX "opportunities_closed_idx" ON "opportunities" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "opportunities_created_idx" ON "opportunities" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "targets_key_idx" ON "targets" USING btree ("metric","scope_kind","scope_id","period_kind");