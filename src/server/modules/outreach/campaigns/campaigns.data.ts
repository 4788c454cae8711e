import { registerData } from '../../../platform/data/registry';

registerData(
  { table: 'outreach_campaigns', user: { ids: ['created_by'] }, module: 'outreach', scope: 'workspace', description: 'Campaigns: name, subject and body copied from the template, audience (saved view or tag), schedule, status (MAIL-2).', export: { kind: 'rows' }, erase: { kind: 'with-workspace' } },
  {
    table: 'outreach_campaign_recipients',
    module: 'outreach',
    scope: 'workspace',
    description: "Each contact of a campaign: queued, sent, skipped or failed, with the reason and the message sent (MAIL-2).",
    export: { kind: 'rows' },
    erase: { kind: 'with-workspace' },
    person: { contactId: 'contact_id' },
  },
);
