CREATE TABLE "integration_calendar_busy" (
	"workspace_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"busy" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"invalidated_at" timestamp with time zone,
	CONSTRAINT "integration_calendar_busy_workspace_id_connection_id_pk" PRIMARY KEY("workspace_id","connection_id")
);
--> statement-breakpoint
ALTER TABLE "integration_calendar_busy" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "integration_calendar_channels" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"calendar_id" text DEFAULT 'primary' NOT NULL,
	"resource_id" text,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_calendar_channels_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "integration_calendar_channels" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "integration_calendar_busy" ADD CONSTRAINT "integration_calendar_busy_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_calendar_busy" ADD CONSTRAINT "integration_calendar_busy_workspace_id_connection_id_integration_connections_workspace_id_id_fk" FOREIGN KEY ("workspace_id","connection_id") REFERENCES "public"."integration_connections"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_calendar_channels" ADD CONSTRAINT "integration_calendar_channels_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_calendar_channels" ADD CONSTRAINT "integration_calendar_channels_workspace_id_connection_id_integration_connections_workspace_id_id_fk" FOREIGN KEY ("workspace_id","connection_id") REFERENCES "public"."integration_connections"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integration_calendar_channels_connection_idx" ON "integration_calendar_channels" USING btree ("workspace_id","connection_id");--> statement-breakpoint
CREATE INDEX "integration_calendar_channels_expiry_idx" ON "integration_calendar_channels" USING btree ("expires_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "integration_calendar_busy" AS PERMISSIVE FOR ALL TO public USING ("integration_calendar_busy"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("integration_calendar_busy"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "integration_calendar_channels" AS PERMISSIVE FOR ALL TO public USING ("integration_calendar_channels"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("integration_calendar_channels"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);