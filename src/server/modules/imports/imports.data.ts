import { registerData } from '../../platform/data/registry';

const imports = (table: string, description: string) =>
  ({ table, module: 'imports', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' } }) as const;

registerData(
  imports('imports', 'CRM-7 imports: file name and size, column mapping, options, progress, counts, who ran and undid them.'),
  imports('import_row_errors', 'CRM-7 validation reports: row number, column, reason and the offending value.'),
  imports('import_records', 'CRM-7 which records an import created or changed, with before-images of changed records (dropped on undo).'),
);
