CREATE TABLE "outreach_campaign_recipients" (
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"message_id" uuid,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outreach_campaign_recipients_workspace_id_campaign_id_contact_id_pk" PRIMARY KEY("workspace_id","campaign_id","contact_id"),
	CONSTRAINT "outreach_campaign_recipients_status_check" CHECK (status IN ('queued', 'sending', 'sent', 'skipped', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "outreach_campaign_recipients" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_campaigns" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"template_id" uuid,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"view_id" uuid,
	"tag_id" uuid,
	"status" text NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"advertisement" boolean DEFAULT false NOT NULL,
	"stop_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	CONSTRAINT "outreach_campaigns_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "outreach_campaigns_status_check" CHECK (status IN ('scheduled', 'sending', 'paused', 'cancelled', 'completed'))
);
--> statement-breakpoint
ALTER TABLE "outreach_campaigns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outreach_campaign_recipients" ADD CONSTRAINT "outreach_campaign_recipients_workspace_id_campaign_id_outreach_campaigns_workspace_id_id_fk" FOREIGN KEY ("workspace_id","campaign_id") REFERENCES "public"."outreach_campaigns"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_campaigns" ADD CONSTRAINT "outreach_campaigns_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outreach_campaign_recipients_status_idx" ON "outreach_campaign_recipients" USING btree ("workspace_id","campaign_id","status");--> statement-breakpoint
CREATE INDEX "outreach_campaign_recipients_claimed_idx" ON "outreach_campaign_recipients" USING btree ("workspace_id","claimed_at");--> statement-breakpoint
CREATE INDEX "outreach_campaigns_created_idx" ON "outreach_campaigns" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_campaign_recipients" AS PERMISSIVE FOR ALL TO public USING ("outreach_campaign_recipients"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_campaign_recipients"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_campaigns" AS PERMISSIVE FOR ALL TO public USING ("outreach_campaigns"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_campaigns"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);