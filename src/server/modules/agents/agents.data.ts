import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const rows = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'agents', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  rows('agent_runs', 'Each agent run: the task, its steps, the records it read and its answer (AI-2).', { text: ['task', 'instructions', 'events', 'records', 'result', 'error'] }),
  rows('agent_proposals', 'What agents proposed (emails, stage changes, tasks) and who approved or rejected it (AI-5).', { text: ['rationale', 'payload', 'original_payload', 'records', 'note', 'result', 'error'] }),
  rows('agent_settings', 'Per-agent settings: autopilot and the weekly brief (AI-5).'),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  agent_settings: { ids: ['updated_by_user_id'] },
  agent_runs: { ids: ['user_id'] },
  agent_proposals: { ids: ['decided_by_user_id', 'proposed_by_user_id'] },
});
