import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modulesRoot, scanModuleBoundaries, violationsIn } from './helpers/module-boundaries';

/**
 * To untangle: imports across modules that reach past the other module's index.ts, as they stood
 * when the rule got its test. A ratchet: the list only shrinks. A new entry fails the first test;
 * an entry that no longer occurs fails the second, so whoever fixes one removes it here.
 */
const allowed = [
  'activities/activity-rows.ts -> crm/crm.schema',
  'activities/create-activity.ts -> crm/crm.schema',
  'activities/list-recent-activity.ts -> crm/crm.schema',
  'activities/list-timeline.ts -> accounts/accounts.schema',
  'agents/definitions.ts -> enrichment/enrichment-errors',
  'agents/definitions.ts -> enrichment/manage-data-provider',
  'agents/proposals/carry-out.ts -> activities/create-activity',
  'agents/proposals/carry-out.ts -> crm/crm.schema',
  'agents/proposals/carry-out.ts -> crm/deals/get-deal',
  'agents/proposals/carry-out.ts -> crm/deals/move-deal',
  'agents/proposals/send-message.ts -> conversations/channels/adapters',
  'agents/proposals/send-message.ts -> conversations/conversation-rows',
  'agents/proposals/send-message.ts -> conversations/conversations.schema',
  'agents/proposals/send-message.ts -> crm/crm.schema',
  'agents/proposals/update-contact.ts -> activities/create-activity',
  'agents/proposals/update-contact.ts -> crm/crm.schema',
  'agents/proposals/update-contact.ts -> rules/scoring',
  'agents/runs.ts -> ai/ai-errors',
  'agents/runs.ts -> ai/record-context',
  'agents/runs.ts -> enrichment/enrichment-errors',
  'agents/runs.ts -> views/saved-views/present',
  'agents/tools/booking-tools.ts -> booking/booking.schema',
  'agents/tools/booking-tools.ts -> booking/compute-slots',
  'agents/tools/booking-tools.ts -> crm/crm.schema',
  'agents/tools/enrichment-tools.ts -> billing/charge',
  'agents/tools/enrichment-tools.ts -> crm/crm.schema',
  'agents/tools/enrichment-tools.ts -> enrichment/enrichment-errors',
  'agents/tools/enrichment-tools.ts -> enrichment/manage-data-provider',
  'agents/tools/enrichment-tools.ts -> enrichment/providers/people-data-labs',
  'agents/tools/enrichment-tools.ts -> enrichment/providers/types',
  'agents/tools/invoice-tools.ts -> invoicing/reminders',
  'agents/tools/invoice-tools.ts -> invoicing/send-document',
  'agents/tools/proposal-tools.ts -> conversations/conversations.schema',
  'agents/tools/record-tools.ts -> ai/record-context',
  'agents/tools/record-tools.ts -> ai/timeline-context',
  'agents/tools/record-tools.ts -> crm/crm.schema',
  'agents/tools/record-tools.ts -> views/query-view',
  'agents/tools/record-tools.ts -> views/search-records',
  'agents/tools/timeline-tools.ts -> ai/record-context',
  'agents/tools/timeline-tools.ts -> crm/crm.schema',
  'ai/record-context.ts -> crm/crm.schema',
  'audit/record-audit.ts -> workspaces/workspaces.schema',
  'booking/availability.ts -> accounts/accounts.schema',
  'booking/event-types.ts -> accounts/accounts.schema',
  'brain/ask-brain.ts -> ai/ai-errors',
  'brain/ask-brain.ts -> ai/record-context',
  'brain/brain.contract.ts -> agents/tool-specs',
  'brain/browser-brain.ts -> ai/record-context',
  'brain/semantic-index.ts -> ai/ai-errors',
  'brain/semantic-tool.ts -> rules/scoring',
  'brain/semantic.ts -> ai/ai-errors',
  'brain/semantic.ts -> ai/prices',
  'brain/semantic.ts -> ai/providers/embeddings',
  'brain/semantic.ts -> ai/record-call',
  'brain/semantic.ts -> ai/retrying-fetch',
  'brain/semantic.ts -> ai/usage-limits',
  'bulk/apply-bulk-action.ts -> crm/crm.schema',
  'bulk/apply-bulk-action.ts -> rules/scoring',
  'bulk/create-bulk-operation.ts -> crm/crm.schema',
  'bulk/create-bulk-operation.ts -> crm/records',
  'bulk/selection.ts -> crm/crm.schema',
  'bulk/selection.ts -> rules/scoring',
  'bulk/selection.ts -> views/compile-view',
  'conversations/assistant-reply.job.ts -> ai/record-call',
  'conversations/assistant-reply.job.ts -> ai/record-context',
  'conversations/assistant-tools.ts -> booking/chat-booking',
  'conversations/assistant-tools.ts -> crm/crm.schema',
  'conversations/away-mail.ts -> accounts/accounts.schema',
  'conversations/channels/whatsapp-document.ts -> crm/crm.schema',
  'conversations/closer-next-step.ts -> ai/record-context',
  'conversations/closer-next-step.ts -> booking/chat-booking',
  'conversations/closer-next-step.ts -> crm/crm.schema',
  'conversations/conversation-rows.ts -> accounts/accounts.schema',
  'conversations/handoff.ts -> accounts/accounts.schema',
  'conversations/inbox.ts -> activities/activities.schema',
  'conversations/knowledge-meaning.ts -> brain/semantic',
  'conversations/knowledge.ts -> brain/semantic',
  'conversations/receive-whatsapp.ts -> crm/crm.schema',
  'conversations/widget-session.ts -> booking/chat-booking',
  'crm/companies/create-company.ts -> rules/territories',
  'crm/contacts/create-contact.ts -> rules/scoring',
  'crm/contacts/create-contact.ts -> rules/territories',
  'crm/contacts/update-contact.ts -> rules/scoring',
  'crm/tags/tag-record.ts -> rules/scoring',
  'crm/visibility.ts -> rules/rules.schema',
  'dev/dev.routes.ts -> accounts/accounts.schema',
  'imports/import-context.ts -> crm/crm.schema',
  'imports/run-import.ts -> rules/rescore.job',
  'imports/run-import.ts -> rules/scoring',
  'imports/run-import.ts -> rules/territories',
  'incidents/incidents.ts -> crm/crm.schema',
  'invoicing/render-invoice-pdf.ts -> workspaces/workspaces.schema',
  'policies/policies.ts -> accounts/accounts.schema',
  'privacy/account-export.ts -> accounts/accounts.schema',
  'privacy/close-workspace.ts -> workspaces/workspaces.schema',
  'privacy/delete-account.ts -> accounts/accounts.schema',
  'privacy/delete-account.ts -> workspaces/workspaces.schema',
  'privacy/minor-reports.ts -> workspaces/workspaces.schema',
  'rules/explain-score.ts -> crm/crm.schema',
  'rules/manage-scoring-rules.ts -> crm/crm.schema',
  'rules/manage-territory-rules.ts -> crm/records',
  'rules/record-shares.ts -> accounts/accounts.schema',
  'rules/record-shares.ts -> crm/crm.schema',
  'rules/scoring.ts -> activities/activities.schema',
  'rules/scoring.ts -> crm/crm.schema',
  'rules/territories.ts -> workspaces/workspaces.schema',
  'views/compile-view.ts -> activities/activities.schema',
  'views/compile-view.ts -> crm/crm.schema',
  'views/export-lines.ts -> accounts/accounts.schema',
  'views/export-lines.ts -> activities/activities.schema',
  'views/export-lines.ts -> crm/crm.schema',
  'views/fields.ts -> activities/activities.schema',
  'views/fields.ts -> crm/crm.schema',
  'views/group-view.ts -> crm/crm.schema',
  'views/read-rows.ts -> accounts/accounts.schema',
  'views/read-rows.ts -> crm/crm.schema',
  'views/read-rows.ts -> crm/records',
  'views/search-records.ts -> crm/crm.schema',
  'workspaces/invitations.ts -> accounts/accounts.schema',
  'workspaces/manage-members.ts -> accounts/accounts.schema',
];

describe('ARCH a module reaches another only through its index.ts', () => {
  const found = scanModuleBoundaries();

  it('ARCH no new import reaches another module\'s tables or internal files (only its index.ts, its *.contract.ts, or from a *.schema.ts)', () => {
    const known = new Set(allowed);
    const fresh = found.filter((v) => !known.has(v));
    expect(fresh, `Import the other module's index.ts instead (export a use case there; pass a function or a Tx in, or a query fragment where one statement must stay one):\n${fresh.join('\n')}`).toEqual([]);
  });

  it('ARCH the allow-list of imports to untangle only shrinks: an untangled import is taken off it', () => {
    const now = new Set(found);
    const fixed = allowed.filter((v) => !now.has(v));
    expect(fixed, `No longer imported: remove these from the allow-list in test/module-boundaries.test.ts:\n${fixed.join('\n')}`).toEqual([]);
    expect(new Set(allowed).size, 'an entry is listed twice').toBe(allowed.length);
  });

  it('ARCH outreach (issue 17) reaches other modules only through their index.ts', () => {
    expect(found.filter((v) => v.startsWith('outreach/'))).toEqual([]);
    expect(allowed.filter((v) => v.startsWith('outreach/'))).toEqual([]);
  });

  it('ARCH the scan sees every kind of import and lets through only index.ts, contracts and schemas', () => {
    const file = path.join(modulesRoot, 'outreach', 'mail', 'example.ts');
    const source = [
      "import { users } from '../../accounts/accounts.schema';",
      "import type { Tx } from '../../../platform/db/database';",
      "import { selectContacts } from '../../crm';",
      "import { recordAudit } from '../../audit/index.js';",
      "import type { RecordType } from '../../crm/crm.contract';",
      "import {\n  loadVisibility,\n  withVisibility,\n} from '../../crm/visibility';",
      "export { memberRole } from '../../workspaces/memberships';",
      "const later = () => import('../../views/compile-view');",
      "import { suppressionOf } from './consent';",
      "import { outreachMessages } from '../outreach.schema';",
    ].join('\n');
    expect(violationsIn(file, source).map((v) => `${v.from} -> ${v.to}`)).toEqual([
      'outreach/mail/example.ts -> accounts/accounts.schema',
      'outreach/mail/example.ts -> crm/visibility',
      'outreach/mail/example.ts -> workspaces/memberships',
      'outreach/mail/example.ts -> views/compile-view',
    ]);
  });
});
