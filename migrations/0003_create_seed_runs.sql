CREATE TABLE "seed_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"profile" text NOT NULL,
	"seed" integer NOT NULL,
	"options" jsonb NOT NULL,
	"data_now" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"counts" jsonb,
	"restore_sql" jsonb
);
