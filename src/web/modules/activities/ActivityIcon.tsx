import type { ActivityKind } from './api';

const paths: Record<ActivityKind, string> = {
  note: 'M5 4h10l4 4v12H5zM14 4v5h5M8 13h8M8 17h5',
  call: 'M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11 11 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  email: 'M3 6h18v12H3zM3 6l9 7 9-7',
  meeting: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5',
  task: 'M4 12l5 5L20 6',
  chat: 'M4 5h16v11H8l-4 4z',
  whatsapp: 'M4 20l1.3-4A8 8 0 1 1 8 18.7zM9 9c0 3 3 6 6 6',
};

export const kindLabels: Record<ActivityKind, string> = { note: 'Note', call: 'Call', email: 'Email', meeting: 'Meeting', task: 'Task', chat: 'Chat', whatsapp: 'WhatsApp' };

const tints: Record<ActivityKind, string> = {
  note: 'bg-amber-100 text-amber-800',
  call: 'bg-sky-100 text-sky-800',
  email: 'bg-violet-100 text-violet-800',
  meeting: 'bg-rose-100 text-rose-800',
  task: 'bg-teal-100 text-teal-800',
  chat: 'bg-stone-200 text-stone-800',
  whatsapp: 'bg-green-100 text-green-800',
};

/** The kind of a timeline item at a glance; the label is said by the item's heading. */
export function ActivityIcon({ kind }: { kind: ActivityKind }) {
  return (
    <span aria-hidden="true" className={`flex size-8 shrink-0 items-center justify-center rounded-full ${tints[kind]}`}>
      <svg viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
        <path d={paths[kind]} />
      </svg>
    </span>
  );
}
