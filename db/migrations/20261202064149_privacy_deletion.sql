ALTER TABLE "users" ADD COLUMN "deletion_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "purge_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "purge_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "workspace_id" uuid DEFAULT nullif(current_setting('kestrel.workspace_id', true), '')::uuid;--> statement-breakpoint
CREATE INDEX "mail_outbox_workspace_idx" ON "mail_outbox" USING btree ("workspace_id");