CREATE TABLE "activities" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject" text,
	"body" text,
	"body_text" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"call_outcome" text,
	"call_duration_seconds" integer,
	"email_direction" text,
	"email_from" text,
	"email_to" text[] DEFAULT '{}'::text[] NOT NULL,
	"meeting_starts_at" timestamp with time zone,
	"meeting_ends_at" timestamp with time zone,
	"meeting_location" text,
	"task_due_at" timestamp with time zone,
	"assignee_user_id" uuid,
	"completed_at" timestamp with time zone,
	"completed_by_user_id" uuid,
	"reminder_at" timestamp with time zone,
	"reminder_sent_at" timestamp with time zone,
	"author_user_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activities_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "activities_kind_check" CHECK (kind IN ('note', 'call', 'email', 'meeting', 'task', 'chat', 'whatsapp')),
	CONSTRAINT "activities_call_outcome_check" CHECK (call_outcome IN ('connected', 'left_voicemail', 'no_answer', 'busy', 'wrong_number')),
	CONSTRAINT "activities_email_direction_check" CHECK (email_direction IN ('outbound', 'inbound')),
	CONSTRAINT "activities_call_duration_check" CHECK ("activities"."call_duration_seconds" BETWEEN 0 AND 86400),
	CONSTRAINT "activities_meeting_time_check" CHECK ("activities"."meeting_ends_at" IS NULL OR "activities"."meeting_ends_at" >= "activities"."meeting_starts_at")
);
--> statement-breakpoint
ALTER TABLE "activities" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "activity_links" (
	"workspace_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"inferred" boolean DEFAULT false NOT NULL,
	CONSTRAINT "activity_links_workspace_id_activity_id_record_type_record_id_pk" PRIMARY KEY("workspace_id","activity_id","record_type","record_id"),
	CONSTRAINT "activity_links_record_type_check" CHECK ("activity_links"."record_type" IN ('contacts', 'companies', 'deals'))
);
--> statement-breakpoint
ALTER TABLE "activity_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_assignee_user_id_users_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_completed_by_user_id_users_id_fk" FOREIGN KEY ("completed_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_workspace_id_activity_id_activities_workspace_id_id_fk" FOREIGN KEY ("workspace_id","activity_id") REFERENCES "public"."activities"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activities_assignee_tasks_idx" ON "activities" USING btree ("workspace_id","assignee_user_id","task_due_at") WHERE "activities"."kind" = 'task';--> statement-breakpoint
CREATE INDEX "activities_reminder_due_idx" ON "activities" USING btree ("reminder_at") WHERE "activities"."reminder_sent_at" IS NULL AND "activities"."completed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "activity_links_timeline_idx" ON "activity_links" USING btree ("workspace_id","record_type","record_id","occurred_at" DESC NULLS LAST,"activity_id" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "activities" AS PERMISSIVE FOR ALL TO public USING ("activities"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("activities"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "activity_links" AS PERMISSIVE FOR ALL TO public USING ("activity_links"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("activity_links"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);