ALTER TABLE "knowledge_entries" DROP CONSTRAINT "knowledge_entries_kind_check";--> statement-breakpoint
ALTER TABLE "knowledge_entries" ADD COLUMN "product_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_entries_product_idx" ON "knowledge_entries" USING btree ("workspace_id","product_id");--> statement-breakpoint
ALTER TABLE "knowledge_entries" ADD CONSTRAINT "knowledge_entries_product_check" CHECK (("knowledge_entries"."kind" = 'product') = ("knowledge_entries"."product_id" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "knowledge_entries" ADD CONSTRAINT "knowledge_entries_kind_check" CHECK ("knowledge_entries"."kind" IN ('faq', 'page', 'product'));