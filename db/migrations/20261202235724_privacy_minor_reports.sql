CREATE TABLE "privacy_minor_reports" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"email" text,
	"phone" text,
	"details" text,
	"reporter_email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_minor_reports_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "privacy_minor_reports_person_check" CHECK ("privacy_minor_reports"."email" IS NOT NULL OR "privacy_minor_reports"."phone" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "privacy_minor_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "privacy_minor_reports" ADD CONSTRAINT "privacy_minor_reports_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_minor_reports_created_idx" ON "privacy_minor_reports" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "privacy_minor_reports" AS PERMISSIVE FOR ALL TO public USING ("privacy_minor_reports"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("privacy_minor_reports"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);