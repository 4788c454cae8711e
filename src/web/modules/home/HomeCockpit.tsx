import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { formatAmount, workspaceLocale } from '../../lib/money';
import { ErrorAlert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { ActivityIcon } from '../activities/ActivityIcon';
import type { Activity } from '../activities/api';
import { headline } from '../activities/ActivityItem';
import { agentLabels, proposalKindLabels } from '../agents/api';
import { CreateCompanyDialog } from '../crm/CreateCompanyDialog';
import { CreateContactDialog } from '../crm/CreateContactDialog';
import { CreateDealDialog } from '../crm/CreateDealDialog';
import { contactName, formatDay } from '../crm/format';
import { pathTo } from '../crm/RecordParts';
import { useCrmRole } from '../crm/useCrm';
import { fetchHome, homeKeys, type Home } from './api';
import { Card, Empty, linkCls } from './Card';
import { PipelineSection } from './PipelineSection';


const count = (c: { count: number; capped: boolean }) => `${c.count.toLocaleString()}${c.capped ? '+' : ''}`;

/**
 * CRM-1, CRM-3, CRM-4, AI-5: the home page as the day's cockpit — what is due, what waits for
 * a decision, new leads, deals closing this month, pipeline value by stage and recent activity,
 * from one request. A brand-new workspace gets the first steps instead.
 */
export function HomeCockpit({ workspaceId, managerActions }: { workspaceId: string; managerActions?: ReactNode }) {
  const { canEdit } = useCrmRole(workspaceId);
  const home = useQuery({ queryKey: homeKeys.one(workspaceId), queryFn: () => fetchHome(workspaceId) });
  const [adding, setAdding] = useState<'contact' | 'company' | 'deal' | null>(null);

  const actions = canEdit ? (
    <div className="flex flex-wrap gap-2">
      <Button onClick={() => setAdding('contact')}>Add contact</Button>
      <Button variant="secondary" onClick={() => setAdding('company')}>
        Add company
      </Button>
      <Button variant="secondary" onClick={() => setAdding('deal')}>
        Add deal
      </Button>
      <Link {...pathTo(`/w/${workspaceId}/import`)} className={buttonClass('secondary')}>
        Import contacts
      </Link>
    </div>
  ) : null;
  const dialogs = (
    <>
      <CreateContactDialog workspaceId={workspaceId} open={adding === 'contact'} onClose={() => setAdding(null)} />
      <CreateCompanyDialog workspaceId={workspaceId} open={adding === 'company'} onClose={() => setAdding(null)} />
      <CreateDealDialog workspaceId={workspaceId} open={adding === 'deal'} onClose={() => setAdding(null)} />
    </>
  );

  if (home.isPending) {
    return (
      <div role="status" aria-busy="true" aria-label="Loading your day…" className="grid animate-pulse gap-4 md:grid-cols-2 motion-reduce:animate-none">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-48 rounded-lg border border-stone-200 bg-white" />
        ))}
      </div>
    );
  }
  if (home.isError) return <ErrorAlert title="Your day could not be loaded.">{errorMessage(home.error)}</ErrorAlert>;

  const h = home.data;
  const locale = workspaceLocale(h.workspace.country);
  const money = (amount: string | number | null, currency: string) => formatAmount(amount, currency, locale);
  const s = h.summary;
  if (s.contacts.count === 0 && s.companies.count === 0 && s.openDeals.count === 0) {
    return (
      <section aria-labelledby="crm-empty" className="rounded-xl border border-dashed border-stone-300 bg-white px-6 py-12 text-center">
        <svg viewBox="0 0 48 48" aria-hidden="true" className="mx-auto size-12 text-teal-700" fill="none" stroke="currentColor" strokeWidth="2">
          <rect x="6" y="10" width="36" height="28" rx="4" />
          <path d="M6 18h36M16 26h8M16 31h14" strokeLinecap="round" />
        </svg>
        <h2 id="crm-empty" className="mt-4 text-lg font-semibold text-stone-900">
          Your contacts, companies and deals will live here
        </h2>
        <p className="mx-auto mt-2 max-w-md text-sm text-stone-600">
          Start with the first person you are talking to, bring in a spreadsheet of leads, or track a deal. This page then shows your day: tasks due, new leads, deals closing and your pipeline.
        </p>
        <div className="mt-6 flex flex-wrap justify-center gap-3">
          {actions}
          {managerActions}
        </div>
        {dialogs}
      </section>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <ul aria-label="Your records" className="flex flex-wrap gap-2 text-sm">
          <Stat label="Contacts" value={count(s.contacts)} to={`/w/${workspaceId}/contacts`} />
          <Stat label="Companies" value={count(s.companies)} to={`/w/${workspaceId}/companies`} />
          <Stat label="Open deals" value={count(s.openDeals)} to={`/w/${workspaceId}/deals`} />
        </ul>
        {actions}
      </div>
      {dialogs}

      <div className="grid gap-4 lg:grid-cols-2">
        {h.tasks ? <DueToday workspaceId={workspaceId} tasks={h.tasks} /> : null}
        {h.approvals ? <Approvals workspaceId={workspaceId} approvals={h.approvals} /> : null}
        <PipelineSection workspaceId={workspaceId} pipelines={h.pipelines} currency={h.workspace.currency} locale={locale} />
        <Closing workspaceId={workspaceId} closing={h.closingThisMonth} money={money} />
        <NewLeads workspaceId={workspaceId} leads={h.newLeads} />
        {h.recentActivity ? <Recent workspaceId={workspaceId} items={h.recentActivity} /> : null}
      </div>
    </div>
  );
}

function Stat({ label, value, to }: { label: string; value: string; to: string }) {
  return (
    <li>
      <Link {...pathTo(to)} className="inline-flex items-baseline gap-1.5 rounded-full border border-stone-200 bg-white px-3 py-1 shadow-xs hover:border-teal-300 hover:bg-teal-50/40">
        <span className="font-semibold text-stone-900">{value}</span>
        <span className="text-stone-600">{label}</span>
      </Link>
    </li>
  );
}


function DueToday({ workspaceId, tasks }: { workspaceId: string; tasks: NonNullable<Home['tasks']> }) {
  const now = Date.now();
  const overdue = tasks.items.filter((t) => t.taskDueAt && new Date(t.taskDueAt).getTime() < now).length;
  return (
    <Card
      title="Due today"
      figure={tasks.count ? `${tasks.count}${tasks.capped ? '+' : ''} ${tasks.count === 1 ? 'task' : 'tasks'}${overdue ? `, ${overdue} overdue` : ''}` : null}
      more={
        <Link {...pathTo(`/w/${workspaceId}/tasks`)} className={linkCls}>
          All my tasks →
        </Link>
      }
    >
      {tasks.items.length === 0 ? (
        <Empty>Nothing due today. Calls and follow-ups you plan as tasks show up here on their day.</Empty>
      ) : (
        <ul className="divide-y divide-stone-100">
          {tasks.items.map((t) => {
            const late = t.taskDueAt && new Date(t.taskDueAt).getTime() < now;
            return (
              <ActivityLine
                key={t.id}
                workspaceId={workspaceId}
                activity={t}
                title={<span className="font-medium">{t.subject ?? 'Task'}</span>}
                meta={<span className={late ? 'font-medium text-red-700' : ''}>{late ? `Overdue · ${formatRelative(t.taskDueAt!)}` : `Due ${formatDateTime(t.taskDueAt!)}`}</span>}
              />
            );
          })}
        </ul>
      )}
    </Card>
  );
}

function Approvals({ workspaceId, approvals }: { workspaceId: string; approvals: NonNullable<Home['approvals']> }) {
  return (
    <Card
      title="Waiting for approval"
      figure={approvals.pendingCount ? `${approvals.pendingCount} from agents` : null}
      more={
        <Link {...pathTo(`/w/${workspaceId}/approvals`)} className={linkCls}>
          Open approvals →
        </Link>
      }
    >
      {approvals.items.length === 0 ? (
        <Empty>No proposals waiting. When an agent wants to send an email or change a record, it asks here first.</Empty>
      ) : (
        <ul className="divide-y divide-stone-100">
          {approvals.items.map((p) => (
            <li key={p.id} className="py-2">
              <p className="text-sm font-medium text-stone-900">
                {agentLabels[p.agent]}: {proposalKindLabels[p.kind]}
                {p.records[0] ? <span className="font-normal text-stone-600"> · {p.records[0].label}</span> : null}
              </p>
              {p.rationale ? <p className="line-clamp-2 text-xs text-stone-600">{p.rationale}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Closing({ workspaceId, closing, money }: { workspaceId: string; closing: Home['closingThisMonth']; money: (a: string | number | null, c: string) => string }) {
  const [y, m] = closing.month.split('-').map(Number);
  const monthName = y && m ? new Intl.DateTimeFormat(undefined, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1))) : 'this month';
  return (
    <Card
      title="Closing this month"
      figure={closing.count ? `${closing.count} in ${monthName} · ${closing.totals.map((t) => money(t.amount, t.currency)).join(' + ')}` : null}
      more={
        <Link {...pathTo(`/w/${workspaceId}/deals`)} className={linkCls}>
          All deals →
        </Link>
      }
    >
      {closing.items.length === 0 ? (
        <Empty>No open deals expected to close in {monthName}. Set an expected close date on a deal to see it here.</Empty>
      ) : (
        <ul className="divide-y divide-stone-100">
          {closing.items.map((d) => (
            <li key={d.id} className="flex items-baseline justify-between gap-3 py-2">
              <div className="min-w-0">
                <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: d.id }} className={`${linkCls} break-words`}>
                  {d.name}
                </Link>
                <p className="text-xs text-stone-600">
                  {d.stage.name} · closes {formatDay(d.expectedCloseDate)}
                </p>
              </div>
              <span className="shrink-0 text-sm font-medium text-stone-900 tabular-nums">{money(d.amount, d.currency)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function NewLeads({ workspaceId, leads }: { workspaceId: string; leads: Home['newLeads'] }) {
  return (
    <Card
      title="New leads"
      figure={`${count(leads)} in the last ${leads.days} days`}
      more={
        <Link {...pathTo(`/w/${workspaceId}/contacts`)} className={linkCls}>
          All contacts →
        </Link>
      }
    >
      {leads.items.length === 0 ? (
        <Empty>No new leads this week. Leads from imports, the team and the website land here.</Empty>
      ) : (
        <ul className="divide-y divide-stone-100">
          {leads.items.map((c) => (
            <li key={c.id} className="flex items-baseline justify-between gap-3 py-2">
              <div className="min-w-0">
                <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: c.id }} className={`${linkCls} break-words`}>
                  {contactName(c)}
                </Link>
                <p className="truncate text-xs text-stone-600">{[c.title, c.company?.name, c.source].filter(Boolean).join(' · ') || c.email || ''}</p>
              </div>
              <span className="shrink-0 text-xs text-stone-500">{formatRelative(c.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Recent({ workspaceId, items }: { workspaceId: string; items: NonNullable<Home['recentActivity']> }) {
  return (
    <Card title="Recent activity">
      {items.length === 0 ? (
        <Empty>Notes, calls, emails and meetings the team logs show up here.</Empty>
      ) : (
        <ul className="divide-y divide-stone-100">
          {items.map((a) => (
            <ActivityLine
              key={a.id}
              workspaceId={workspaceId}
              activity={a}
              title={
                <>
                  <span className="font-medium">{headline(a)}</span>
                  {a.kind === 'note' && a.bodyText ? <span className="text-stone-600"> · {a.bodyText.slice(0, 80)}</span> : null}
                </>
              }
              meta={`${a.author?.name ?? 'Someone'} · ${formatRelative(a.createdAt)}`}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

/** A timeline item in a cockpit list: its kind, what it is, when and by whom, and the record it is on. */
function ActivityLine({ workspaceId, activity, title, meta }: { workspaceId: string; activity: Activity; title: ReactNode; meta: ReactNode }) {
  const on = activity.links.find((l) => l.label);
  return (
    <li className="flex items-start gap-3 py-2">
      <ActivityIcon kind={activity.kind} />
      <div className="min-w-0 flex-1">
        <p className="text-sm break-words text-stone-900">{title}</p>
        <p className="text-xs text-stone-600">
          {meta}
          {on ? (
            <>
              {' · '}
              <Link {...pathTo(`/w/${workspaceId}/${on.recordType}/${on.recordId}`)} className={linkCls}>
                {on.label}
              </Link>
            </>
          ) : null}
        </p>
      </div>
    </li>
  );
}
