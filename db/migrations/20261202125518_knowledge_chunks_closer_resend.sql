CREATE TABLE "knowledge_chunks" (
	"workspace_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"chunk" smallint NOT NULL,
	"model" text NOT NULL,
	"content_hash" text NOT NULL,
	"body" text NOT NULL,
	"embedding" real[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_chunks_workspace_id_entry_id_chunk_pk" PRIMARY KEY("workspace_id","entry_id","chunk"),
	CONSTRAINT "knowledge_chunks_chunk_check" CHECK ("knowledge_chunks"."chunk" >= 0 AND "knowledge_chunks"."chunk" < 200)
);
--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "resend_api_key_sealed" text;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "resend_webhook_secret_sealed" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "closer_run_id" uuid;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD CONSTRAINT "knowledge_chunks_workspace_id_entry_id_knowledge_entries_workspace_id_id_fk" FOREIGN KEY ("workspace_id","entry_id") REFERENCES "public"."knowledge_entries"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "knowledge_chunks" AS PERMISSIVE FOR ALL TO public USING ("knowledge_chunks"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("knowledge_chunks"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);