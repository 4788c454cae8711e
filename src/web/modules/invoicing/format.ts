import { GST_STATES, gstState } from '../../../server/modules/invoicing/gst/state-codes';
import type { DocumentStatus, DocumentSummary, DocumentType, InvoiceDocument } from './api';

/** Today's date in India (the GST calendar), as YYYY-MM-DD. */
export const todayInIndia = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** ₹12,34,567.89 — always two places: an invoice shows its paise. */
export const inr = (paise: number) => rupees.format(paise / 100);

/** "1250.5" → 125050 paise, exactly (no floating point); null when it is not an amount. */
export function parseRupees(text: string): number | null {
  const m = /^\s*(\d{1,10})(?:\.(\d{0,2}))?\s*$/.exec(text.replace(/,/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
export const rupeesText = (paise: number) => `${Math.trunc(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;

/** "1.5" → 1500 thousandths of a unit. */
export function parseQuantity(text: string): number | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{0,3}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}
export const quantityText = (milli: number) => {
  const whole = Math.trunc(milli / 1000);
  const frac = String(Math.abs(milli % 1000)).padStart(3, '0').replace(/0+$/, '');
  return frac ? `${milli < 0 && whole === 0 ? '-' : ''}${whole}.${frac}` : String(whole);
};

/** "18%" from 1800 basis points. */
export const rateText = (bps: number) => `${bps / 100}%`;

/** "12" or "0.5" percent as basis points (1200, 50), exactly; null when it is not a percentage 0–500 with at most 2 decimals. */
export function parsePercentBps(text: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bps <= 50000 ? bps : null;
}

export const stateName = (code: string | null | undefined) => (code ? (gstState(code)?.name ?? code) : '—');
export const stateOptions = [...GST_STATES.values()].filter((s) => s.kind !== 'foreign').map((s) => ({ value: s.code, label: `${s.code} · ${s.name}` }));

export const typeLabels: Record<DocumentType, string> = { invoice: 'Invoice', quote: 'Quote', credit_note: 'Credit note' };

/** What a person reads in the list: an issued invoice past its due date is "Overdue"; a cancelled one is void. */
export type Chip = 'draft' | 'issued' | 'sent' | 'partly_paid' | 'paid' | 'overdue' | 'void';
export function chipOf(d: Pick<DocumentSummary, 'status' | 'overdue'>): Chip {
  if (d.status === 'cancelled') return 'void';
  if (d.overdue) return 'overdue';
  return d.status as Exclude<DocumentStatus, 'cancelled'>;
}
export const chipLabels: Record<Chip, string> = { draft: 'Draft', issued: 'Issued', sent: 'Sent', partly_paid: 'Partly paid', paid: 'Paid', overdue: 'Overdue', void: 'Void' };
const chipClasses: Record<Chip, string> = {
  draft: 'bg-stone-100 text-stone-700 ring-stone-300',
  issued: 'bg-sky-50 text-sky-800 ring-sky-200',
  sent: 'bg-sky-50 text-sky-800 ring-sky-200',
  partly_paid: 'bg-amber-50 text-amber-900 ring-amber-200',
  paid: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  overdue: 'bg-red-50 text-red-800 ring-red-200',
  void: 'bg-stone-50 text-stone-500 ring-stone-200 line-through',
};
export const chipClass = (c: Chip) => `inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${chipClasses[c]}`;

/** What issuing said, worded for the owner: the invoice's number, and any product it took below zero (INV-1: never silently). */
export function issuedText(d: Pick<InvoiceDocument, 'documentType' | 'number' | 'stockBelowZero'>): string {
  const below = (d.stockBelowZero ?? []).map((p) => `${p.name} (${quantityText(p.stockMilli)})`);
  return `${typeLabels[d.documentType]} ${d.number} issued.${below.length ? ` Stock is now below zero for ${below.join(', ')}: record the purchase or an adjustment when the goods arrive.` : ''}`;
}

/** The issue message carried from the editor to the document page it opens (one read, then gone). */
const issueNotices = new Map<string, string>();
export const keepIssueNotice = (documentId: string, text: string) => void issueNotices.set(documentId, text);
export function takeIssueNotice(documentId: string): string | null {
  const text = issueNotices.get(documentId) ?? null;
  issueNotices.delete(documentId);
  return text;
}
