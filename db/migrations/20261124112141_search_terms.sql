CREATE TABLE "search_terms" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"term" text NOT NULL,
	CONSTRAINT "search_terms_workspace_id_record_type_term_pk" PRIMARY KEY("workspace_id","record_type","term"),
	CONSTRAINT "search_terms_record_type_check" CHECK ("search_terms"."record_type" IN ('contacts', 'companies', 'deals'))
);
--> statement-breakpoint
ALTER TABLE "search_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "search_terms" ADD CONSTRAINT "search_terms_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "search_terms" AS PERMISSIVE FOR ALL TO public USING ("search_terms"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("search_terms"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);