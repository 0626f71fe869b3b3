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
