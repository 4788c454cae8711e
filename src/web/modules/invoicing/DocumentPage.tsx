import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button, buttonClass } from '../../ui/Button';
import { SelectField, TextField } from '../../ui/Field';
import { PageHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { Dialog } from '../crm/Dialog';
import { invoicingApi, invoicingKeys, type InvoiceDocument } from './api';
import { chipClass, chipLabels, chipOf, inr, parseRupees, quantityText, rateText, rupeesText, issuedText, takeIssueNotice, typeLabels } from './format';
import { TotalsPanel } from './TotalsPanel';
import { PaymentLinkSection } from './PaymentLinks';
import { PaymentIssuesSection } from './PaymentIssues';

const methods = [
  { value: 'upi', label: 'UPI' }, { value: 'cash', label: 'Cash' }, { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'card', label: 'Card' }, { value: 'cheque', label: 'Cheque' }, { value: 'other', label: 'Other' },
];
const methodLabel = (m: string) => (m === 'payment_link' ? 'Payment link' : methods.find((x) => x.value === m)?.label ?? m);
const awaiting = ['issued', 'sent', 'partly_paid', 'overdue'];

/** INV-2, INV-3: one document — its lines and taxes, payments, and what can be done with it next. */
export function DocumentPage() {
  const { workspaceId, documentId } = useParams({ strict: false }) as { workspaceId: string; documentId: string };
  const queryClient = useQueryClient();
  const doc = useQuery({ queryKey: invoicingKeys.document(workspaceId, documentId), queryFn: () => invoicingApi.document(workspaceId, documentId) });
  const payments = useQuery({
    queryKey: invoicingKeys.payments(workspaceId, documentId),
    queryFn: () => invoicingApi.payments(workspaceId, documentId),
    enabled: doc.data?.documentType === 'invoice' && doc.data.status !== 'draft',
  });
  const [dialog, setDialog] = useState<'pay' | 'send' | 'remind' | 'whatsapp' | null>(null);
  const [note, setNote] = useState<string | null>(() => takeIssueNotice(documentId));
  const refresh = () => queryClient.invalidateQueries({ queryKey: invoicingKeys.all(workspaceId) });
  const act = useMutation({
    mutationFn: (what: 'issue' | 'cancel') => (what === 'issue' ? invoicingApi.issue : invoicingApi.cancel)(workspaceId, documentId, doc.data!.version),
    onSuccess: async (d, what) => {
      await refresh();
      const msg = what === 'issue' ? issuedText(d) : `${d.number ?? 'The document'} is void.`;
      setNote(msg);
      announce(msg);
    },
  });

  if (doc.isPending) return <LoadingBlock label="Loading the invoice…" />;
  if (doc.isError) return <ErrorAlert>{errorMessage(doc.error)}</ErrorAlert>;
  const d = doc.data;
  const chip = chipOf(d);
  const base = `/w/${workspaceId}/invoices`;
  const balance = d.grandTotalPaise - d.paidPaise;
  const isInvoice = d.documentType === 'invoice';

  return (
    <div className="max-w-5xl">
      <Link to={base as '/'} className="mb-2 inline-block text-sm font-medium text-teal-800 hover:underline">← All invoices</Link>
      <PageHeading
        description={<>{d.buyerName}{d.buyerGstin ? ` · GSTIN ${d.buyerGstin}` : ''} · {formatDate(d.documentDate)}{d.dueDate ? ` · due ${formatDate(d.dueDate)}` : ''}</>}
        actions={<span className={chipClass(chip)} data-testid="status-chip">{chipLabels[chip]}</span>}
      >
        {`${typeLabels[d.documentType]} ${d.number ?? '(draft)'}`}
      </PageHeading>
      {note ? <StatusNote className="mb-4">{note}</StatusNote> : null}
      {act.isError ? <ErrorAlert className="mb-4">{errorMessage(act.error)}</ErrorAlert> : null}
      <div className="mb-6 flex flex-wrap gap-2">
        {d.status === 'draft' ? (
          <>
            <Button onClick={() => act.mutate('issue')} pending={act.isPending && act.variables === 'issue'} pendingLabel="Issuing…">Issue {typeLabels[d.documentType].toLowerCase()}</Button>
            <Link to={`${base}/${d.id}/edit` as '/'} className={buttonClass('secondary')}>Edit draft</Link>
          </>
        ) : null}
        {d.number ? <a href={invoicingApi.pdfUrl(workspaceId, d.id)} className={buttonClass('secondary')} download>Download PDF</a> : null}
        {d.number && d.status !== 'cancelled' ? <Button variant="secondary" onClick={() => setDialog('send')}>Send by email</Button> : null}
        {d.number && d.status !== 'cancelled' ? <Button variant="secondary" onClick={() => setDialog('whatsapp')}>Send on WhatsApp</Button> : null}
        {isInvoice && awaiting.includes(d.status) ? <Button variant="secondary" onClick={() => setDialog('pay')}>Record payment</Button> : null}
        {isInvoice && d.overdue && balance > 0 ? <Button variant="secondary" onClick={() => setDialog('remind')}>Send reminder</Button> : null}
        {isInvoice && d.number && d.status !== 'cancelled' ? <Link to={`${base}/new?creditFor=${d.id}` as '/'} className={buttonClass('secondary')}>Credit note</Link> : null}
        {d.documentType === 'quote' && d.status !== 'cancelled' ? <Link to={`${base}/new?fromQuote=${d.id}` as '/'} className={buttonClass('secondary')}>Make invoice</Link> : null}
        {d.number && d.paidPaise === 0 && d.status !== 'cancelled' ? <Button variant="danger" onClick={() => act.mutate('cancel')} pending={act.isPending && act.variables === 'cancel'} pendingLabel="Voiding…">Void</Button> : null}
      </div>
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <div className="min-w-0 space-y-6">
          {/* On a phone each line is a card, so no figure hides behind a sideways scroll. */}
          <ul className="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white sm:hidden" aria-label="Lines" data-testid="line-cards">
            {d.lines.map((l) => (
              <li key={l.position} className="px-3 py-2 text-sm">
                <div className="flex justify-between gap-3">
                  <span className="min-w-0 font-medium text-stone-900">{l.description}</span>
                  <span className="tabular-nums font-medium">{inr(l.totalPaise)}</span>
                </div>
                <p className="text-xs text-stone-600 tabular-nums">
                  {l.hsn} · {quantityText(l.quantityMilli)} {l.uqc} × {rupeesText(l.unitPricePaise)}{l.discount ? ` · discount ${l.discount.kind === 'percent' ? `${l.discount.bps / 100}%` : inr(l.discount.paise)}` : ''} · GST {rateText(l.rateBps)}{l.cessBps ? ` + cess ${rateText(l.cessBps)}` : ''} · taxable {inr(l.taxablePaise)}
                </p>
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto rounded-lg border border-stone-200 bg-white sm:block">
            <table className="w-full min-w-[36rem] text-sm">
              <caption className="sr-only">Lines</caption>
              <thead className="bg-stone-50 text-left text-xs text-stone-600">
                <tr><th className="px-3 py-2">Item</th><th className="px-3 py-2">HSN/SAC</th><th className="px-3 py-2 text-right">Qty</th><th className="px-3 py-2 text-right">Rate</th><th className="px-3 py-2 text-right">GST</th><th className="px-3 py-2 text-right">Taxable</th><th className="px-3 py-2 text-right">Total</th></tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {d.lines.map((l) => (
                  <tr key={l.position}>
                    <td className="px-3 py-2">{l.description}{l.discount ? <span className="block text-xs text-stone-500">Discount {l.discount.kind === 'percent' ? `${l.discount.bps / 100}%` : inr(l.discount.paise)}</span> : null}</td>
                    <td className="px-3 py-2">{l.hsn}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{quantityText(l.quantityMilli)} {l.uqc}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{rupeesText(l.unitPricePaise)}</td>
                    <td className="px-3 py-2 text-right">{rateText(l.rateBps)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{inr(l.taxablePaise)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{inr(l.totalPaise)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {d.discount ? (
            <p className="text-sm text-stone-700" data-testid="invoice-discount">
              Invoice discount {d.discount.kind === 'percent' ? `${d.discount.bps / 100}%` : inr(d.discount.paise)}, spread over the lines before tax (the taxable values above are after it).
            </p>
          ) : null}
          {d.notes ? <p className="text-sm whitespace-pre-wrap text-stone-700">{d.notes}</p> : null}
          {isInvoice && d.number ? <PaymentIssuesSection workspaceId={workspaceId} doc={d} /> : null}
          {isInvoice && awaiting.includes(d.status) ? <PaymentLinkSection workspaceId={workspaceId} doc={d} balance={balance} /> : null}
          {payments.data && payments.data.items.length > 0 ? (
            <section aria-labelledby="payments-heading" className="rounded-lg border border-stone-200 bg-white p-4">
              <h2 id="payments-heading" className="mb-2 font-semibold text-stone-900">Payments</h2>
              <ul className="space-y-1 text-sm">
                {payments.data.items.map((p) => (
                  <li key={p.id} className={`flex justify-between gap-3 ${p.voidedAt ? 'text-stone-400 line-through' : ''}`}>
                    <span>{formatDate(p.paidOn)} · {methodLabel(p.method)}{p.reference ? ` · ${p.reference}` : ''}</span>
                    <span className="tabular-nums">{inr(p.amountPaise)}</span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
        <aside className="space-y-3">
          <TotalsPanel totals={d} regime={d.regime} placeOfSupply={d.placeOfSupply} />
          {isInvoice && d.status !== 'draft' ? (
            <p className="text-sm text-stone-700">Paid <span className="tabular-nums">{inr(d.paidPaise)}</span> · balance <span className="font-semibold tabular-nums" data-testid="balance">{inr(balance)}</span></p>
          ) : null}
        </aside>
      </div>
      <PaymentDialog open={dialog === 'pay'} onClose={() => setDialog(null)} workspaceId={workspaceId} doc={d} balance={balance} onDone={(msg) => { setNote(msg); announce(msg); void refresh(); }} />
      <WhatsappDialog open={dialog === 'whatsapp'} onClose={() => setDialog(null)} workspaceId={workspaceId} doc={d} onDone={(msg) => { setNote(msg); announce(msg); void refresh(); }} />
      <SendDialog open={dialog === 'send' || dialog === 'remind'} reminder={dialog === 'remind'} onClose={() => setDialog(null)} workspaceId={workspaceId} doc={d} onDone={(msg) => { setNote(msg); announce(msg); void refresh(); }} />
    </div>
  );
}

function PaymentDialog({ open, onClose, workspaceId, doc, balance, onDone }: { open: boolean; onClose: () => void; workspaceId: string; doc: InvoiceDocument; balance: number; onDone: (msg: string) => void }) {
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState('upi');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const pay = useMutation({
    mutationFn: () => {
      const paise = parseRupees(amount || rupeesText(balance));
      if (!paise) throw new Error('Enter an amount in rupees, like 5000 or 499.50.');
      return invoicingApi.recordPayment(workspaceId, doc.id, { method, amountPaise: paise, ...(reference.trim() ? { reference: reference.trim() } : {}) });
    },
    onSuccess: (r) => {
      onDone(`Payment of ${inr(r.payment.amountPaise)} recorded; ${r.document.status === 'paid' ? 'the invoice is paid.' : `${inr(r.document.grandTotalPaise - r.document.paidPaise)} is still due.`}`);
      setAmount('');
      setReference('');
      onClose();
    },
    onError: (e) => setError(isApiError(e) ? e.message : e instanceof Error ? e.message : errorMessage(e)),
  });
  return (
    <Dialog open={open} onClose={onClose} title="Record payment" description={`${doc.number}: ${inr(balance)} due`}>
      <form noValidate className="space-y-4" onSubmit={(e) => { e.preventDefault(); setError(null); pay.mutate(); }}>
        <TextField label="Amount (₹)" inputMode="decimal" value={amount} placeholder={rupeesText(balance)} onChange={(e) => setAmount(e.target.value)} hint="Leave empty to record the whole balance." />
        <SelectField label="Method" value={method} onChange={(e) => setMethod(e.target.value)} options={methods} />
        <TextField label="Reference" optional value={reference} maxLength={100} onChange={(e) => setReference(e.target.value)} placeholder="UPI transaction id, cheque number…" />
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button type="submit" pending={pay.isPending}>Record payment</Button>
        </div>
      </form>
    </Dialog>
  );
}

function SendDialog({ open, reminder, onClose, workspaceId, doc, onDone }: { open: boolean; reminder: boolean; onClose: () => void; workspaceId: string; doc: InvoiceDocument; onDone: (msg: string) => void }) {
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => (reminder ? invoicingApi.remind : invoicingApi.send)(workspaceId, doc.id, { to: to.trim() }),
    onSuccess: (r) => { onDone(reminder ? `A reminder for ${doc.number} is on its way to ${r.to}.` : `${doc.number} is on its way to ${r.to} with the PDF attached${r.paymentLinkUrl ? ' and a payment link' : ''}.`); onClose(); },
    onError: (e) => setError(errorMessage(e)),
  });
  return (
    <Dialog open={open} onClose={onClose} title={reminder ? `Remind about ${doc.number}` : `Send ${doc.number}`} description={reminder ? 'A polite note with the balance, the due date, the PDF again and a payment link when Stripe is connected.' : "The PDF goes as an attachment from your workspace's mail."}>
      <form noValidate className="space-y-4" onSubmit={(e) => { e.preventDefault(); setError(null); send.mutate(); }}>
        <TextField label="Email address" type="email" value={to} maxLength={254} onChange={(e) => setTo(e.target.value)} />
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button type="submit" pending={send.isPending} pendingLabel="Sending…">{reminder ? 'Send reminder' : 'Send'}</Button>
        </div>
      </form>
    </Dialog>
  );
}

type OfferedTemplate = { name: string; language: string; body: string; paramCount: number };

/**
 * INV-2: sends the PDF into the customer's WhatsApp conversation. Inside WhatsApp's 24-hour window it
 * goes at once; outside it the server answers which approved templates with a document header fit,
 * and the person picks one (or reads why it cannot go, as the inbox says it).
 */
function WhatsappDialog({ open, onClose, workspaceId, doc, onDone }: { open: boolean; onClose: () => void; workspaceId: string; doc: InvoiceDocument; onDone: (msg: string) => void }) {
  const [offered, setOffered] = useState<OfferedTemplate[] | null>(null);
  // Only promise a payment link when Stripe or Razorpay is connected (sending makes one for the balance).
  const accounts = useQuery({ queryKey: invoicingKeys.paymentAccounts(workspaceId), queryFn: () => invoicingApi.paymentAccounts(workspaceId), enabled: open });
  const withLink = doc.documentType === 'invoice' && (accounts.data?.items ?? []).some((a) => a.connected);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => { setOffered(null); setChosen(''); setError(null); onClose(); };
  const send = useMutation({
    mutationFn: () => {
      const t = offered?.find((x) => `${x.name}/${x.language}` === (chosen || (offered[0] ? `${offered[0].name}/${offered[0].language}` : '')));
      return invoicingApi.sendWhatsapp(workspaceId, doc.id, t ? { template: { name: t.name, language: t.language } } : {});
    },
    onSuccess: (r) => { onDone(`${doc.number} is on its way on WhatsApp${r.template ? ` with the template ${r.template}` : ''}${r.paymentLinkUrl ? ', with a payment link' : ''}. It shows in the customer's conversation in the inbox.`); close(); },
    onError: (e) => {
      setError(errorMessage(e));
      const templates = isApiError(e) ? (e.details as { templates?: OfferedTemplate[] } | undefined)?.templates : undefined;
      if (templates?.length) setOffered(templates);
    },
  });
  return (
    <Dialog open={open} onClose={close} title={`Send ${doc.number} on WhatsApp`} description={`The PDF goes into the customer's WhatsApp conversation${withLink ? ' with a payment link for the balance' : ''}, and shows in the inbox.`}>
      <form noValidate className="space-y-4" onSubmit={(e) => { e.preventDefault(); setError(null); send.mutate(); }}>
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        {offered?.length ? (
          <SelectField label="Approved template" value={chosen || `${offered[0]!.name}/${offered[0]!.language}`} onChange={(e) => setChosen(e.target.value)}
            options={offered.map((t) => ({ value: `${t.name}/${t.language}`, label: `${t.name} (${t.language})` }))}
            hint={offered.find((t) => `${t.name}/${t.language}` === (chosen || `${offered[0]!.name}/${offered[0]!.language}`))?.body} />
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={close}>Cancel</Button>
          <Button type="submit" pending={send.isPending} pendingLabel="Sending…">{offered?.length ? 'Send with template' : 'Send'}</Button>
        </div>
      </form>
    </Dialog>
  );
}
