import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const rows = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'brain', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  {
    table: 'record_embeddings',
    module: 'brain',
    scope: 'workspace',
    description: 'Embeddings of contacts, companies and deals for semantic search, made from their descriptions (AI-3).',
    export: { kind: 'excluded', reason: 'Derived from records that are exported themselves; a model output of no use outside Kestrel, and rebuilt on demand.' },
    erase: { kind: 'with-workspace' },
    person: { record: { type: 'record_type', id: 'record_id' } },
  },
  rows('semantic_index_state', 'The last indexing of the records for semantic search: model, progress, outcome (AI-3).'),
  rows('brain_conversations', "Each member's conversations with the brain (AI-3).", { text: ['title'] }),
  rows('brain_messages', 'Questions and answers, with the records each answer cites (AI-3).', { text: ['content', 'citations', 'records', 'events', 'error'] }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  semantic_index_state: { ids: ['requested_by'] },
  brain_conversations: { ids: ['user_id'] },
});
