import { registerData } from '../../platform/data/registry';

const rows = (table: string, description: string) =>
  ({ table, module: 'brain', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' } }) as const;

registerData(
  rows('brain_conversations', "Each member's conversations with the brain (AI-3)."),
  rows('brain_messages', 'Questions and answers, with the records each answer cites (AI-3).'),
);
