import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { linkClass } from '../../ui/links';
import type { CitedRecord } from './api';

const typeNames = { contacts: 'Contact', companies: 'Company', deals: 'Deal' } as const;
export const recordTypeName = (type: CitedRecord['type']) => typeNames[type];

/** A link to a contact, company or deal page. */
export function RecordLink({ workspaceId, record, className = linkClass, children, title, ariaLabel }: { workspaceId: string; record: CitedRecord; className?: string; children?: ReactNode; title?: string; ariaLabel?: string }) {
  const content = children ?? record.label;
  const common = { className: `${className} break-words`, title, 'aria-label': ariaLabel };
  if (record.type === 'contacts')
    return (
      <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: record.id }} {...common}>
        {content}
      </Link>
    );
  if (record.type === 'companies')
    return (
      <Link to="/w/$workspaceId/companies/$companyId" params={{ workspaceId, companyId: record.id }} {...common}>
        {content}
      </Link>
    );
  return (
    <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: record.id }} {...common}>
      {content}
    </Link>
  );
}

/** Records as small chips: "Deal · Acme rollout". */
export function RecordChips({ workspaceId, records, label = 'Records' }: { workspaceId: string; records: CitedRecord[]; label?: string }) {
  if (records.length === 0) return null;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-2">
      {records.map((r) => (
        <li key={`${r.type}/${r.id}`} className="min-w-0 max-w-full">
          <RecordLink workspaceId={workspaceId} record={r} className="inline-flex max-w-full items-center gap-1 rounded-md border border-stone-200 bg-white px-2 py-1 text-xs text-teal-800 hover:bg-stone-50">
            <span className="text-stone-500">{recordTypeName(r.type)} ·</span> <span className="min-w-0 break-words">{r.label}</span>
          </RecordLink>
        </li>
      ))}
    </ul>
  );
}
