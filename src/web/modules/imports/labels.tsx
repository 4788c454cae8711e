import type { Import, ImportObject } from './api';

export const objectLabels: Record<ImportObject, { title: string; description: string }> = {
  contacts: { title: 'Contacts', description: 'People, with their emails, phones, company, address and custom fields.' },
  companies: { title: 'Companies', description: 'Accounts, matched by their web domain.' },
  email_list: { title: 'Email list', description: 'A list of addresses, one per line or in one column, into a named list (tag).' },
};

export const statusLabels: Record<Import['status'], string> = {
  uploaded: 'Uploaded',
  mapping: 'Waiting for mapping',
  queued: 'Queued',
  running: 'Importing',
  completed: 'Completed',
  failed: 'Failed',
  undone: 'Undone',
};

export const statusTone: Record<Import['status'], string> = {
  uploaded: 'bg-stone-100 text-stone-700',
  mapping: 'bg-amber-50 text-amber-800',
  queued: 'bg-sky-50 text-sky-800',
  running: 'bg-sky-50 text-sky-800',
  completed: 'bg-teal-50 text-teal-800',
  failed: 'bg-red-50 text-red-800',
  undone: 'bg-stone-100 text-stone-700',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export const formatCount = (n: number) => n.toLocaleString();

export function StatusBadge({ status }: { status: Import['status'] }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${statusTone[status]}`}>{statusLabels[status]}</span>;
}
