CREATE TABLE "channel_settings" (
	"workspace_id" uuid NOT NULL,
	"inbound_token" text NOT NULL,
	"inbound_secret_sealed" text NOT NULL,
	"wa_phone_number_id" text,
	"wa_business_account_id" text,
	"wa_access_token_sealed" text,
	"wa_app_secret_sealed" text,
	"wa_verify_token" text,
	"wa_display_phone" text,
	"wa_checked_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_settings_workspace_id_pk" PRIMARY KEY("workspace_id")
);
--> statement-breakpoint
ALTER TABLE "channel_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "whatsapp_templates" (
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"status" text NOT NULL,
	"category" text,
	"body" text NOT NULL,
	"param_count" smallint DEFAULT 0 NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "whatsapp_templates_workspace_id_name_language_pk" PRIMARY KEY("workspace_id","name","language")
);
--> statement-breakpoint
ALTER TABLE "whatsapp_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "conversation_messages" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "conversation_messages" ADD COLUMN "delivery_status" text;--> statement-breakpoint
ALTER TABLE "conversation_messages" ADD COLUMN "meta" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_inbound_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD CONSTRAINT "channel_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_templates" ADD CONSTRAINT "whatsapp_templates_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_settings_inbound_token_idx" ON "channel_settings" USING btree ("inbound_token");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_messages_external_idx" ON "conversation_messages" USING btree ("workspace_id","external_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "channel_settings" AS PERMISSIVE FOR ALL TO public USING ("channel_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("channel_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "whatsapp_templates" AS PERMISSIVE FOR ALL TO public USING ("whatsapp_templates"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("whatsapp_templates"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);