import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const outreach = (table: string, description: string, omit?: string[], person?: PersonColumns) =>
  ({ table, module: 'outreach', scope: 'workspace', description, export: { kind: 'rows', ...(omit ? { omit } : {}) }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  outreach('outreach_suppressions', 'The one suppression list: email addresses and phone numbers nobody may contact any more (unsubscribed, bounced, complained, erased), by the hash of the address, never the address (MAIL-4, PRIV-3).'),
  outreach('outreach_consents', "Contacts' marketing consent: granted or withdrawn, source, time and proof (MAIL-4).", undefined, { contactId: 'contact_id', text: ['proof'] }),
  outreach('outreach_sending_accounts', 'Sending accounts: SMTP server, Resend, or a member’s Gmail/Outlook connection; sender name and address, limits; password, API key and DKIM key sealed (MAIL-1, SEC-2).', ['secret_sealed', 'dkim_key_sealed', 'webhook_secret_sealed']),
  outreach('outreach_templates', 'Email templates with merge fields (name, subject, body, marketing or transactional) and call scripts Forge wrote (MAIL-2, AI-2).'),
  outreach('outreach_settings', 'Outreach settings of the workspace: whether its marketing mail carries own open and click tracking (MAIL-3).'),
  outreach('outreach_delivery_events', 'Delivery events from signed provider webhooks: delivered, opened, clicked, bounced, complained (MAIL-3).'),
  outreach('outreach_opt_ins', 'Double opt-in requests: contact, hash of the address, form source, request and confirmation time and IP (MAIL-4).', undefined, { contactId: 'contact_id', text: ['requested_ip', 'confirmed_ip', 'source'] }),
  outreach('outreach_messages', 'Outreach mail sent: contact, stream, subject, status and provider id; the address only as a hash (MAIL-4).', undefined, { contactId: 'contact_id', text: ['subject', 'last_error'] }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  outreach_messages: { ids: ['sent_by_user_id'] },
  outreach_sending_accounts: { ids: ['connection_user_id'] },
  outreach_templates: { ids: ['created_by_user_id'] },
  outreach_consents: { ids: ['recorded_by_user_id'] },
});
