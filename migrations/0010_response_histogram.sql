CREATE TABLE "response_rollups" (
	"grain" char(1) NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"rep_id" integer NOT NULL,
	"team_id" integer NOT NULL,
	"vb" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "response_rollups_grain_check" CHECK ("response_rollups"."grain" in ('h', 'd', 'm'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "response_rollups_key_idx" ON "response_rollups" USING btree ("grain","bucket","rep_id","team_id","vb");--> statement-breakpoint
CREATE INDEX "response_rollups_rep_idx" ON "response_rollups" USING btree ("rep_id","grain","bucket");--> statement-breakpoint
CREATE INDEX "response_rollups_team_idx" ON "response_rollups" USING btree ("team_id","grain","bucket");