CREATE TABLE "dnc_imports" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"file_name" text NOT NULL,
	"file_size" bigint NOT NULL,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"lines_read" integer DEFAULT 0 NOT NULL,
	"added" integer DEFAULT 0 NOT NULL,
	"invalid" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "dnc_imports_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "dnc_imports_status_check" CHECK (status IN ('queued', 'running', 'completed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "dnc_imports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "do_not_call" (
	"workspace_id" uuid NOT NULL,
	"number" text NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"contact_id" uuid,
	"import_id" uuid,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	CONSTRAINT "do_not_call_workspace_id_number_pk" PRIMARY KEY("workspace_id","number"),
	CONSTRAINT "do_not_call_source_check" CHECK (source IN ('contact_request', 'manual', 'registry'))
);
--> statement-breakpoint
ALTER TABLE "do_not_call" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "contacts_score_idx";--> statement-breakpoint
ALTER TABLE "dnc_imports" ADD CONSTRAINT "dnc_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dnc_imports" ADD CONSTRAINT "dnc_imports_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "do_not_call" ADD CONSTRAINT "do_not_call_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "do_not_call" ADD CONSTRAINT "do_not_call_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dnc_imports_created_idx" ON "dnc_imports" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "do_not_call_created_idx" ON "do_not_call" USING btree ("workspace_id","created_at","number");--> statement-breakpoint
CREATE INDEX "contacts_score_idx" ON "contacts" USING btree ("workspace_id","score","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "dnc_imports" AS PERMISSIVE FOR ALL TO public USING ("dnc_imports"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("dnc_imports"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "do_not_call" AS PERMISSIVE FOR ALL TO public USING ("do_not_call"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("do_not_call"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);