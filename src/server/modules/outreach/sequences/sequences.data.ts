import { registerData } from '../../../platform/data/registry';

registerData(
  { table: 'outreach_sequences', user: { ids: ['created_by'] }, module: 'outreach', scope: 'workspace', description: 'Sequences of follow-up mails: name, who made it (MAIL-2).', export: { kind: 'rows' }, erase: { kind: 'with-workspace' } },
  { table: 'outreach_sequence_steps', module: 'outreach', scope: 'workspace', description: 'Steps of a sequence: subject and body copied from a template, delay in days (MAIL-2).', export: { kind: 'rows' }, erase: { kind: 'with-workspace' } },
  {
    table: 'outreach_sequence_enrolments', user: { ids: ['enrolled_by'] },
    module: 'outreach',
    scope: 'workspace',
    description: 'Contacts enrolled in a sequence: state (active, replied, unsubscribed, bounced, finished, stopped), next step and when it is due (MAIL-2, MAIL-4).',
    export: { kind: 'rows' },
    erase: { kind: 'with-workspace' },
    person: { contactId: 'contact_id', text: ['stop_reason'] },
  },
);
