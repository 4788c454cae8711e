import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Forbidden } from '../settings/Forbidden';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { MessagingChannelCard } from './MessagingChannelCard';
import { checkWhatsapp, fetchChannelSettings, saveChannelSettings, type ChannelSettings } from './api';
import { useChannelConnection } from './useChannelConnection';

/** CONV-6: Settings → Channels — the address to forward email to, and the WhatsApp Business, Messenger and Instagram connections. */
export function ChannelsSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const allowed = workspace.data ? isManager(workspace.data.role) : true;
  const settings = useQuery({ queryKey: ['channel-settings', workspaceId], queryFn: () => fetchChannelSettings(workspaceId), enabled: allowed });
  if (!allowed) return <Forbidden what="the channel settings" />;
  return (
    <div>
      <PageHeading description="Email, WhatsApp, Messenger and Instagram messages from customers arrive in the inbox next to website chats, and your replies go back the same way.">Channels</PageHeading>
      {settings.isPending ? (
        <SkeletonList rows={4} />
      ) : settings.error ? (
        <ErrorAlert>{errorMessage(settings.error)}</ErrorAlert>
      ) : (
        <>
          <EmailCard s={settings.data} />
          <ResendCard workspaceId={workspaceId} s={settings.data} />
          <WhatsappCard workspaceId={workspaceId} s={settings.data} />
          <MessagingChannelCard workspaceId={workspaceId} s={settings.data} channel="messenger" copyable={(label, value) => <Copyable label={label} value={value} />} />
          <MessagingChannelCard workspaceId={workspaceId} s={settings.data} channel="instagram" copyable={(label, value) => <Copyable label={label} value={value} />} />
        </>
      )}
    </div>
  );
}

function Copyable({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="mt-3">
      <span className="block text-sm font-medium text-stone-700">{label}</span>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded border border-stone-200 bg-stone-50 px-2 py-1 text-sm text-stone-900">{value}</code>
        <Button
          size="sm"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(value);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}

function EmailCard({ s }: { s: ChannelSettings }) {
  return (
    <Card labelledBy="email-heading" className="mt-4">
      <SectionHeading id="email-heading" description="Forward your business address (hello@yourshop.com) to this address; customers' mail then opens conversations in the inbox, and replies thread in their mail client.">
        Email
      </SectionHeading>
      <Copyable label="Forward email to" value={s.email.inboundAddress} />
      <details className="mt-4 text-sm text-stone-700">
        <summary className="cursor-pointer font-medium">Receiving through a mail provider's webhook instead</summary>
        <p className="mt-2">POST the raw message (Content-Type message/rfc822) with headers X-Kestrel-Timestamp (Unix seconds) and X-Kestrel-Signature: sha256=HMAC-SHA256(secret, timestamp + "." + body).</p>
        <Copyable label="Webhook address" value={s.email.webhookUrl} />
        <Copyable label="Signing secret" value={s.email.webhookSecret} />
      </details>
      {!s.email.smtpReceiver ? <InfoNote className="mt-3">The built-in mail receiver is off on this server (INBOUND_SMTP_PORT). Forwarded mail reaches Kestrel through the webhook.</InfoNote> : null}
    </Card>
  );
}

/**
 * CONV-6: receiving email through Resend Inbound — its API key and the webhook's signing secret
 * (kept encrypted, never shown again), and the address Resend posts `email.received` to.
 */
function ResendCard({ workspaceId, s }: { workspaceId: string; s: ChannelSettings }) {
  const queryClient = useQueryClient();
  const rs = s.email.resend;
  const [apiKey, setApiKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [done, setDone] = useState<'saved' | 'disconnected' | null>(null);
  const save = useMutation({
    mutationFn: (body: { apiKey?: string | null; webhookSecret?: string | null }) => saveChannelSettings(workspaceId, { resend: body }),
    onSuccess: (data, body) => {
      setApiKey('');
      setWebhookSecret('');
      setDone(body.apiKey === null ? 'disconnected' : 'saved');
      queryClient.setQueryData(['channel-settings', workspaceId], data);
    },
  });
  const fields = isApiError(save.error) ? (save.error.details?.fields as Record<string, string> | undefined) : undefined;
  const nothingTyped = !apiKey.trim() && !webhookSecret.trim();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    save.mutate({ ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}), ...(webhookSecret.trim() ? { webhookSecret: webhookSecret.trim() } : {}) });
  };
  const status = rs.connected
    ? { tone: 'text-emerald-800 font-medium', text: 'Connected: mail Resend receives for your domain arrives in the inbox.' }
    : rs.hasApiKey || rs.hasWebhookSecret
      ? { tone: 'text-amber-900', text: rs.hasApiKey ? 'API key saved; the signing secret is missing.' : 'Signing secret saved; the API key is missing.' }
      : { tone: 'text-stone-700', text: 'Not connected.' };
  return (
    <Card labelledBy="resend-heading" className="mt-6">
      <SectionHeading id="resend-heading" description="If your domain receives mail through Resend, Resend tells Kestrel of each email and Kestrel fetches it with your API key; it is threaded like any other email.">
        Email through Resend
      </SectionHeading>
      <p className={`mt-2 text-sm ${status.tone}`} data-testid="resend-status">
        {status.text}
      </p>
      <ol className="mt-3 list-decimal space-y-1 pl-5 text-sm text-stone-700">
        <li>In Resend, create an API key that can read received emails and paste it below.</li>
        <li>
          In Resend → Webhooks, add the address below for the <code>email.received</code> event, then paste the webhook's signing secret (it starts with <code>whsec_</code>).
        </li>
      </ol>
      <Copyable label="Resend webhook address" value={rs.webhookUrl} />
      <form onSubmit={submit} className="mt-4 grid gap-3 sm:grid-cols-2" aria-label="Resend inbound">
        <TextField
          label="Resend API key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          placeholder={rs.hasApiKey ? 'Saved — type to replace' : 're_…'}
          hint="Kept encrypted; never shown again."
          error={fields?.['resend.apiKey']}
        />
        <TextField
          label="Webhook signing secret"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={webhookSecret}
          onChange={(e) => setWebhookSecret(e.target.value)}
          placeholder={rs.hasWebhookSecret ? 'Saved — type to replace' : 'whsec_…'}
          hint="Checks that each call comes from Resend."
          error={fields?.['resend.webhookSecret']}
        />
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <Button type="submit" pending={save.isPending} pendingLabel="Saving…" disabled={nothingTyped}>
            Save
          </Button>
          {rs.hasApiKey || rs.hasWebhookSecret ? (
            <Button
              type="button"
              variant="secondary"
              onClick={() => {
                setDone(null);
                save.mutate({ apiKey: null, webhookSecret: null });
              }}
            >
              Disconnect Resend
            </Button>
          ) : null}
        </div>
      </form>
      {save.error && !fields ? <ErrorAlert className="mt-3">{errorMessage(save.error)}</ErrorAlert> : null}
      {done === 'saved' ? <StatusNote className="mt-3">Saved. The key and secret are stored encrypted.</StatusNote> : null}
      {done === 'disconnected' ? <StatusNote className="mt-3">Resend is disconnected: its key and secret are deleted.</StatusNote> : null}
    </Card>
  );
}

function WhatsappCard({ workspaceId, s }: { workspaceId: string; s: ChannelSettings }) {
  const queryClient = useQueryClient();
  const wa = s.whatsapp;
  const [phoneNumberId, setPhone] = useState(wa.phoneNumberId ?? '');
  const [businessAccountId, setWaba] = useState(wa.businessAccountId ?? '');
  const [verifyToken, setVerify] = useState(wa.verifyToken ?? '');
  const { token: accessToken, setToken, appSecret, setAppSecret, save, disconnect, fields, fieldError, submit } = useChannelConnection(workspaceId, 'whatsapp', {
    fields: () => ({ phoneNumberId: phoneNumberId.trim() || null, businessAccountId: businessAccountId.trim() || null, verifyToken: verifyToken.trim() || null }),
    onDisconnected: () => {
      setPhone('');
      setWaba('');
      setVerify('');
      check.reset();
    },
  });
  const check = useMutation({ mutationFn: () => checkWhatsapp(workspaceId), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['channel-settings', workspaceId] }) });
  return (
    <Card labelledBy="wa-heading" className="mt-6">
      <SectionHeading id="wa-heading" description="Connect a WhatsApp Business number from Meta's Cloud API (developers.facebook.com → your app → WhatsApp → API setup).">
        WhatsApp
      </SectionHeading>
      <p className="mt-2 text-sm">
        {wa.connected ? (
          <span className="font-medium text-emerald-800">Connected{wa.displayPhone ? ` · ${wa.displayPhone}` : ''}</span>
        ) : (
          <span className="text-stone-700">Not connected</span>
        )}
      </p>
      <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2">
        <TextField label="Phone number ID" value={phoneNumberId} onChange={(e) => setPhone(e.target.value)} inputMode="numeric" error={fieldError('phoneNumberId')} />
        <TextField label="WhatsApp Business account ID" value={businessAccountId} onChange={(e) => setWaba(e.target.value)} inputMode="numeric" hint="For message templates." error={fieldError('businessAccountId')} />
        <TextField label="Access token" type="password" autoComplete="off" value={accessToken} onChange={(e) => setToken(e.target.value)} placeholder={wa.hasAccessToken ? 'Saved — type to replace' : ''} hint="Kept encrypted; never shown again." />
        <TextField label="App secret" type="password" autoComplete="off" value={appSecret} onChange={(e) => setAppSecret(e.target.value)} placeholder={wa.hasAppSecret ? 'Saved — type to replace' : ''} hint="Checks that webhooks come from Meta." />
        <TextField label="Verify token" value={verifyToken} onChange={(e) => setVerify(e.target.value)} hint="Any phrase; enter the same in Meta's webhook setup." containerClassName="sm:col-span-2" error={fieldError('verifyToken')} />
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
            Save
          </Button>
          <Button type="button" variant="secondary" pending={check.isPending} pendingLabel="Testing…" onClick={() => check.mutate()} disabled={!wa.connected}>
            Test connection
          </Button>
          {wa.phoneNumberId || wa.hasAccessToken || wa.hasAppSecret ? (
            <ConfirmRemove
              label="Disconnect WhatsApp"
              question={`Disconnect WhatsApp${wa.displayPhone ? ` (${wa.displayPhone})` : ''}? Its access token and app secret are deleted, messages to this number are refused, and replies can no longer be sent. Conversations already in the inbox stay.`}
              confirmLabel="Disconnect"
              pendingLabel="Disconnecting…"
              pending={disconnect.isPending}
              onConfirm={() => disconnect.mutate()}
            />
          ) : null}
        </div>
      </form>
      {disconnect.error ? <ErrorAlert className="mt-3">{errorMessage(disconnect.error)}</ErrorAlert> : null}
      {disconnect.isSuccess && !wa.connected ? <StatusNote className="mt-3">WhatsApp is disconnected: its access token and app secret are deleted. Conversations already in the inbox stay.</StatusNote> : null}
      {save.error && !fields ? <ErrorAlert className="mt-3">{errorMessage(save.error)}</ErrorAlert> : null}
      {save.isSuccess ? <StatusNote className="mt-3">Saved.</StatusNote> : null}
      {check.error ? <ErrorAlert className="mt-3">{errorMessage(check.error)}</ErrorAlert> : null}
      {check.data ? (
        <StatusNote className="mt-3">
          Connection works{check.data.displayPhone ? ` for ${check.data.displayPhone}` : ''}. {check.data.templates.length} approved template{check.data.templates.length === 1 ? '' : 's'}
          {check.data.templates.length ? `: ${check.data.templates.map((t) => t.name).join(', ')}` : ''}.
        </StatusNote>
      ) : null}
      <Copyable label="Webhook callback URL (subscribe to the messages field)" value={wa.webhookUrl} />
    </Card>
  );
}
