import { registerData, registerSystemTables } from './registry';

registerData({
  table: 'mail_outbox',
  module: 'platform/mail',
  scope: 'account',
  description: 'Transactional emails sent to a person, with the workspace they were sent for (none for sign-in codes and resets); bodies are cleared once sent.',
  export: { kind: 'rows', omit: ['text_body', 'html_body'] },
  erase: { kind: 'with-account' },
  person: { email: ['to_address'], text: ['subject', 'text_body', 'html_body', 'last_error'] },
});

registerSystemTables({ table: 'rate_limit_buckets', reason: 'Short-lived counters keyed by IP or address hash window; swept hourly.' });
