ALTER TABLE "outreach_sequence_enrolments" DROP CONSTRAINT "outreach_sequence_enrolments_state_check";--> statement-breakpoint
ALTER TABLE "dnc_imports" ADD COLUMN "kind" text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE "dnc_imports" ADD COLUMN "removed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ADD COLUMN "next_step_id" uuid;--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ADD COLUMN "thread_subject" text;--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ADD COLUMN "thread_references" text;--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ADD COLUMN "paused_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outreach_sequence_steps" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_sequence_steps" DROP CONSTRAINT "outreach_sequence_steps_workspace_id_sequence_id_position_pk";--> statement-breakpoint
ALTER TABLE "outreach_sequence_steps" ADD CONSTRAINT "outreach_sequence_steps_workspace_id_sequence_id_id_pk" PRIMARY KEY("workspace_id","sequence_id","id");--> statement-breakpoint
ALTER TABLE "outreach_sequence_steps" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outreach_sequences" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
CREATE INDEX "outreach_sequence_enrolments_paused_idx" ON "outreach_sequence_enrolments" USING btree ("paused_until") WHERE state = 'paused';--> statement-breakpoint
ALTER TABLE "dnc_imports" ADD CONSTRAINT "dnc_imports_kind_check" CHECK (kind IN ('full', 'additions', 'deletions'));--> statement-breakpoint
ALTER TABLE "outreach_sequence_enrolments" ADD CONSTRAINT "outreach_sequence_enrolments_state_check" CHECK (state IN ('active', 'paused', 'replied', 'unsubscribed', 'bounced', 'finished', 'stopped'));--> statement-breakpoint
ALTER TABLE "outreach_sequences" ADD CONSTRAINT "outreach_sequences_status_check" CHECK (status IN ('draft', 'active'));
