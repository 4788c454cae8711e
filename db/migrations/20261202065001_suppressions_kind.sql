ALTER TABLE "outreach_suppressions" ADD COLUMN "kind" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "outreach_suppressions" DROP CONSTRAINT "outreach_suppressions_workspace_id_address_hash_pk";--> statement-breakpoint
ALTER TABLE "outreach_suppressions" ADD CONSTRAINT "outreach_suppressions_workspace_id_kind_address_hash_pk" PRIMARY KEY("workspace_id","kind","address_hash");--> statement-breakpoint
ALTER TABLE "outreach_suppressions" ADD CONSTRAINT "outreach_suppressions_kind_check" CHECK ("outreach_suppressions"."kind" IN ('email', 'phone'));
