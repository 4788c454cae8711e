ALTER TABLE "visitors" ADD COLUMN "live_streams" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "live_until" timestamp with time zone;