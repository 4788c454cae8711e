CREATE TABLE "privacy_exports" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"requested_by" uuid,
	"status" text DEFAULT 'queued' NOT NULL,
	"rows_done" bigint DEFAULT 0 NOT NULL,
	"rows_total" bigint DEFAULT 0 NOT NULL,
	"bytes" bigint,
	"token_hash" text NOT NULL,
	"error" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "privacy_exports_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "privacy_exports_status_check" CHECK ("privacy_exports"."status" IN ('queued', 'running', 'ready', 'downloaded', 'expired', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "privacy_exports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "privacy_suppressions" (
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "privacy_suppressions_workspace_id_kind_hash_pk" PRIMARY KEY("workspace_id","kind","hash"),
	CONSTRAINT "privacy_suppressions_kind_check" CHECK ("privacy_suppressions"."kind" IN ('email', 'phone')),
	CONSTRAINT "privacy_suppressions_hash_check" CHECK ("privacy_suppressions"."hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "privacy_suppressions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "privacy_exports" ADD CONSTRAINT "privacy_exports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_exports" ADD CONSTRAINT "privacy_exports_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "privacy_suppressions" ADD CONSTRAINT "privacy_suppressions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "privacy_exports" AS PERMISSIVE FOR ALL TO public USING ("privacy_exports"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("privacy_exports"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "privacy_suppressions" AS PERMISSIVE FOR ALL TO public USING ("privacy_suppressions"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("privacy_suppressions"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);