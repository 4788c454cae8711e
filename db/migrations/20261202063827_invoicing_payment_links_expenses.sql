CREATE TABLE "invoicing_expenses" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"spent_on" date NOT NULL,
	"category" text NOT NULL,
	"description" text NOT NULL,
	"vendor_name" text,
	"vendor_gstin" char(15),
	"amount_paise" bigint NOT NULL,
	"gst_paise" bigint DEFAULT 0 NOT NULL,
	"itc_eligible" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_expenses_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "invoicing_expenses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoicing_payment_accounts" (
	"workspace_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"secret_key_sealed" text NOT NULL,
	"secret_key_last4" text NOT NULL,
	"webhook_secret_sealed" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_payment_accounts_workspace_id_provider_pk" PRIMARY KEY("workspace_id","provider")
);
--> statement-breakpoint
ALTER TABLE "invoicing_payment_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoicing_payment_links" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"provider_link_id" text NOT NULL,
	"url" text NOT NULL,
	"amount_paise" bigint NOT NULL,
	"paid_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_payment_links_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "invoicing_payment_links_provider_key" UNIQUE("workspace_id","provider","provider_link_id")
);
--> statement-breakpoint
ALTER TABLE "invoicing_payment_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoicing_payments" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "invoicing_payments" ADD COLUMN "provider_payment_id" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "cost_price_paise" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "unit_cost_paise" bigint;--> statement-breakpoint
ALTER TABLE "invoicing_expenses" ADD CONSTRAINT "invoicing_expenses_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_payment_accounts" ADD CONSTRAINT "invoicing_payment_accounts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_payment_links" ADD CONSTRAINT "invoicing_payment_links_workspace_id_document_id_invoicing_documents_workspace_id_id_fk" FOREIGN KEY ("workspace_id","document_id") REFERENCES "public"."invoicing_documents"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoicing_expenses_date_idx" ON "invoicing_expenses" USING btree ("workspace_id","spent_on");--> statement-breakpoint
CREATE INDEX "invoicing_payment_links_document_idx" ON "invoicing_payment_links" USING btree ("workspace_id","document_id","created_at");--> statement-breakpoint
ALTER TABLE "invoicing_payments" ADD CONSTRAINT "invoicing_payments_provider_payment_key" UNIQUE("workspace_id","provider","provider_payment_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_expenses" AS PERMISSIVE FOR ALL TO public USING ("invoicing_expenses"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_expenses"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_payment_accounts" AS PERMISSIVE FOR ALL TO public USING ("invoicing_payment_accounts"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_payment_accounts"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_payment_links" AS PERMISSIVE FOR ALL TO public USING ("invoicing_payment_links"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_payment_links"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);