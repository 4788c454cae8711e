CREATE TABLE "crm_settings" (
	"workspace_id" uuid NOT NULL,
	"staff_own_records_only" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_settings_workspace_id_pk" PRIMARY KEY("workspace_id")
);
--> statement-breakpoint
ALTER TABLE "crm_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "record_shares" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"shared_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_shares_workspace_id_record_type_record_id_user_id_pk" PRIMARY KEY("workspace_id","record_type","record_id","user_id"),
	CONSTRAINT "record_shares_record_type_check" CHECK ("record_shares"."record_type" IN ('contacts', 'companies', 'deals'))
);
--> statement-breakpoint
ALTER TABLE "record_shares" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "scoring_rules" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"label" text NOT NULL,
	"kind" text NOT NULL,
	"condition" jsonb NOT NULL,
	"points" integer NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scoring_rules_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "scoring_rules_points_check" CHECK ("scoring_rules"."points" BETWEEN -1000 AND 1000)
);
--> statement-breakpoint
ALTER TABLE "scoring_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "territory_rules" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"match_kind" text NOT NULL,
	"match_values" text[] NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "territory_rules_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "territory_rules_match_kind_check" CHECK ("territory_rules"."match_kind" IN ('postal_prefix', 'city', 'state', 'country'))
);
--> statement-breakpoint
ALTER TABLE "territory_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "bulk_operations" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"object" text NOT NULL,
	"kind" text NOT NULL,
	"action" jsonb NOT NULL,
	"selection" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cursor" uuid,
	"up_to_id" uuid,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "bulk_operations_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "bulk_operations_status_check" CHECK ("bulk_operations"."status" IN ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "bulk_operations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "score" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "crm_settings" ADD CONSTRAINT "crm_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_shares" ADD CONSTRAINT "record_shares_shared_by_users_id_fk" FOREIGN KEY ("shared_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_shares" ADD CONSTRAINT "record_shares_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_shares" ADD CONSTRAINT "record_shares_workspace_id_user_id_memberships_workspace_id_user_id_fk" FOREIGN KEY ("workspace_id","user_id") REFERENCES "public"."memberships"("workspace_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rules" ADD CONSTRAINT "scoring_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "territory_rules" ADD CONSTRAINT "territory_rules_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "territory_rules" ADD CONSTRAINT "territory_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_operations" ADD CONSTRAINT "bulk_operations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_operations" ADD CONSTRAINT "bulk_operations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "record_shares_user_idx" ON "record_shares" USING btree ("workspace_id","user_id","record_type","record_id");--> statement-breakpoint
CREATE INDEX "scoring_rules_position_idx" ON "scoring_rules" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE INDEX "territory_rules_position_idx" ON "territory_rules" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE INDEX "bulk_operations_created_idx" ON "bulk_operations" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "contacts_score_idx" ON "contacts" USING btree ("workspace_id","score");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "crm_settings" AS PERMISSIVE FOR ALL TO public USING ("crm_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("crm_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "record_shares" AS PERMISSIVE FOR ALL TO public USING ("record_shares"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("record_shares"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "scoring_rules" AS PERMISSIVE FOR ALL TO public USING ("scoring_rules"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("scoring_rules"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "territory_rules" AS PERMISSIVE FOR ALL TO public USING ("territory_rules"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("territory_rules"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bulk_operations" AS PERMISSIVE FOR ALL TO public USING ("bulk_operations"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("bulk_operations"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);