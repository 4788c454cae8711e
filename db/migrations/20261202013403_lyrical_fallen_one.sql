CREATE TABLE "invoicing_payments" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"method" text NOT NULL,
	"paid_on" date NOT NULL,
	"amount_paise" bigint NOT NULL,
	"reference" text,
	"note" text,
	"recorded_by" uuid,
	"voided_at" timestamp with time zone,
	"voided_by" uuid,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_payments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "invoicing_payments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoicing_payments" ADD CONSTRAINT "invoicing_payments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_payments" ADD CONSTRAINT "invoicing_payments_workspace_id_document_id_invoicing_documents_workspace_id_id_fk" FOREIGN KEY ("workspace_id","document_id") REFERENCES "public"."invoicing_documents"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoicing_payments_document_idx" ON "invoicing_payments" USING btree ("workspace_id","document_id","paid_on");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_payments" AS PERMISSIVE FOR ALL TO public USING ("invoicing_payments"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_payments"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);