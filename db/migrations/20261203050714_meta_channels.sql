ALTER TABLE "conversations" DROP CONSTRAINT "conversations_channel_check";--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "messenger_page_id" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "messenger_token_sealed" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "messenger_app_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "messenger_verify_token" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "messenger_human_agent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "instagram_account_id" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "instagram_page_id" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "instagram_token_sealed" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "instagram_app_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "instagram_verify_token" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "instagram_human_agent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "visitors" ADD COLUMN "channel_user_id" text;--> statement-breakpoint
CREATE INDEX "visitors_channel_user_idx" ON "visitors" USING btree ("workspace_id","channel_user_id");--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_channel_check" CHECK ("conversations"."channel" IN ('web', 'email', 'whatsapp', 'messenger', 'instagram'));