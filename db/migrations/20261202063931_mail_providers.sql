CREATE TABLE "outreach_opt_ins" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"address_hash" text NOT NULL,
	"source" text NOT NULL,
	"requested_ip" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_ip" text,
	CONSTRAINT "outreach_opt_ins_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "outreach_opt_ins" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outreach_sending_accounts" ADD COLUMN "connection_user_id" uuid;--> statement-breakpoint
ALTER TABLE "outreach_opt_ins" ADD CONSTRAINT "outreach_opt_ins_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outreach_opt_ins_address_idx" ON "outreach_opt_ins" USING btree ("workspace_id","address_hash","requested_at");--> statement-breakpoint
ALTER TABLE "outreach_sending_accounts" ADD CONSTRAINT "outreach_sending_accounts_oauth_check" CHECK ("outreach_sending_accounts"."kind" NOT IN ('gmail', 'outlook') OR "outreach_sending_accounts"."connection_user_id" IS NOT NULL);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_opt_ins" AS PERMISSIVE FOR ALL TO public USING ("outreach_opt_ins"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_opt_ins"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);