import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { linkClass } from '../../ui/links';
import type { ComposableKind } from '../activities/api';
import { Timeline } from '../activities/Timeline';
import { crmKeys, type RecordType } from './api';
import { Dialog } from './Dialog';

/**
 * Links to pages other helpers own (the list pages, tasks, import) by path: their routes may not
 * be registered yet, and a typed `to` would not compile without them.
 */
export const pathTo = (path: string) => ({ to: path as '/' });

export const listPath = (workspaceId: string, type: RecordType) => `/w/${workspaceId}/${type}`;
const listLabels: Record<RecordType, string> = { contacts: 'Contacts', companies: 'Companies', deals: 'Deals' };

const quickActions: { kind: ComposableKind; label: string }[] = [
  { kind: 'note', label: 'Add note' },
  { kind: 'call', label: 'Log call' },
  { kind: 'email', label: 'Log email' },
  { kind: 'meeting', label: 'Log meeting' },
  { kind: 'task', label: 'Add task' },
];

/**
 * The layout every record page shares (CRM-1, CRM-2, CRM-3, CRM-4): a header with the summary
 * and quick actions; beside it on wide screens, the properties (edited in place) and related
 * records; the main column is the composer and the timeline. On a phone it is one column —
 * summary, properties folded away, the timeline, then the related records.
 */
export function RecordFrame({
  workspaceId,
  type,
  recordId,
  title,
  facts,
  actions,
  summary,
  canLog,
  properties,
  related,
  more,
}: {
  workspaceId: string;
  type: RecordType;
  recordId: string;
  title: string;
  facts: ReactNode;
  actions?: ReactNode;
  /** More of the summary under the facts (a deal's stage). */
  summary?: ReactNode;
  /** Team members log on the timeline; clients do not. */
  canLog: boolean;
  properties: ReactNode;
  related: ReactNode;
  /** Under the timeline in the main column (the AI agents). */
  more?: ReactNode;
}) {
  const [kind, setKind] = useState<ComposableKind>('note');
  const [propertiesOpen, setPropertiesOpen] = useState(false);
  const composerRef = useRef<HTMLDivElement>(null);
  const propertiesId = useId();
  const compose = (next: ComposableKind) => {
    setKind(next);
    // After the tab's form renders: into its first field, scrolled into view on a phone.
    requestAnimationFrame(() => {
      const field = composerRef.current?.querySelector<HTMLElement>('[role=tabpanel] input, [role=tabpanel] select, [role=tabpanel] [contenteditable=true], [role=tabpanel] textarea');
      field?.focus();
      field?.scrollIntoView({ block: 'nearest' });
    });
  };
  return (
    <div className="mx-auto max-w-7xl">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link {...pathTo(listPath(workspaceId, type))} className={linkClass}>
          ← {listLabels[type]}
        </Link>
      </nav>
      <header className="mb-4 rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 tabIndex={-1} data-page-heading="" className="text-2xl font-semibold tracking-tight break-words text-stone-900 focus:outline-none">
              {title}
            </h1>
            <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-stone-600">{facts}</div>
          </div>
          {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
        </div>
        {summary ? <div className="mt-3">{summary}</div> : null}
        {canLog ? (
          <div role="group" aria-label="Quick actions" className="mt-3 flex flex-wrap gap-2 border-t border-stone-100 pt-3">
            {quickActions.map((a) => (
              <Button key={a.kind} variant="secondary" size="sm" onClick={() => compose(a.kind)}>
                {a.label}
              </Button>
            ))}
          </div>
        ) : null}
      </header>
      <div className="grid gap-4 lg:grid-cols-[19rem_minmax(0,1fr)] lg:grid-rows-[auto_1fr] xl:grid-cols-[21rem_minmax(0,1fr)]">
        <section aria-labelledby={`${propertiesId}-heading`} className="min-w-0 self-start rounded-lg border border-stone-200 bg-white shadow-sm lg:col-start-1 lg:row-start-1">
          <h2 id={`${propertiesId}-heading`} className="text-sm font-semibold text-stone-900">
            <button
              type="button"
              className="flex w-full items-center justify-between px-4 py-3 text-left lg:hidden"
              aria-expanded={propertiesOpen}
              aria-controls={propertiesId}
              onClick={() => setPropertiesOpen((o) => !o)}
            >
              Properties
              <span aria-hidden="true" className={`text-stone-500 transition-transform motion-reduce:transition-none ${propertiesOpen ? 'rotate-180' : ''}`}>
                ▾
              </span>
            </button>
            <span className="hidden px-4 pt-4 lg:block">Properties</span>
          </h2>
          <div id={propertiesId} className={`px-4 pb-4 lg:block lg:pt-2 ${propertiesOpen ? '' : 'hidden'}`}>
            {properties}
          </div>
        </section>
        <div className="min-w-0 space-y-4 self-start lg:col-start-2 lg:row-span-2 lg:row-start-1">
          <div className="rounded-lg border border-stone-200 bg-white p-3 shadow-sm sm:p-5">
            <Timeline workspaceId={workspaceId} recordType={type} recordId={recordId} kind={kind} onKindChange={setKind} composerRef={composerRef} />
          </div>
          {more}
        </div>
        <aside aria-label="Related" className="min-w-0 space-y-4 lg:col-start-1 lg:row-start-2">
          {related}
        </aside>
      </div>
    </div>
  );
}

export function SideCard({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  const id = `side-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={id} className="text-sm font-semibold text-stone-900">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

/** Delete with a confirmation step; only shown to owners and admins (the server refuses others too). */
export function DeleteRecord({ workspaceId, type, name, remove }: { workspaceId: string; type: RecordType; name: string; remove: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();
  const what = type === 'contacts' ? 'contact' : type === 'companies' ? 'company' : 'deal';
  const consequence =
    type === 'contacts' ? 'Their deals stay, without a contact.' : type === 'companies' ? 'Its contacts and deals stay, without a company.' : 'Its contact and company stay.';
  const mutation = useMutation({
    mutationFn: remove,
    onSuccess: async () => {
      setOpen(false);
      announce(`${name} deleted.`);
      client.removeQueries({ queryKey: crmKeys.lists(workspaceId, type) });
      void client.invalidateQueries({ queryKey: crmKeys.summary(workspaceId) });
      await navigate({ href: listPath(workspaceId, type) });
    },
  });
  const gone = isApiError(mutation.error, 'not_found');
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete {what}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Delete ${name}?`} description={`This cannot be undone. ${consequence} The deletion is recorded in the audit log.`}>
        {mutation.isError ? <ErrorAlert className="mb-4">{gone ? `This ${what} was already deleted.` : errorMessage(mutation.error)}</ErrorAlert> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)} autoFocus>
            Cancel
          </Button>
          <Button variant="danger" onClick={() => mutation.mutate()} pending={mutation.isPending} pendingLabel="Deleting…">
            Delete {what}
          </Button>
        </div>
      </Dialog>
    </>
  );
}

/** Loading, missing and failing states of a record page. */
export function RecordStatus({ error, type }: { error: unknown; type: RecordType }) {
  const what = type === 'contacts' ? 'contact' : type === 'companies' ? 'company' : 'deal';
  const missing = isApiError(error) && error.status === 404;
  const forbidden = isApiError(error) && error.status === 403;
  return (
    <div className="max-w-xl">
      <h1 tabIndex={-1} data-page-heading="" className="mb-4 text-2xl font-semibold text-stone-900 focus:outline-none">
        {missing ? `This ${what} is not here` : forbidden ? 'Not available to you' : `The ${what} could not be loaded`}
      </h1>
      <ErrorAlert>
        {missing ? `It may have been deleted, or the link is mistyped.` : forbidden ? `Your role does not include ${type}. Ask an owner or admin if you need them.` : errorMessage(error)}
      </ErrorAlert>
    </div>
  );
}

export function RecordSkeleton({ label }: { label: string }) {
  return (
    <div role="status" aria-busy="true" aria-label={label} className="mx-auto max-w-7xl animate-pulse motion-reduce:animate-none">
      <div className="mb-2 h-4 w-20 rounded bg-stone-200" />
      <div className="mb-4 h-24 rounded-lg border border-stone-200 bg-white" />
      <div className="grid gap-4 lg:grid-cols-[19rem_minmax(0,1fr)] xl:grid-cols-[21rem_minmax(0,1fr)]">
        <div className="space-y-3 rounded-lg border border-stone-200 bg-white p-4">
          {Array.from({ length: 6 }, (_, i) => (
            <div key={i} className="h-6 rounded bg-stone-100" />
          ))}
        </div>
        <div className="space-y-3 rounded-lg border border-stone-200 bg-white p-4">
          <div className="h-9 rounded bg-stone-100" />
          <div className="h-28 rounded bg-stone-100" />
          <div className="h-16 rounded bg-stone-100" />
        </div>
      </div>
      <span className="sr-only">{label}</span>
    </div>
  );
}

export const Fact = ({ children }: { children: ReactNode }) => <span className="inline-flex items-center gap-1">{children}</span>;
export const Badge = ({ children, className = 'bg-stone-100 text-stone-700 ring-stone-200' }: { children: ReactNode; className?: string }) => (
  <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${className}`}>{children}</span>
);
export { buttonClass };
