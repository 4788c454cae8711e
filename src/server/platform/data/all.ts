/** Loads every module's data declarations. A new module adds its `<module>.data.ts` here. */
import './platform.data';
import '../../modules/accounts/accounts.data';
import '../../modules/workspaces/workspaces.data';
import '../../modules/audit/audit.data';
import '../../modules/crm/crm.data';
import '../../modules/imports/imports.data';
import '../../modules/rules/rules.data';
import '../../modules/bulk/bulk.data';
import '../../modules/activities/activities.data';
import '../../modules/views/views.data';
import '../../modules/ai/ai.data';
import '../../modules/agents/agents.data';
import '../../modules/brain/brain.data';
import '../../modules/enrichment/enrichment.data';
import '../../modules/booking/booking.data';
import '../../modules/integrations/integrations.data';
import '../../modules/invoicing/invoicing.data';
import '../../modules/billing/billing.data';
import '../../modules/incidents/incidents.data';
import '../../modules/policies/policies.data';
import '../../modules/privacy/privacy.data';

export { dataEntries, systemEntries } from './registry';
import '../../modules/conversations/conversations.data';
import '../../modules/outreach/calls/calls.data';
import '../../modules/outreach/outreach.data';
import '../../modules/outreach/campaigns/campaigns.data';
import '../../modules/outreach/sequences/sequences.data';
