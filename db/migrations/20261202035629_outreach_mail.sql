CREATE TABLE "outreach_consents" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"state" text NOT NULL,
	"source" text NOT NULL,
	"proof" text,
	"recorded_by_user_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_consents_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "outreach_consents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_delivery_events" (
	"workspace_id" uuid NOT NULL,
	"webhook_id" text NOT NULL,
	"message_id" uuid,
	"kind" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_delivery_events_workspace_id_webhook_id_pk" PRIMARY KEY("workspace_id","webhook_id")
);
--> statement-breakpoint
ALTER TABLE "outreach_delivery_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_messages" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"contact_id" uuid,
	"address_hash" text NOT NULL,
	"stream" text NOT NULL,
	"subject" text NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"idempotency_key" text,
	"provider_message_id" text,
	"last_error" text,
	"sent_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outreach_messages_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "outreach_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_sending_accounts" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"stream" text DEFAULT 'both' NOT NULL,
	"from_name" text NOT NULL,
	"from_address" text NOT NULL,
	"smtp_host" text,
	"smtp_port" integer,
	"smtp_secure" boolean DEFAULT false NOT NULL,
	"smtp_user" text,
	"secret_sealed" text,
	"dkim_selector" text,
	"dkim_key_sealed" text,
	"webhook_secret_sealed" text,
	"per_minute" integer DEFAULT 60 NOT NULL,
	"daily_cap" integer DEFAULT 2000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_sending_accounts_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "outreach_sending_accounts_smtp_check" CHECK ("outreach_sending_accounts"."kind" <> 'smtp' OR ("outreach_sending_accounts"."smtp_host" IS NOT NULL AND "outreach_sending_accounts"."smtp_port" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "outreach_sending_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_suppressions" (
	"workspace_id" uuid NOT NULL,
	"address_hash" text NOT NULL,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_suppressions_workspace_id_address_hash_pk" PRIMARY KEY("workspace_id","address_hash"),
	CONSTRAINT "outreach_suppressions_hash_check" CHECK ("outreach_suppressions"."address_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "outreach_suppressions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_templates" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_templates_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "outreach_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outreach_consents" ADD CONSTRAINT "outreach_consents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_delivery_events" ADD CONSTRAINT "outreach_delivery_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_messages" ADD CONSTRAINT "outreach_messages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_sending_accounts" ADD CONSTRAINT "outreach_sending_accounts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_suppressions" ADD CONSTRAINT "outreach_suppressions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_templates" ADD CONSTRAINT "outreach_templates_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outreach_consents_contact_idx" ON "outreach_consents" USING btree ("workspace_id","contact_id","recorded_at");--> statement-breakpoint
CREATE INDEX "outreach_delivery_events_message_idx" ON "outreach_delivery_events" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "outreach_messages_contact_idx" ON "outreach_messages" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outreach_messages_idempotency_idx" ON "outreach_messages" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "outreach_messages_provider_idx" ON "outreach_messages" USING btree ("workspace_id","provider_message_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_consents" AS PERMISSIVE FOR ALL TO public USING ("outreach_consents"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_consents"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_delivery_events" AS PERMISSIVE FOR ALL TO public USING ("outreach_delivery_events"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_delivery_events"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_messages" AS PERMISSIVE FOR ALL TO public USING ("outreach_messages"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_messages"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_sending_accounts" AS PERMISSIVE FOR ALL TO public USING ("outreach_sending_accounts"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_sending_accounts"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_suppressions" AS PERMISSIVE FOR ALL TO public USING ("outreach_suppressions"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_suppressions"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_templates" AS PERMISSIVE FOR ALL TO public USING ("outreach_templates"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_templates"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);