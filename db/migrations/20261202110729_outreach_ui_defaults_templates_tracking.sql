CREATE TABLE "outreach_settings" (
	"workspace_id" uuid NOT NULL,
	"track_engagement" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_settings_workspace_id_pk" PRIMARY KEY("workspace_id")
);
--> statement-breakpoint
ALTER TABLE "outreach_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outreach_sending_accounts" ADD COLUMN "default_marketing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_sending_accounts" ADD COLUMN "default_transactional" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_templates" ADD COLUMN "kind" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_templates" ADD COLUMN "stream" text DEFAULT 'marketing' NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_settings" ADD CONSTRAINT "outreach_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outreach_sending_accounts_default_marketing_idx" ON "outreach_sending_accounts" USING btree ("workspace_id") WHERE default_marketing;--> statement-breakpoint
CREATE UNIQUE INDEX "outreach_sending_accounts_default_transactional_idx" ON "outreach_sending_accounts" USING btree ("workspace_id") WHERE default_transactional;--> statement-breakpoint
ALTER TABLE "outreach_templates" ADD CONSTRAINT "outreach_templates_kind_check" CHECK ("outreach_templates"."kind" IN ('email', 'call_script'));--> statement-breakpoint
ALTER TABLE "outreach_templates" ADD CONSTRAINT "outreach_templates_stream_check" CHECK ("outreach_templates"."stream" IN ('marketing', 'transactional'));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_settings" AS PERMISSIVE FOR ALL TO public USING ("outreach_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);