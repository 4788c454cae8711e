ALTER TABLE "channel_settings" ADD COLUMN "resend_api_key_sealed" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "resend_webhook_secret_sealed" text;