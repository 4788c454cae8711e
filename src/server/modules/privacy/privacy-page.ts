import { withTenant } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { workspaceAiProvider } from '../ai';
import { metaMessagingConnected, metaMessagingConnectedAnywhere, whatsappConnected, whatsappConnectedAnywhere } from '../conversations';
import { workspaceDataProvider } from '../enrichment';
import { connectedProviders } from '../integrations';
import { sendingAccountKindsInUse } from '../outreach';
import { workspaceProfile } from '../workspaces';

export interface Subprocessor {
  name: string;
  purpose: string;
  /** Who switched it on: the operator for every workspace, or this workspace. */
  scope: 'operator' | 'workspace';
}

const aiNames: Record<string, string> = { openai: 'OpenAI', anthropic: 'Anthropic', google: 'Google (Gemini)' };
const aiName = (kind: string, host: string | null) => aiNames[kind] ?? `An OpenAI-compatible AI server${host ? ` at ${host}` : ''}`;
const aiPurpose = 'Writes the assistant’s and agents’ answers from the records sent with each request.';

/**
 * PRIV-9: the subprocessors that receive personal data, read from the live configuration (the
 * operator's settings) and from what this workspace switched on — never from a hand-kept list, so
 * the page cannot drift from what the software does. Public: it names providers, nothing else.
 */
export async function describeSubprocessors(services: Services, workspaceId: string): Promise<{ workspaceName: string; subprocessors: Subprocessor[] }> {
  const config = services.config;
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const ws = await workspaceProfile(tx, workspaceId);
    if (!ws) throw notFound('Workspace');
    const list: Subprocessor[] = [];
    const add = (name: string, purpose: string, scope: Subprocessor['scope']) => {
      if (!list.some((s) => s.name === name && s.purpose === purpose)) list.push({ name, purpose, scope });
    };

    if (config.RESEND_API_KEY && !config.SMTP_URL) add('Resend', 'Delivers the emails the service sends (sign-in codes, notices, confirmations).', 'operator');
    if (config.AI_PROVIDER) add(aiName(config.AI_PROVIDER, config.AI_BASE_URL ? safeHost(config.AI_BASE_URL) : null), aiPurpose, 'operator');
    if (config.GOOGLE_CLIENT_ID) add('Google', 'Signs people in with their Google account when they choose to.', 'operator');
    if (config.BILLING_ENABLED && config.BILLING_PROVIDER === 'stripe') add('Stripe', 'Takes payments for the subscription and credits; card details stay with Stripe.', 'operator');

    const ai = await workspaceAiProvider(tx, workspaceId);
    if (ai) add(aiName(ai.kind, ai.host), aiPurpose, 'workspace');
    if (await whatsappConnected(tx, workspaceId)) add('Meta (WhatsApp Business)', 'Carries WhatsApp messages between the business and its customers.', 'workspace');
    if (await metaMessagingConnected(tx, workspaceId)) add('Meta (Messenger and Instagram)', 'Carries Messenger and Instagram Direct messages between the business and its customers.', 'workspace');
    if ((await connectedProviders(tx, workspaceId)).includes('google_calendar')) add('Google (Calendar)', 'Reads busy times and holds booked meetings in the team’s calendars.', 'workspace');
    const kinds = await sendingAccountKindsInUse(tx, workspaceId);
    if (kinds.includes('resend')) add('Resend', 'Delivers the business’s own emails to its contacts.', 'workspace');
    if (kinds.includes('gmail')) add('Google (Gmail)', 'Sends the business’s emails to its contacts from a team member’s Gmail; Kestrel cannot read that mailbox.', 'workspace');
    if (kinds.includes('outlook')) add('Microsoft (Outlook)', 'Sends the business’s emails to its contacts from a team member’s Outlook mailbox; Kestrel cannot read it.', 'workspace');
    if ((await workspaceDataProvider(tx, workspaceId)) === 'people_data_labs') add('People Data Labs', 'Looks up public business details of contacts when the team asks.', 'workspace');
    return { workspaceName: ws.name, subprocessors: list };
  });
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

const billingNames: Record<string, string> = { stripe: 'Stripe', paddle: 'Paddle', razorpay: 'Razorpay' };

export interface OperatorPrivacy {
  operator: { name: string | null; email: string | null };
  subprocessors: Subprocessor[];
  retention: { what: string; days: number }[];
  storage: string[];
}

/**
 * PRIV-9, operator-wide: who runs this installation, the subprocessors it uses for everyone (from
 * the live configuration, plus WhatsApp when any workspace connected it), the retention periods
 * in force and where data is kept. Public: names providers and periods, never keys or hosts of
 * internal services.
 */
export async function describeOperatorPrivacy(services: Services): Promise<OperatorPrivacy> {
  const c = services.config;
  const list: Subprocessor[] = [];
  const add = (name: string, purpose: string) => list.push({ name, purpose, scope: 'operator' });
  if (c.SMTP_URL) add(`The operator’s mail server${safeHost(c.SMTP_URL) ? ` (${safeHost(c.SMTP_URL)!.replace(/:\d+$/, '')})` : ''}`, 'Delivers the emails the service sends (sign-in codes, notices, confirmations).');
  else if (c.RESEND_API_KEY) add('Resend', 'Delivers the emails the service sends (sign-in codes, notices, confirmations).');
  if (c.AI_PROVIDER) add(aiName(c.AI_PROVIDER, c.AI_BASE_URL ? safeHost(c.AI_BASE_URL) : null), aiPurpose);
  if (c.BILLING_ENABLED && c.BILLING_PROVIDER) add(billingNames[c.BILLING_PROVIDER] ?? c.BILLING_PROVIDER, 'Takes payments for the subscription and credits; card details stay with the payment provider.');
  if (c.GOOGLE_CLIENT_ID) add('Google', 'Signs people in with their Google account, and connects calendars and Gmail, when they choose to.');
  if (c.MICROSOFT_CLIENT_ID) add('Microsoft', 'Connects Outlook mailboxes and calendars when a team member chooses to.');
  if (await whatsappConnectedAnywhere(services.database.system)) add('Meta (WhatsApp Business)', 'Carries WhatsApp messages between businesses that connected it and their customers.');
  if (await metaMessagingConnectedAnywhere(services.database.system)) add('Meta (Messenger and Instagram)', 'Carries Messenger and Instagram Direct messages between businesses that connected them and their customers.');
  return {
    operator: { name: c.OPERATOR_NAME ?? null, email: c.OPERATOR_EMAIL ?? null },
    subprocessors: list,
    retention: [
      { what: 'Email delivery logs', days: c.MAIL_LOG_RETENTION_DAYS },
      { what: 'Audit logs', days: c.AUDIT_LOG_RETENTION_DAYS },
      { what: 'A deleted account, before it is purged', days: c.ACCOUNT_PURGE_DAYS },
      { what: 'A closed workspace, before it is purged', days: c.WORKSPACE_GRACE_DAYS },
      ...(c.BACKUP_DIR ? [{ what: 'Backups', days: c.BACKUP_RETENTION_DAYS }] : []),
      ...(c.BILLING_ENABLED ? [{ what: 'Billing records, as the law requires', days: c.BILLING_RETENTION_YEARS * 365 }] : []),
    ],
    storage: [
      c.DATABASE_URL ? 'Records are kept in the operator’s PostgreSQL database.' : 'Records are kept in a PostgreSQL database on the server this service runs on.',
      'Files (uploads, exports) are kept on that server’s disk; exports are deleted once downloaded or after 24 hours.',
      ...(c.BACKUP_DIR ? [`Backups are written every night and kept ${c.BACKUP_RETENTION_DAYS} days.`] : []),
    ],
  };
}
