CREATE TABLE "activity_fingerprints" (
	"activity_id" bigint PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"decimal_mark" char(1)
);
--> statement-breakpoint
CREATE TABLE "import_reference_epoch" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"epoch" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "import_reference_epoch_one_row" CHECK ("import_reference_epoch"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "opportunity_fingerprints" (
	"opportunity_id" integer PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"decimal_mark" char(1)
);
--> statement-breakpoint
ALTER TABLE "activity_fingerprints" ADD CONSTRAINT "activity_fingerprints_activity_id_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."activities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_fingerprints" ADD CONSTRAINT "opportunity_fingerprints_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;