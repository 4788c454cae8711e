CREATE TABLE "booking_event_hosts" (
	"workspace_id" uuid NOT NULL,
	"event_type_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"schedule_id" uuid NOT NULL,
	CONSTRAINT "booking_event_hosts_workspace_id_event_type_id_user_id_pk" PRIMARY KEY("workspace_id","event_type_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "booking_event_hosts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "booking_event_types" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"assignment" text DEFAULT 'single' NOT NULL,
	"duration_minutes" integer NOT NULL,
	"buffer_before_minutes" integer DEFAULT 0 NOT NULL,
	"buffer_after_minutes" integer DEFAULT 0 NOT NULL,
	"min_notice_minutes" integer DEFAULT 0 NOT NULL,
	"slot_interval_minutes" integer,
	"window_kind" text DEFAULT 'rolling' NOT NULL,
	"window_days" integer DEFAULT 60 NOT NULL,
	"window_start" text,
	"window_end" text,
	"daily_cap" integer,
	"weekly_cap" integer,
	"seats" integer DEFAULT 1 NOT NULL,
	"location_kind" text DEFAULT 'video' NOT NULL,
	"location_value" text,
	"questions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_event_types_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "booking_event_types_duration_check" CHECK ("booking_event_types"."duration_minutes" BETWEEN 5 AND 720),
	CONSTRAINT "booking_event_types_seats_check" CHECK ("booking_event_types"."seats" BETWEEN 1 AND 1000)
);
--> statement-breakpoint
ALTER TABLE "booking_event_types" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "booking_holds" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_type_id" uuid NOT NULL,
	"host_user_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"blocks_from" timestamp with time zone NOT NULL,
	"blocks_until" timestamp with time zone NOT NULL,
	"seats" integer DEFAULT 1 NOT NULL,
	"seats_taken" integer DEFAULT 1 NOT NULL,
	"released_at" timestamp with time zone,
	CONSTRAINT "booking_holds_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "booking_holds_seats_check" CHECK ("booking_holds"."seats_taken" BETWEEN 0 AND "booking_holds"."seats"),
	CONSTRAINT "booking_holds_range_check" CHECK ("booking_holds"."blocks_from" <= "booking_holds"."starts_at" AND "booking_holds"."starts_at" < "booking_holds"."ends_at" AND "booking_holds"."ends_at" <= "booking_holds"."blocks_until")
);
--> statement-breakpoint
ALTER TABLE "booking_holds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "booking_schedules" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"weekly" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"overrides" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_schedules_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "booking_schedules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "bookings" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"event_type_id" uuid NOT NULL,
	"hold_ids" uuid[] NOT NULL,
	"host_user_ids" uuid[] NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"buffer_before_minutes" integer DEFAULT 0 NOT NULL,
	"buffer_after_minutes" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"attendee_name" text NOT NULL,
	"attendee_email" text NOT NULL,
	"attendee_time_zone" text NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"contact_id" uuid,
	"activity_id" uuid,
	"ical_uid" text NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"calendar_events" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"calendar_synced_sequence" integer,
	"reminder_sent_at" timestamp with time zone,
	"rescheduled_from_id" uuid,
	"cancel_reason" text,
	"cancelled_at" timestamp with time zone,
	"no_show_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "bookings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "integration_connections" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"scopes" text[] DEFAULT '{}' NOT NULL,
	"access_token_sealed" text,
	"refresh_token_sealed" text,
	"access_expires_at" timestamp with time zone,
	"state_hash" text,
	"verifier_sealed" text,
	"state_expires_at" timestamp with time zone,
	"last_error" text,
	"connected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_connections_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "integration_connections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "booking_event_hosts" ADD CONSTRAINT "booking_event_hosts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_event_hosts" ADD CONSTRAINT "booking_event_hosts_workspace_id_event_type_id_booking_event_types_workspace_id_id_fk" FOREIGN KEY ("workspace_id","event_type_id") REFERENCES "public"."booking_event_types"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_event_hosts" ADD CONSTRAINT "booking_event_hosts_workspace_id_user_id_memberships_workspace_id_user_id_fk" FOREIGN KEY ("workspace_id","user_id") REFERENCES "public"."memberships"("workspace_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_event_hosts" ADD CONSTRAINT "booking_event_hosts_workspace_id_schedule_id_booking_schedules_workspace_id_id_fk" FOREIGN KEY ("workspace_id","schedule_id") REFERENCES "public"."booking_schedules"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_event_types" ADD CONSTRAINT "booking_event_types_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_workspace_id_event_type_id_booking_event_types_workspace_id_id_fk" FOREIGN KEY ("workspace_id","event_type_id") REFERENCES "public"."booking_event_types"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_schedules" ADD CONSTRAINT "booking_schedules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_schedules" ADD CONSTRAINT "booking_schedules_workspace_id_user_id_memberships_workspace_id_user_id_fk" FOREIGN KEY ("workspace_id","user_id") REFERENCES "public"."memberships"("workspace_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_workspace_id_event_type_id_booking_event_types_workspace_id_id_fk" FOREIGN KEY ("workspace_id","event_type_id") REFERENCES "public"."booking_event_types"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_connections" ADD CONSTRAINT "integration_connections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_connections" ADD CONSTRAINT "integration_connections_workspace_id_user_id_memberships_workspace_id_user_id_fk" FOREIGN KEY ("workspace_id","user_id") REFERENCES "public"."memberships"("workspace_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "booking_event_types_slug_idx" ON "booking_event_types" USING btree ("workspace_id","slug");--> statement-breakpoint
CREATE INDEX "booking_holds_host_idx" ON "booking_holds" USING btree ("workspace_id","host_user_id","starts_at");--> statement-breakpoint
CREATE INDEX "booking_schedules_user_idx" ON "booking_schedules" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE INDEX "bookings_starts_idx" ON "bookings" USING btree ("workspace_id","starts_at");--> statement-breakpoint
CREATE INDEX "bookings_contact_idx" ON "bookings" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_connections_user_idx" ON "integration_connections" USING btree ("workspace_id","user_id","provider");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "booking_event_hosts" AS PERMISSIVE FOR ALL TO public USING ("booking_event_hosts"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("booking_event_hosts"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "booking_event_types" AS PERMISSIVE FOR ALL TO public USING ("booking_event_types"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("booking_event_types"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "booking_holds" AS PERMISSIVE FOR ALL TO public USING ("booking_holds"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("booking_holds"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "booking_schedules" AS PERMISSIVE FOR ALL TO public USING ("booking_schedules"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("booking_schedules"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "bookings" AS PERMISSIVE FOR ALL TO public USING ("bookings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("bookings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "integration_connections" AS PERMISSIVE FOR ALL TO public USING ("integration_connections"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("integration_connections"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);