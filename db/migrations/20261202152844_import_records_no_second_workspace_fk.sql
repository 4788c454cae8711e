ALTER TABLE "import_records" DROP CONSTRAINT "import_records_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "import_row_errors" DROP CONSTRAINT "import_row_errors_workspace_id_workspaces_id_fk";
