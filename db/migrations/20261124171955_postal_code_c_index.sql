-- CRM-6: a zip-code prefix compiles to a range in the C collation (exactly "starts with", and
-- LEAKPROOF under row-level security). An index serves a comparison only in its own collation,
-- and "C" is not the column's "default" even where the database's default is C, so the old
-- index never narrowed the range: the planner read every contact of the workspace from it, or
-- walked the sort column's index filtering tens of thousands of rows. The index is now in C.
DROP INDEX IF EXISTS "contacts_postal_code_idx";--> statement-breakpoint
CREATE INDEX "contacts_postal_code_idx" ON "contacts" USING btree ("workspace_id", ("postal_code" COLLATE "C"));
