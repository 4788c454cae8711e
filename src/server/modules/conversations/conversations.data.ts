import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const conv = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'conversations', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  conv('widget_settings', "The website widget's look, business hours, privacy notice, qualifying questions and allowed origins (CONV-1)."),
  conv('visitors', "Website visitors and channel senders: lead details they gave, IP, user agent and page, and a Messenger or Instagram sender's id (CONV-7).", { email: ['email'], phone: ['phone'], name: ['name'], contactId: 'contact_id' }),
  conv('conversations', 'Inbox threads: channel, status, holder, assignee, priority, unread counts, rating (CONV-4).', { contactId: 'contact_id', text: ['last_message_preview', 'flag_reason'] }),
  conv('conversation_messages', 'What visitors, the assistant and the team wrote, internal notes and system events (CONV-7).', { text: ['body'] }),
  { ...conv('knowledge_entries', 'FAQ entries and pages the website assistant answers from (CONV-2).'), export: { kind: 'rows', omit: ['search'] } },
  conv('knowledge_chunks', 'The knowledge cut into chunks with their embeddings, for the assistant\'s retrieval by meaning (CONV-2).'),
  conv('canned_replies', 'Saved replies of the team (CONV-4).'),
  {
    ...conv('channel_settings', 'The inbound email address and the WhatsApp Business, Messenger and Instagram connections; the webhook secret, access tokens and app secrets are sealed and never exported (CONV-6).'),
    export: { kind: 'rows', omit: ['inbound_secret_sealed', 'wa_access_token_sealed', 'wa_app_secret_sealed', 'resend_api_key_sealed', 'resend_webhook_secret_sealed', 'messenger_token_sealed', 'messenger_app_secret_sealed', 'instagram_token_sealed', 'instagram_app_secret_sealed'] },
  },
  conv('whatsapp_templates', "The WhatsApp Business account's message templates as last synced (CONV-6)."),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  widget_settings: { ids: ['last_assigned_user_id'] },
  conversation_messages: { ids: ['author_user_id'] },
  conversations: { ids: ['assignee_user_id'] },
});
