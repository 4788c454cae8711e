-- MAIL-4, PRIV-3: one suppression list. The erased people's hashes kept by privacy move into
-- outreach_suppressions (emails and phones, reason 'erased'); an address already there for
-- another reason becomes 'erased' (erasure wins, as suppressErased does), then the old table goes.
INSERT INTO "outreach_suppressions" ("workspace_id", "kind", "address_hash", "reason", "source", "created_at")
SELECT "workspace_id", "kind", "hash", 'erased', 'erasure', "created_at" FROM "privacy_suppressions"
ON CONFLICT ("workspace_id", "kind", "address_hash") DO UPDATE SET "reason" = 'erased', "source" = 'erasure';--> statement-breakpoint
DROP TABLE "privacy_suppressions";
