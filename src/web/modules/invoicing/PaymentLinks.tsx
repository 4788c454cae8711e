import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Card, SectionHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { Dialog } from '../crm/Dialog';
import { invoicingApi, invoicingKeys, type InvoiceDocument } from './api';
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
          <p className="text-sm text-stone-700">Asks for <span className="font-semibold tabular-nums">{inr(current.amountPaise)}</span> · made {formatDate(current.createdAt)}. It goes in the email and on the PDF with a QR code.</p>
          <CopyText label="Link address" value={current.url} />
        </div>
      ) : (
        <p className="text-sm text-stone-600">{balance > 0 ? 'No open link. Sending the invoice by email makes one for the balance when Stripe is connected.' : 'Nothing is due.'}</p>
      )}
      {paid.length > 0 ? <p className="mt-2 text-xs text-stone-500">{paid.length} paid through a link.</p> : null}
      <LinkDialog open={open} onClose={() => setOpen(false)} workspaceId={workspaceId} doc={doc} balance={balance} />
    </section>
  );
}

function LinkDialog({ open, onClose, workspaceId, doc, balance }: { open: boolean; onClose: () => void; workspaceId: string; doc: InvoiceDocument; balance: number }) {
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState((balance / 100).toFixed(2));
  const [error, setError] = useState<string | null>(null);
  const make = useMutation({
    mutationFn: () => {
      const paise = parseRupees(amount);
      if (paise === null || paise <= 0) throw new Error('Enter an amount in rupees, like 500 or 499.50.');
      return invoicingApi.createPaymentLink(workspaceId, doc.id, { amountPaise: paise });
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
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button type="submit" pending={make.isPending} pendingLabel="Making…">Make link</Button>
        </div>
      </form>
    </Dialog>
  );
}

/** INV-5, SEC-2: the shop's own Stripe account for payment links; the secrets are stored sealed and never shown again. */
export function PaymentAccountsCard({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const accounts = useQuery({ queryKey: invoicingKeys.paymentAccounts(workspaceId), queryFn: () => invoicingApi.paymentAccounts(workspaceId) });
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const done = (msg: string) => async () => {
    await queryClient.invalidateQueries({ queryKey: invoicingKeys.paymentAccounts(workspaceId) });
    setSecretKey(''); setWebhookSecret(''); setNote(msg); announce(msg);
  };
  const save = useMutation({
    mutationFn: () => invoicingApi.savePaymentAccount(workspaceId, 'stripe', { secretKey: secretKey.trim(), webhookSecret: webhookSecret.trim() }),
    onSuccess: done('Stripe is connected: invoices you send carry a payment link.'),
    onError: (e) => { setFields(isApiError(e) ? e.fields : {}); setError(errorMessage(e)); },
  });
  const remove = useMutation({ mutationFn: () => invoicingApi.removePaymentAccount(workspaceId, 'stripe'), onSuccess: done('Stripe is disconnected.'), onError: (e) => setError(errorMessage(e)) });
  const stripe = accounts.data?.items.find((a) => a.provider === 'stripe');
  return (
    <Card labelledBy="links-settings-heading">
      <SectionHeading id="links-settings-heading" description="Customers pay invoices online through your own Stripe account; payments are recorded on the invoice as they arrive.">Payment links</SectionHeading>
      {accounts.isPending ? <LoadingBlock /> : accounts.isError ? <ErrorAlert>{errorMessage(accounts.error)}</ErrorAlert> : stripe ? (
        <div className="space-y-4">
          <p className="text-sm text-stone-700">{stripe.connected ? <>Stripe connected · key ending <span className="font-mono">{stripe.secretKeyLast4}</span></> : 'Stripe is not connected.'}</p>
          <div className="space-y-1">
            <p className="text-sm text-stone-700">In Stripe's dashboard, add a webhook endpoint for <span className="font-mono">checkout.session.completed</span> at:</p>
            <CopyText label="Webhook address" value={stripe.webhookUrl} />
          </div>
          <form noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={(e) => { e.preventDefault(); setError(null); setFields({}); setNote(null); save.mutate(); }}>
            <TextField label="Secret key" type="password" autoComplete="off" value={secretKey} maxLength={255} placeholder="sk_live_…" onChange={(e) => setSecretKey(e.target.value)} error={fields.secretKey} />
            <TextField label="Webhook signing secret" type="password" autoComplete="off" value={webhookSecret} maxLength={255} placeholder="whsec_…" onChange={(e) => setWebhookSecret(e.target.value)} error={fields.webhookSecret} />
            {error ? <ErrorAlert className="sm:col-span-2">{error}</ErrorAlert> : null}
            {note ? <StatusNote className="sm:col-span-2">{note}</StatusNote> : null}
            <div className="flex flex-wrap gap-2 sm:col-span-2">
              <Button type="submit" pending={save.isPending}>{stripe.connected ? 'Replace keys' : 'Connect Stripe'}</Button>
              {stripe.connected ? <Button variant="danger" onClick={() => remove.mutate()} pending={remove.isPending}>Disconnect</Button> : null}
            </div>
          </form>
        </div>
      ) : null}
    </Card>
  );
}
