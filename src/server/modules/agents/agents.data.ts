import { registerData, type PersonColumns } from '../../platform/data/registry';

const rows = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'agents', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  rows('agent_runs', 'Each agent run: the task, its steps, the records it read and its answer (AI-2).', { text: ['task', 'instructions', 'events', 'records', 'result', 'error'] }),
  rows('agent_proposals', 'What agents proposed (emails, stage changes, tasks) and who approved or rejected it (AI-5).', { text: ['rationale', 'payload', 'original_payload', 'records', 'note', 'result', 'error'] }),
  rows('agent_settings', 'Per-agent settings: autopilot and the weekly brief (AI-5).'),
);
