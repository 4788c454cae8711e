DROP INDEX "channel_settings_inbound_token_idx";--> statement-breakpoint
CREATE INDEX "channel_settings_inbound_token_idx" ON "channel_settings" USING btree ("inbound_token");