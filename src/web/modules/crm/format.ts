import { formatAmount } from '../../lib/money';
import type { Contact, Deal } from './api';

type NameParts = Pick<Contact, 'firstName' | 'lastName' | 'email'> & { phone?: string | null };

/** A contact's display name: the name, else the email, else the phone. */
export function contactName(c: NameParts | null | undefined): string {
  if (!c) return '';
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ').trim();
  return name || c.email || c.phone || 'Unnamed contact';
}

/** A deal's amount (a decimal string) in its currency, in the workspace's locale: lib/money, the one money format. */
export const formatMoney = (amount: string | number | null | undefined, currency: string): string => formatAmount(amount, currency);

/** A date-only ISO string (2026-03-31) shown in the person's locale, without time-zone shifts. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export const lifecycleLabels = { lead: 'Lead', prospect: 'Prospect', customer: 'Customer', churned: 'Churned' } as const;
export const consentLabels = { unknown: 'Not given', granted: 'Granted', denied: 'Denied', withdrawn: 'Withdrawn' } as const;
export const stageKindLabels = { open: 'Open', won: 'Won', lost: 'Lost' } as const;
export const statusBadgeClass: Record<Deal['status'], string> = {
  open: 'bg-sky-50 text-sky-800 ring-sky-200',
  won: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  lost: 'bg-stone-100 text-stone-700 ring-stone-300',
};

/** Time zones the browser knows, for the contact's time zone picker. */
export function timeZoneOptions(): { value: string; label: string }[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['UTC'];
  }
  // Chromium lists "UTC" under Etc; people type and look for "UTC".
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  return zones.map((z) => ({ value: z, label: z.replaceAll('_', ' ') }));
}
