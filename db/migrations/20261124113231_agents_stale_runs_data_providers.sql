CREATE TABLE "data_providers" (
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"base_url" text,
	"api_key_sealed" text NOT NULL,
	"api_key_last4" text NOT NULL,
	"updated_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_providers_workspace_id_pk" PRIMARY KEY("workspace_id"),
	CONSTRAINT "data_providers_kind_check" CHECK (kind IN ('people_data_labs'))
);
--> statement-breakpoint
ALTER TABLE "data_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "agent_proposals" DROP CONSTRAINT "agent_proposals_kind_check";--> statement-breakpoint
ALTER TABLE "agent_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "data_providers" ADD CONSTRAINT "data_providers_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_providers" ADD CONSTRAINT "data_providers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_runs_running_idx" ON "agent_runs" USING btree ("started_at") WHERE status = 'running';--> statement-breakpoint
ALTER TABLE "agent_proposals" ADD CONSTRAINT "agent_proposals_kind_check" CHECK (kind IN ('send_email', 'move_deal', 'create_tasks', 'update_contact'));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "data_providers" AS PERMISSIVE FOR ALL TO public USING ("data_providers"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("data_providers"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);