CREATE TABLE "record_embeddings" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"model" text NOT NULL,
	"content_hash" text NOT NULL,
	"embedding" real[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_embeddings_workspace_id_record_type_record_id_pk" PRIMARY KEY("workspace_id","record_type","record_id"),
	CONSTRAINT "record_embeddings_type_check" CHECK ("record_embeddings"."record_type" IN ('contacts', 'companies', 'deals'))
);
--> statement-breakpoint
ALTER TABLE "record_embeddings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ai_providers" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "record_embeddings" ADD CONSTRAINT "record_embeddings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_embeddings_model_idx" ON "record_embeddings" USING btree ("workspace_id","model");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "record_embeddings" AS PERMISSIVE FOR ALL TO public USING ("record_embeddings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("record_embeddings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);