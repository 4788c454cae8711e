ALTER TABLE "invoicing_settings" ADD COLUMN "bank_account_name" text;--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "bank_account_number" text;--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "bank_ifsc" char(11);--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "bank_name" text;--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "bank_branch" text;--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "upi_id" text;--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "logo" "bytea";--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD COLUMN "logo_type" text;