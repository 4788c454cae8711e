import { eq } from 'drizzle-orm';
import { withTenant } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { workspaceAiProvider } from '../ai';
import { whatsappConnected } from '../conversations/channel-settings';
import { workspaceDataProvider } from '../enrichment/provider-in-use';
import { connectedProviders } from '../integrations/connected-providers';
import { sendingAccountKindsInUse } from '../outreach';
import { workspaces } from '../workspaces/workspaces.schema';

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
    const [ws] = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId));
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
