CREATE TABLE "document_counters" (
	"workspace_id" uuid NOT NULL,
	"series_id" uuid NOT NULL,
	"financial_year" text NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "document_counters_workspace_id_series_id_financial_year_pk" PRIMARY KEY("workspace_id","series_id","financial_year")
);
--> statement-breakpoint
ALTER TABLE "document_counters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoicing_document_lines" (
	"workspace_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"product_id" uuid,
	"description" text NOT NULL,
	"hsn" text NOT NULL,
	"uqc" text NOT NULL,
	"quantity_milli" bigint NOT NULL,
	"unit_price_paise" bigint DEFAULT 0 NOT NULL,
	"price_includes_tax" boolean DEFAULT false NOT NULL,
	"rate_bps" integer NOT NULL,
	"cess_bps" integer DEFAULT 0 NOT NULL,
	"discount" jsonb,
	"taxable_paise" bigint DEFAULT 0 NOT NULL,
	"cgst_paise" bigint DEFAULT 0 NOT NULL,
	"sgst_paise" bigint DEFAULT 0 NOT NULL,
	"utgst_paise" bigint DEFAULT 0 NOT NULL,
	"igst_paise" bigint DEFAULT 0 NOT NULL,
	"cess_paise" bigint DEFAULT 0 NOT NULL,
	"total_paise" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "invoicing_document_lines_workspace_id_document_id_position_pk" PRIMARY KEY("workspace_id","document_id","position")
);
--> statement-breakpoint
ALTER TABLE "invoicing_document_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "document_series" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"document_type" text NOT NULL,
	"prefix" text NOT NULL,
	"digits" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_series_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "document_series_prefix_key" UNIQUE("workspace_id","document_type","prefix")
);
--> statement-breakpoint
ALTER TABLE "document_series" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoicing_documents" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"document_type" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"series_id" uuid NOT NULL,
	"financial_year" text,
	"sequence" integer,
	"number" text,
	"document_date" date NOT NULL,
	"due_date" date,
	"company_id" uuid,
	"contact_id" uuid,
	"buyer_name" text NOT NULL,
	"buyer_gstin" char(15),
	"buyer_state_code" char(2),
	"supplier_gstin" char(15),
	"supplier_state_code" char(2) NOT NULL,
	"place_of_supply" char(2) NOT NULL,
	"supply_kind" text NOT NULL,
	"regime" text NOT NULL,
	"original_document_id" uuid,
	"discount" jsonb,
	"taxable_paise" bigint DEFAULT 0 NOT NULL,
	"cgst_paise" bigint DEFAULT 0 NOT NULL,
	"sgst_paise" bigint DEFAULT 0 NOT NULL,
	"utgst_paise" bigint DEFAULT 0 NOT NULL,
	"igst_paise" bigint DEFAULT 0 NOT NULL,
	"cess_paise" bigint DEFAULT 0 NOT NULL,
	"round_off_paise" bigint DEFAULT 0 NOT NULL,
	"grand_total_paise" bigint DEFAULT 0 NOT NULL,
	"paid_paise" bigint DEFAULT 0 NOT NULL,
	"notes" text,
	"version" integer DEFAULT 1 NOT NULL,
	"issued_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_documents_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "invoicing_documents_number_key" UNIQUE("workspace_id","series_id","financial_year","sequence")
);
--> statement-breakpoint
ALTER TABLE "invoicing_documents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoicing_settings" (
	"workspace_id" uuid NOT NULL,
	"legal_name" text NOT NULL,
	"gstin" char(15),
	"state_code" char(2) NOT NULL,
	"allow_negative_stock" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoicing_settings_workspace_id_pk" PRIMARY KEY("workspace_id")
);
--> statement-breakpoint
ALTER TABLE "invoicing_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "products" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"hsn" text NOT NULL,
	"uqc" text NOT NULL,
	"price_paise" bigint DEFAULT 0 NOT NULL,
	"price_includes_tax" boolean DEFAULT false NOT NULL,
	"rate_bps" integer NOT NULL,
	"cess_bps" integer DEFAULT 0 NOT NULL,
	"track_stock" boolean DEFAULT true NOT NULL,
	"stock_milli" bigint DEFAULT 0 NOT NULL,
	"reorder_level_milli" bigint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_workspace_id_id_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "products_sku_key" UNIQUE("workspace_id","sku")
);
--> statement-breakpoint
ALTER TABLE "products" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "stock_movements" (
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity_milli" bigint NOT NULL,
	"document_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_movements_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "stock_movements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "document_counters" ADD CONSTRAINT "document_counters_workspace_id_series_id_document_series_workspace_id_id_fk" FOREIGN KEY ("workspace_id","series_id") REFERENCES "public"."document_series"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_document_lines" ADD CONSTRAINT "invoicing_document_lines_workspace_id_document_id_invoicing_documents_workspace_id_id_fk" FOREIGN KEY ("workspace_id","document_id") REFERENCES "public"."invoicing_documents"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_series" ADD CONSTRAINT "document_series_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_documents" ADD CONSTRAINT "invoicing_documents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_documents" ADD CONSTRAINT "invoicing_documents_workspace_id_series_id_document_series_workspace_id_id_fk" FOREIGN KEY ("workspace_id","series_id") REFERENCES "public"."document_series"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoicing_settings" ADD CONSTRAINT "invoicing_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_workspace_id_product_id_products_workspace_id_id_fk" FOREIGN KEY ("workspace_id","product_id") REFERENCES "public"."products"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoicing_documents_list_idx" ON "invoicing_documents" USING btree ("workspace_id","document_type","document_date");--> statement-breakpoint
CREATE INDEX "stock_movements_product_idx" ON "stock_movements" USING btree ("workspace_id","product_id","created_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "document_counters" AS PERMISSIVE FOR ALL TO public USING ("document_counters"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("document_counters"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_document_lines" AS PERMISSIVE FOR ALL TO public USING ("invoicing_document_lines"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_document_lines"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "document_series" AS PERMISSIVE FOR ALL TO public USING ("document_series"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("document_series"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_documents" AS PERMISSIVE FOR ALL TO public USING ("invoicing_documents"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_documents"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoicing_settings" AS PERMISSIVE FOR ALL TO public USING ("invoicing_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("invoicing_settings"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "products" AS PERMISSIVE FOR ALL TO public USING ("products"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("products"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "stock_movements" AS PERMISSIVE FOR ALL TO public USING ("stock_movements"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid) WITH CHECK ("stock_movements"."workspace_id" = nullif(current_setting('kestrel.workspace_id', true), '')::uuid);