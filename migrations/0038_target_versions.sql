CREATE TABLE "target_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"metric" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_id" integer DEFAULT 0 NOT NULL,
	"period_kind" text NOT NULL,
	"value" numeric(20, 6) NOT NULL,
	"currency" text,
	"set_by_rep_id" integer,
	"set_at" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "target_versions" ADD CONSTRAINT "target_versions_set_by_rep_id_reps_id_fk" FOREIGN KEY ("set_by_rep_id") REFERENCES "public"."reps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "target_versions_key_idx" ON "target_versions" USING btree ("metric","scope_kind","scope_id","period_kind");