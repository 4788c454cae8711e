import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { ConfirmRemove } from '../../ui/ConfirmRemove';
import { CheckboxField, TextField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { type ChannelSettings } from './api';
import { ChannelIcon } from './ChannelBits';
import { useChannelConnection } from './useChannelConnection';

type Meta = 'messenger' | 'instagram';
const label: Record<Meta, string> = { messenger: 'Messenger', instagram: 'Instagram' };
const setup: Record<Meta, ReactNode> = {
  messenger: "Connect a Facebook Page (developers.facebook.com → your app → Messenger → Settings): its Page ID, a Page access token with pages_messaging, and the app's secret.",
  instagram: "Connect an Instagram professional account linked to a Facebook Page (your app → Messenger → Instagram settings): the account's ID, the Page's ID and access token with instagram_manage_messages, and the app's secret.",
};

/** CONV-6: Settings → Channels — a Messenger or Instagram Direct connection: ids, sealed token and secret, webhook to copy, disconnect. */
export function MessagingChannelCard({ workspaceId, s, channel, copyable }: { workspaceId: string; s: ChannelSettings; channel: Meta; copyable: (label: string, value: string) => ReactNode }) {
  const current = channel === 'instagram' ? s.instagram : s.messenger;
  const accountId = channel === 'instagram' ? s.instagram.accountId : null;
  const [pageId, setPage] = useState(current.pageId ?? '');
  const [account, setAccount] = useState(accountId ?? '');
  const [verifyToken, setVerify] = useState(current.verifyToken ?? '');
  const [humanAgent, setHumanAgent] = useState(current.humanAgent);
  const { token, setToken, appSecret, setAppSecret, save, disconnect, fields, fieldError: field, submit } = useChannelConnection(workspaceId, channel, {
    fields: () => ({ pageId: pageId.trim() || null, verifyToken: verifyToken.trim() || null, humanAgent, ...(channel === 'instagram' ? { accountId: account.trim() || null } : {}) }),
    onDisconnected: () => {
      setPage('');
      setAccount('');
      setVerify('');
      setHumanAgent(false);
    },
  });
  const id = `${channel}-heading`;
  return (
    <Card labelledBy={id} className="mt-6">
      <SectionHeading id={id} description={setup[channel]}>
        <span className="inline-flex items-center gap-2">
          <span aria-hidden="true">
            <ChannelIcon channel={channel} />
          </span>
          {label[channel]}
        </span>
      </SectionHeading>
      <p className="mt-2 text-sm">{current.connected ? <span className="font-medium text-emerald-800">Connected · {accountId ? `account ${accountId} through Page ${current.pageId}` : `Page ${current.pageId}`}</span> : <span className="text-stone-700">Not connected</span>}</p>
      <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2">
        {channel === 'instagram' ? <TextField label="Instagram account ID" value={account} onChange={(e) => setAccount(e.target.value)} inputMode="numeric" hint="The professional account's ID; webhooks name it." error={field('accountId')} /> : null}
        <TextField label={channel === 'instagram' ? 'Linked Facebook Page ID' : 'Facebook Page ID'} value={pageId} onChange={(e) => setPage(e.target.value)} inputMode="numeric" error={field('pageId')} />
        <TextField label="Page access token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder={current.hasPageAccessToken ? 'Saved — type to replace' : ''} hint="Kept encrypted; never shown again." error={field('pageAccessToken')} />
        <TextField label="App secret" type="password" autoComplete="off" value={appSecret} onChange={(e) => setAppSecret(e.target.value)} placeholder={current.hasAppSecret ? 'Saved — type to replace' : ''} hint="Checks that webhooks come from Meta." error={field('appSecret')} />
        <TextField label="Verify token" value={verifyToken} onChange={(e) => setVerify(e.target.value)} hint="Any phrase; enter the same in Meta's webhook setup." error={field('verifyToken')} containerClassName={channel === 'instagram' ? 'sm:col-span-2' : ''} />
        <div className="sm:col-span-2">
          <CheckboxField
            label="Meta granted this app the Human Agent permission"
            checked={humanAgent}
            onChange={(e) => setHumanAgent(e.target.checked)}
            hint="Then a person may reply up to 7 days after the customer's last message (tagged HUMAN_AGENT); otherwise replies stop 24 hours after it."
          />
        </div>
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
            Save
          </Button>
          {current.hasPageAccessToken || current.hasAppSecret || current.pageId ? (
            <ConfirmRemove
              label={`Disconnect ${label[channel]}`}
              question={`Disconnect ${label[channel]}? Its token and app secret are deleted, new messages are refused, and replies can no longer be sent. Conversations already in the inbox stay.`}
              confirmLabel="Disconnect"
              pendingLabel="Disconnecting…"
              pending={disconnect.isPending}
              onConfirm={() => disconnect.mutate()}
            />
          ) : null}
        </div>
      </form>
      {save.error && !fields ? <ErrorAlert className="mt-3">{errorMessage(save.error)}</ErrorAlert> : null}
      {disconnect.error ? <ErrorAlert className="mt-3">{errorMessage(disconnect.error)}</ErrorAlert> : null}
      {save.isSuccess ? <StatusNote className="mt-3">Saved.</StatusNote> : null}
      {disconnect.isSuccess && !current.connected ? <StatusNote className="mt-3">{label[channel]} is disconnected: its token and app secret are deleted. Messages already in the inbox stay.</StatusNote> : null}
      {copyable(`Webhook callback URL (subscribe to the ${channel === 'instagram' ? 'messages' : 'messages, message_deliveries'} field${channel === 'instagram' ? '' : 's'})`, current.webhookUrl)}
    </Card>
  );
}
