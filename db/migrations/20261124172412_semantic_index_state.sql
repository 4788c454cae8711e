CREATE TABLE "semantic_index_state" (
	"workspace_id" uuid NOT NULL,
	"model" text NOT NULL,
	"state" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"walked" integer DEFAULT 0 NOT NULL,
	"embedded" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "semantic_index_state_workspace_id_pk" PRIMARY KEY("workspace_id"),
	CONSTRAINT "semantic_index_state_check" CHECK ("semantic_index_state"."state" IN ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "semantic_index_state" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "semantic_index_state" ADD CONSTRAINT "semantic_index_state_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "semantic_index_state" AS PERMISSIVE FOR ALL TO public USING ("semantic_index_state"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("semantic_index_state"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);