-- BILL-3: the credit ledger is append-only. Corrections are new entries; an UPDATE or DELETE is
-- refused for every role (the app role is granted UPDATE and DELETE on all tables). The only
-- deletion is the retention purge (BILL-5), which says so for its own transaction.
CREATE OR REPLACE FUNCTION kestrel_credit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('kestrel.retention_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'credit_entries is append-only: write a correcting entry instead' USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER credit_entries_append_only BEFORE UPDATE OR DELETE ON credit_entries
  FOR EACH ROW EXECUTE FUNCTION kestrel_credit_entries_append_only();
--> statement-breakpoint
-- BILL-3: double entry. At commit, each transaction's legs sum to zero.
CREATE OR REPLACE FUNCTION kestrel_credit_txn_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT coalesce(sum(amount), 0) FROM credit_entries WHERE workspace_id = NEW.workspace_id AND txn_id = NEW.txn_id) <> 0 THEN
    RAISE EXCEPTION 'credit transaction % does not balance', NEW.txn_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER credit_entries_balanced AFTER INSERT ON credit_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kestrel_credit_txn_balanced();
--> statement-breakpoint
ALTER TABLE credit_balances ADD CONSTRAINT credit_balances_not_negative CHECK (balance >= 0);
--> statement-breakpoint
-- BILL-1: the standing count of contacts per workspace, kept by the database whatever path creates
-- or removes them (the form, imports, bookings, bulk delete, undo), one statement at a time.
-- A limit check locks this row, so two creators cannot both pass the last unit.
CREATE OR REPLACE FUNCTION kestrel_count_contacts_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO billing_counters (workspace_id, metric, period_start, used)
    SELECT workspace_id, 'contacts', DATE '1970-01-01', count(*) FROM new_rows GROUP BY workspace_id
  ON CONFLICT (workspace_id, metric, period_start) DO UPDATE SET used = billing_counters.used + EXCLUDED.used;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kestrel_count_contacts_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE billing_counters c SET used = greatest(0, c.used - d.n)
    FROM (SELECT workspace_id, count(*) AS n FROM old_rows GROUP BY workspace_id) d
    WHERE c.workspace_id = d.workspace_id AND c.metric = 'contacts' AND c.period_start = DATE '1970-01-01';
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER contacts_count_added AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kestrel_count_contacts_added();
--> statement-breakpoint
CREATE TRIGGER contacts_count_removed AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kestrel_count_contacts_removed();
--> statement-breakpoint
INSERT INTO billing_counters (workspace_id, metric, period_start, used)
  SELECT workspace_id, 'contacts', DATE '1970-01-01', count(*) FROM contacts GROUP BY workspace_id;
