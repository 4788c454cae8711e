import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const imports = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'imports', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  imports('imports', 'CRM-7 imports: file name and size, column mapping, options, progress, counts, who ran and undid them.', { text: ['columns', 'error', 'undo_result'] }),
  imports('import_row_errors', 'CRM-7 validation reports: row number, column, reason and the offending value.', { text: ['value'] }),
  imports('import_records', 'CRM-7 which records an import created or changed, with before-images of changed records (dropped on undo).', { record: { type: 'record_type', id: 'record_id' }, text: ['before'] }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  imports: { ids: ['created_by', 'undone_by'] },
});
