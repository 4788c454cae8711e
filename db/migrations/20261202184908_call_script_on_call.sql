ALTER TABLE "activities" ADD COLUMN "call_script_id" uuid;--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "call_script_name" text;