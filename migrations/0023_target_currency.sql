ALTER TABLE "targets" ADD COLUMN "currency" text;--> statement-breakpoint
-- Money targets set before this column existed were read from "$…" and shown in USD.
UPDATE "targets" SET "currency" = 'USD' WHERE "metric" IN ('dealsize', 'revenue', 'clv', 'arr', 'arpu');
