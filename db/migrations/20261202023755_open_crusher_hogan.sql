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
ALTER TABLE "privacy_suppressions" ADD CONSTRAINT "privacy_suppressions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "privacy_suppressions" AS PERMISSIVE FOR ALL TO public USING ("privacy_suppressions"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("privacy_suppressions"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);