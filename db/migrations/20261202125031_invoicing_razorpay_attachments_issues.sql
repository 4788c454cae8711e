CREATE TABLE "invoicing_payment_issues" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"provider_payment_id" text NOT NULL,
	"amount_paise" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"balance_paise" bigint NOT NULL,
	"resolution" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_payment_issues_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "invoicing_payment_issues_provider_key" UNIQUE("workspace_id","provider","provider_payment_id")
);
--> statement-breakpoint
ALTER TABLE "invoicing_payment_issues" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "whatsapp_templates" ADD COLUMN "header_format" text;--> statement-breakpoint
ALTER TABLE "invoicing_expenses" ADD COLUMN "attachment" "bytea";--> statement-breakpoint
ALTER TABLE "invoicing_expenses" ADD COLUMN "attachment_type" text;--> statement-breakpoint
ALTER TABLE "invoicing_expenses" ADD COLUMN "attachment_name" text;--> statement-breakpoint
ALTER TABLE "invoicing_payment_accounts" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "invoicing_payment_issues" ADD CONSTRAINT "invoicing_payment_issues_workspace_id_document_id_invoicing_documents_workspace_id_id_fk" FOREIGN KEY ("workspace_id","document_id") REFERENCES "public"."invoicing_documents"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoicing_payment_issues_document_idx" ON "invoicing_payment_issues" USING btree ("workspace_id","document_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_payment_issues" AS PERMISSIVE FOR ALL TO public USING ("invoicing_payment_issues"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_payment_issues"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);