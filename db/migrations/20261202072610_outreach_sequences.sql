CREATE TABLE "outreach_sequence_enrolments" (
	"workspace_id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"current_step" integer DEFAULT 0 NOT NULL,
	"next_send_at" timestamp with time zone,
	"time_zone" text,
	"claimed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"stop_reason" text,
	"last_sent_at" timestamp with time zone,
	"enrolled_by" uuid,
	"enrolled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "outreach_sequence_enrolments_workspace_id_sequence_id_contact_id_pk" PRIMARY KEY("workspace_id","sequence_id","contact_id"),
	CONSTRAINT "outreach_sequence_enrolments_state_check" CHECK (state IN ('active', 'replied', 'unsubscribed', 'bounced', 'finished', 'stopped'))
);
--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_sequence_steps" (
	"workspace_id" uuid NOT NULL,
	"sequence_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"template_id" uuid,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"delay_days" integer NOT NULL,
	CONSTRAINT "outreach_sequence_steps_workspace_id_sequence_id_position_pk" PRIMARY KEY("workspace_id","sequence_id","position"),
	CONSTRAINT "outreach_sequence_steps_delay_check" CHECK (delay_days BETWEEN 0 AND 365)
);
--> statement-breakpoint
ALTER TABLE "outreach_sequence_steps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "outreach_sequences" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_sequences_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "outreach_sequences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ADD CONSTRAINT "outreach_sequence_enrolments_workspace_id_sequence_id_outreach_sequences_workspace_id_id_fk" FOREIGN KEY ("workspace_id","sequence_id") REFERENCES "public"."outreach_sequences"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_sequence_steps" ADD CONSTRAINT "outreach_sequence_steps_workspace_id_sequence_id_outreach_sequences_workspace_id_id_fk" FOREIGN KEY ("workspace_id","sequence_id") REFERENCES "public"."outreach_sequences"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_sequences" ADD CONSTRAINT "outreach_sequences_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outreach_sequence_enrolments_due_idx" ON "outreach_sequence_enrolments" USING btree ("next_send_at") WHERE state = 'active';--> statement-breakpoint
CREATE INDEX "outreach_sequence_enrolments_contact_idx" ON "outreach_sequence_enrolments" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE INDEX "outreach_sequences_created_idx" ON "outreach_sequences" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_sequence_enrolments" AS PERMISSIVE FOR ALL TO public USING ("outreach_sequence_enrolments"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_sequence_enrolments"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_sequence_steps" AS PERMISSIVE FOR ALL TO public USING ("outreach_sequence_steps"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_sequence_steps"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "outreach_sequences" AS PERMISSIVE FOR ALL TO public USING ("outreach_sequences"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("outreach_sequences"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);