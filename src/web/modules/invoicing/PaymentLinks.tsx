import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { Dialog } from '../crm/Dialog';
import { invoicingApi, invoicingKeys, type InvoiceDocument, type PaymentAccounts } from './api';

type Provider = PaymentAccounts['items'][number]['provider'];
export const providerLabel: Record<Provider, string> = { stripe: 'Stripe', razorpay: 'Razorpay' };
import { inr, parseRupees } from './format';

/** An address to copy: shown whole (it wraps on a phone) with a Copy button. */
function CopyText({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      <code aria-label={label} className="min-w-0 flex-1 rounded bg-stone-100 px-2 py-1 text-xs break-all text-stone-800">{value}</code>
      <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(value).then(() => { setCopied(true); announce('Copied.'); })}>{copied ? 'Copied' : 'Copy'}</Button>
    </div>
  );
}

/** INV-5: the invoice's payment link (the newest not yet paid), and making one for the balance or an instalment. */
export function PaymentLinkSection({ workspaceId, doc, balance }: { workspaceId: string; doc: InvoiceDocument; balance: number }) {
  const links = useQuery({ queryKey: invoicingKeys.paymentLinks(workspaceId, doc.id), queryFn: () => invoicingApi.paymentLinks(workspaceId, doc.id) });
  const [open, setOpen] = useState(false);
  if (links.isPending) return <LoadingBlock label="Loading payment links…" />;
  if (links.isError) return <ErrorAlert>{errorMessage(links.error)}</ErrorAlert>;
  const current = links.data.items.find((l) => !l.paidAt);
  const paid = links.data.items.filter((l) => l.paidAt);
  return (
    <section aria-labelledby="links-heading" className="rounded-lg border border-stone-200 bg-white p-4">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 id="links-heading" className="font-semibold text-stone-900">Payment link</h2>
        {balance > 0 ? <Button variant="secondary" onClick={() => setOpen(true)}>{current ? 'New link' : 'Make a payment link'}</Button> : null}
      </div>
      {current ? (
        <div className="space-y-2">
          <p className="text-sm text-stone-700">Asks for <span className="font-semibold tabular-nums">{inr(current.amountPaise)}</span> through {providerLabel[current.provider]} · made {formatDate(current.createdAt)}. It goes in the email, the WhatsApp message and on the PDF with a QR code.</p>
          <CopyText label="Link address" value={current.url} />
        </div>
      ) : (
        <p className="text-sm text-stone-600">{balance > 0 ? 'No open link. Sending the invoice makes one for the balance when Stripe or Razorpay is connected.' : 'Nothing is due.'}</p>
      )}
      {paid.length > 0 ? <p className="mt-2 text-xs text-stone-500">{paid.length} paid through a link.</p> : null}
      <LinkDialog open={open} onClose={() => setOpen(false)} workspaceId={workspaceId} doc={doc} balance={balance} />
    </section>
  );
}

function LinkDialog({ open, onClose, workspaceId, doc, balance }: { open: boolean; onClose: () => void; workspaceId: string; doc: InvoiceDocument; balance: number }) {
  const queryClient = useQueryClient();
  const accounts = useQuery({ queryKey: invoicingKeys.paymentAccounts(workspaceId), queryFn: () => invoicingApi.paymentAccounts(workspaceId), enabled: open });
  const connected = (accounts.data?.items ?? []).filter((a) => a.connected);
  const [amount, setAmount] = useState((balance / 100).toFixed(2));
  const [provider, setProvider] = useState<Provider | ''>('');
  const [error, setError] = useState<string | null>(null);
  const make = useMutation({
    mutationFn: () => {
      const paise = parseRupees(amount);
      if (paise === null || paise <= 0) throw new Error('Enter an amount in rupees, like 500 or 499.50.');
      const chosen = provider || connected[0]?.provider;
      return invoicingApi.createPaymentLink(workspaceId, doc.id, { amountPaise: paise, ...(chosen ? { provider: chosen } : {}) });
    },
    onSuccess: async (l) => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.paymentLinks(workspaceId, doc.id) });
      announce(`Payment link for ${inr(l.amountPaise)} made.`);
      onClose();
    },
    onError: (e) => setError(errorMessage(e)),
  });
  return (
    <Dialog open={open} onClose={onClose} title="Make a payment link" description={`${doc.number}: ${inr(balance)} due. Ask for all of it or an instalment.`}>
      <form noValidate className="space-y-4" onSubmit={(e) => { e.preventDefault(); setError(null); make.mutate(); }}>
        <TextField label="Amount (₹)" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        {connected.length > 1 ? (
          <SelectField label="Pay through" value={provider || connected[0]!.provider} onChange={(e) => setProvider(e.target.value as Provider)} options={connected.map((a) => ({ value: a.provider, label: providerLabel[a.provider] }))} />
        ) : connected.length === 1 ? <p className="text-sm text-stone-600">Through {providerLabel[connected[0]!.provider]}.</p> : null}
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button type="submit" pending={make.isPending} pendingLabel="Making…">Make link</Button>
        </div>
      </form>
    </Dialog>
  );
}

/** INV-5, SEC-2: the shop's own Stripe and Razorpay accounts for payment links; the secrets are stored sealed and never shown again. */
export function PaymentAccountsCard({ workspaceId }: { workspaceId: string }) {
  const accounts = useQuery({ queryKey: invoicingKeys.paymentAccounts(workspaceId), queryFn: () => invoicingApi.paymentAccounts(workspaceId) });
  return (
    <Card labelledBy="links-settings-heading">
      <SectionHeading id="links-settings-heading" description="Customers pay invoices online through your own Stripe or Razorpay account; payments are recorded on the invoice as they arrive.">Payment links</SectionHeading>
      {accounts.isPending ? <LoadingBlock /> : accounts.isError ? <ErrorAlert>{errorMessage(accounts.error)}</ErrorAlert> : (
        <div className="divide-y divide-stone-200">
          {accounts.data.items.map((a) => <ProviderAccount key={a.provider} workspaceId={workspaceId} account={a} />)}
        </div>
      )}
    </Card>
  );
}

const copy: Record<Provider, { events: string; secretLabel: string; secretPlaceholder: string; webhookLabel: string; webhookPlaceholder: string }> = {
  stripe: { events: 'checkout.session.completed', secretLabel: 'Secret key', secretPlaceholder: 'sk_live_…', webhookLabel: 'Webhook signing secret', webhookPlaceholder: 'whsec_…' },
  razorpay: { events: 'payment_link.paid and payment.captured', secretLabel: 'Key secret', secretPlaceholder: 'From API Keys', webhookLabel: 'Webhook secret', webhookPlaceholder: 'The secret you typed for the webhook' },
};

function ProviderAccount({ workspaceId, account }: { workspaceId: string; account: PaymentAccounts['items'][number] }) {
  const queryClient = useQueryClient();
  const name = providerLabel[account.provider];
  const text = copy[account.provider];
  const [keyId, setKeyId] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const done = (msg: string) => async () => {
    await queryClient.invalidateQueries({ queryKey: invoicingKeys.paymentAccounts(workspaceId) });
    setKeyId(''); setSecretKey(''); setWebhookSecret(''); setNote(msg); announce(msg);
  };
  const save = useMutation({
    mutationFn: () => invoicingApi.savePaymentAccount(workspaceId, account.provider, { ...(account.provider === 'razorpay' ? { keyId: keyId.trim() } : {}), secretKey: secretKey.trim(), webhookSecret: webhookSecret.trim() }),
    onSuccess: done(`${name} is connected: invoices you send can carry a payment link.`),
    onError: (e) => { setFields(isApiError(e) ? e.fields : {}); setError(errorMessage(e)); },
  });
  const remove = useMutation({ mutationFn: () => invoicingApi.removePaymentAccount(workspaceId, account.provider), onSuccess: done(`${name} is disconnected.`), onError: (e) => setError(errorMessage(e)) });
  const id = `${account.provider}-account`;
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-4 py-4 first:pt-0 last:pb-0">
      <h3 id={`${id}-heading`} className="font-medium text-stone-900">{name}</h3>
      <p className="text-sm text-stone-700">{account.connected ? <>{name} connected{account.keyId ? <> · key id <span className="font-mono">{account.keyId}</span></> : null} · secret ending <span className="font-mono">{account.secretKeyLast4}</span></> : `${name} is not connected.`}</p>
      <div className="space-y-1">
        <p className="text-sm text-stone-700">In {name}'s dashboard, add a webhook for <span className="font-mono">{text.events}</span> at:</p>
        <CopyText label={`${name} webhook address`} value={account.webhookUrl} />
      </div>
      <form noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={(e) => { e.preventDefault(); setError(null); setFields({}); setNote(null); save.mutate(); }}>
        {account.provider === 'razorpay' ? <TextField label="Key id" autoComplete="off" value={keyId} maxLength={100} placeholder="rzp_live_…" onChange={(e) => setKeyId(e.target.value)} error={fields.keyId} /> : null}
        <TextField label={text.secretLabel} type="password" autoComplete="off" value={secretKey} maxLength={255} placeholder={text.secretPlaceholder} onChange={(e) => setSecretKey(e.target.value)} error={fields.secretKey} />
        <TextField label={text.webhookLabel} type="password" autoComplete="off" value={webhookSecret} maxLength={255} placeholder={text.webhookPlaceholder} onChange={(e) => setWebhookSecret(e.target.value)} error={fields.webhookSecret} />
        {error ? <ErrorAlert className="sm:col-span-2">{error}</ErrorAlert> : null}
        {note ? <StatusNote className="sm:col-span-2">{note}</StatusNote> : null}
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          <Button type="submit" pending={save.isPending}>{account.connected ? `Replace ${name} keys` : `Connect ${name}`}</Button>
          {account.connected ? <Button variant="danger" onClick={() => remove.mutate()} pending={remove.isPending}>Disconnect {name}</Button> : null}
        </div>
      </form>
    </section>
  );
}
