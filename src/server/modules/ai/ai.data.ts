import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const ai = (table: string, description: string, omit?: string[], person?: PersonColumns) =>
  ({ table, module: 'ai', scope: 'workspace', description, export: { kind: 'rows', ...(omit ? { omit } : {}) }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  ai('ai_providers', "The workspace's own AI provider: kind, base URL, model and prices; the key is sealed and never exported (AI-1).", ['api_key_sealed']),
  ai('ai_settings', 'AI settings such as redacting emails and phone numbers from what is sent to a provider (AI-6).'),
  ai('ai_usage_daily', 'What remains of AI calls deleted by retention: calls, tokens and cost per day, provider and model, without ids or users (PRIV-4).'),
  ai('ai_calls', 'Every AI call: prompt, records used, output, provider, model, tokens, cost, latency and outcome (AI-4, WS-5).', undefined, { text: ['prompt', 'record_refs', 'output', 'error_message'] }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  ai_providers: { ids: ['updated_by_user_id'] },
  ai_calls: { ids: ['user_id'] },
});
