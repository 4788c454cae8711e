import { registerData, type PersonColumns, relateToAccounts } from '../../../platform/data/registry';

const calls = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'calls', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  calls('do_not_call', 'CALL-2 do-not-call numbers (E.164) with source, reason, the contact who asked, who added them and when.', { phone: ['number'], contactId: 'contact_id', text: ['reason'] }),
  calls('dnc_imports', 'CALL-2 national registry files imported: name, size, progress and counts, who ran them.'),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  dnc_imports: { ids: ['created_by'] },
  do_not_call: { ids: ['added_by'] },
});
