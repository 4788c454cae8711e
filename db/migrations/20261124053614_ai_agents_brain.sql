CREATE TABLE "ai_calls" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid,
	"feature" text NOT NULL,
	"run_id" uuid,
	"provider_kind" text NOT NULL,
	"provider_source" text NOT NULL,
	"model" text NOT NULL,
	"prompt" jsonb NOT NULL,
	"record_refs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"output" jsonb,
	"tokens_in" integer,
	"tokens_out" integer,
	"cost_usd" numeric(14, 8),
	"latency_ms" integer,
	"attempts" integer DEFAULT 0 NOT NULL,
	"streamed" boolean DEFAULT false NOT NULL,
	"outcome" text NOT NULL,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_calls_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "ai_calls_outcome_check" CHECK (outcome IN ('ok', 'error', 'rate_limited', 'cancelled', 'limit_exceeded')),
	CONSTRAINT "ai_calls_provider_kind_check" CHECK (provider_kind IN ('openai', 'anthropic', 'google', 'openai_compatible'))
);
--> statement-breakpoint
ALTER TABLE "ai_calls" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ai_providers" (
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"base_url" text,
	"api_key_sealed" text,
	"api_key_last4" text,
	"model" text NOT NULL,
	"prices" jsonb,
	"updated_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_providers_workspace_id_pk" PRIMARY KEY("workspace_id"),
	CONSTRAINT "ai_providers_kind_check" CHECK (kind IN ('openai', 'anthropic', 'google', 'openai_compatible')),
	CONSTRAINT "ai_providers_base_url_check" CHECK ("ai_providers"."kind" <> 'openai_compatible' OR "ai_providers"."base_url" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "ai_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ai_settings" (
	"workspace_id" uuid NOT NULL,
	"redact_pii" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_settings_workspace_id_pk" PRIMARY KEY("workspace_id")
);
--> statement-breakpoint
ALTER TABLE "ai_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_proposals" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"agent" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"rationale" text DEFAULT '' NOT NULL,
	"payload" jsonb NOT NULL,
	"original_payload" jsonb,
	"records" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"proposed_by_user_id" uuid,
	"decided_by_user_id" uuid,
	"decided_at" timestamp with time zone,
	"autopilot" boolean DEFAULT false NOT NULL,
	"note" text,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_proposals_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "agent_proposals_kind_check" CHECK (kind IN ('send_email', 'move_deal', 'create_tasks')),
	CONSTRAINT "agent_proposals_status_check" CHECK (status IN ('pending', 'approved', 'rejected', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "agent_proposals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_runs" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"agent" text NOT NULL,
	"task" text NOT NULL,
	"subject_type" text,
	"subject_id" uuid,
	"instructions" text,
	"user_id" uuid,
	"trigger" text DEFAULT 'person' NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"steps" integer DEFAULT 0 NOT NULL,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"records" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"result" jsonb,
	"error" text,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(14, 8),
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "agent_runs_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "agent_runs_agent_check" CHECK (agent IN ('hunter', 'closer', 'recovery', 'strategist', 'forge')),
	CONSTRAINT "agent_runs_status_check" CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "agent_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_settings" (
	"workspace_id" uuid NOT NULL,
	"agent" text NOT NULL,
	"autopilot" boolean DEFAULT false NOT NULL,
	"scheduled" boolean DEFAULT false NOT NULL,
	"updated_by_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_settings_workspace_id_agent_pk" PRIMARY KEY("workspace_id","agent"),
	CONSTRAINT "agent_settings_agent_check" CHECK (agent IN ('hunter', 'closer', 'recovery', 'strategist', 'forge'))
);
--> statement-breakpoint
ALTER TABLE "agent_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "brain_conversations" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "brain_conversations_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "brain_conversations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "brain_messages" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"role" text NOT NULL,
	"content" text NOT NULL,
	"citations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"records" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'ok' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "brain_messages_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "brain_messages_role_check" CHECK ("brain_messages"."role" IN ('user', 'assistant'))
);
--> statement-breakpoint
ALTER TABLE "brain_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ai_calls" ADD CONSTRAINT "ai_calls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_calls" ADD CONSTRAINT "ai_calls_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_providers" ADD CONSTRAINT "ai_providers_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_providers" ADD CONSTRAINT "ai_providers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_settings" ADD CONSTRAINT "ai_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_proposals" ADD CONSTRAINT "agent_proposals_proposed_by_user_id_users_id_fk" FOREIGN KEY ("proposed_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_proposals" ADD CONSTRAINT "agent_proposals_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_proposals" ADD CONSTRAINT "agent_proposals_workspace_id_run_id_agent_runs_workspace_id_id_fk" FOREIGN KEY ("workspace_id","run_id") REFERENCES "public"."agent_runs"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_runs" ADD CONSTRAINT "agent_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD CONSTRAINT "agent_settings_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD CONSTRAINT "agent_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brain_conversations" ADD CONSTRAINT "brain_conversations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brain_conversations" ADD CONSTRAINT "brain_conversations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brain_messages" ADD CONSTRAINT "brain_messages_workspace_id_conversation_id_brain_conversations_workspace_id_id_fk" FOREIGN KEY ("workspace_id","conversation_id") REFERENCES "public"."brain_conversations"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_calls_user_idx" ON "ai_calls" USING btree ("workspace_id","user_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ai_calls_feature_idx" ON "ai_calls" USING btree ("workspace_id","feature","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ai_calls_run_idx" ON "ai_calls" USING btree ("workspace_id","run_id") WHERE "ai_calls"."run_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "ai_calls_created_idx" ON "ai_calls" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_proposals_status_idx" ON "agent_proposals" USING btree ("workspace_id","status","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "agent_proposals_run_idx" ON "agent_proposals" USING btree ("workspace_id","run_id");--> statement-breakpoint
CREATE INDEX "agent_runs_subject_idx" ON "agent_runs" USING btree ("workspace_id","subject_type","subject_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "agent_runs_agent_idx" ON "agent_runs" USING btree ("workspace_id","agent","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "brain_conversations_user_idx" ON "brain_conversations" USING btree ("workspace_id","user_id","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "brain_messages_conversation_idx" ON "brain_messages" USING btree ("workspace_id","conversation_id","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ai_calls" AS PERMISSIVE FOR ALL TO public USING ("ai_calls"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("ai_calls"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ai_providers" AS PERMISSIVE FOR ALL TO public USING ("ai_providers"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("ai_providers"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ai_settings" AS PERMISSIVE FOR ALL TO public USING ("ai_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("ai_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "agent_proposals" AS PERMISSIVE FOR ALL TO public USING ("agent_proposals"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("agent_proposals"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "agent_runs" AS PERMISSIVE FOR ALL TO public USING ("agent_runs"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("agent_runs"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "agent_settings" AS PERMISSIVE FOR ALL TO public USING ("agent_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("agent_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "brain_conversations" AS PERMISSIVE FOR ALL TO public USING ("brain_conversations"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("brain_conversations"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "brain_messages" AS PERMISSIVE FOR ALL TO public USING ("brain_messages"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("brain_messages"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);