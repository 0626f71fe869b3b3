CREATE TABLE "slack_seen_requests" (
	"key" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "slack_seen_requests_seen_at_idx" ON "slack_seen_requests" USING btree ("seen_at");