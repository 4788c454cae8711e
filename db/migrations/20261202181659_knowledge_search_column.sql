DROP INDEX "knowledge_entries_search_idx";--> statement-breakpoint
ALTER TABLE "knowledge_entries" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_entries_words_idx" ON "knowledge_entries" USING gin ("search");