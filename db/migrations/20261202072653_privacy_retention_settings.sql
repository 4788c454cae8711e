CREATE TABLE "ai_usage_daily" (
	"workspace_id" uuid NOT NULL,
	"day" date NOT NULL,
	"provider_kind" text NOT NULL,
	"model" text NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 8) DEFAULT 0 NOT NULL,
	"unpriced_calls" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "ai_usage_daily_workspace_id_day_provider_kind_model_pk" PRIMARY KEY("workspace_id","day","provider_kind","model")
);
--> statement-breakpoint
ALTER TABLE "ai_usage_daily" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "privacy_settings" (
	"workspace_id" uuid NOT NULL,
	"conversation_days" integer NOT NULL,
	"ai_call_days" integer NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_settings_workspace_id_pk" PRIMARY KEY("workspace_id"),
	CONSTRAINT "privacy_settings_conversation_days_check" CHECK ("privacy_settings"."conversation_days" BETWEEN 1 AND 3650),
	CONSTRAINT "privacy_settings_ai_call_days_check" CHECK ("privacy_settings"."ai_call_days" BETWEEN 1 AND 3650)
);
--> statement-breakpoint
ALTER TABLE "privacy_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ai_usage_daily" ADD CONSTRAINT "ai_usage_daily_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_settings" ADD CONSTRAINT "privacy_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_settings" ADD CONSTRAINT "privacy_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ai_usage_daily" AS PERMISSIVE FOR ALL TO public USING ("ai_usage_daily"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("ai_usage_daily"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "privacy_settings" AS PERMISSIVE FOR ALL TO public USING ("privacy_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("privacy_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);