CREATE TABLE "org_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"fiscal_year_start" smallint DEFAULT 1 NOT NULL,
	"fiscal_weeks" text,
	"fiscal_year_end_weekday" smallint,
	"fiscal_year_end_rule" text,
	"updated_by_rep_id" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_settings_single_row" CHECK ("org_settings"."id" = 1),
	CONSTRAINT "org_settings_fiscal_start_check" CHECK ("org_settings"."fiscal_year_start" between 1 and 12),
	CONSTRAINT "org_settings_fiscal_weeks_check" CHECK ("org_settings"."fiscal_weeks" is null or ("org_settings"."fiscal_weeks" in ('445', '454', '544') and "org_settings"."fiscal_year_end_weekday" between 0 and 6 and "org_settings"."fiscal_year_end_rule" in ('last', 'nearest')))
);
--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "email_template" text;--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "product" text;--> statement-breakpoint
ALTER TABLE "opportunities" ADD COLUMN "loss_reason" text;--> statement-breakpoint
ALTER TABLE "opportunities" ADD COLUMN "expected_close_date" date;--> statement-breakpoint
ALTER TABLE "org_settings" ADD CONSTRAINT "org_settings_updated_by_rep_id_reps_id_fk" FOREIGN KEY ("updated_by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;