import { Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { crmKeys, fetchContact } from '../crm/api';
import { usePipelines } from '../crm/useCrm';
import { RecordLink, recordTypeName } from './RecordLink';
import type { CitedRecord, CreateTasksPayload, MoveDealPayload, Proposal, SendEmailPayload, SendMessagePayload, UpdateContactPayload } from './api';

/** What the agent proposes, in full: the email (to, subject, body), the stage move, the tasks, or the contact's new details. */
export function ProposalBody({ workspaceId, proposal }: { workspaceId: string; proposal: Proposal }) {
  if (proposal.kind === 'send_email') return <EmailBody workspaceId={workspaceId} proposal={proposal} payload={proposal.payload as SendEmailPayload} />;
  if (proposal.kind === 'move_deal') return <MoveBody workspaceId={workspaceId} records={proposal.records} payload={proposal.payload as MoveDealPayload} />;
  if (proposal.kind === 'send_message') return <MessageBody workspaceId={workspaceId} proposal={proposal} payload={proposal.payload as SendMessagePayload} />;
  if (proposal.kind === 'save_template' || proposal.kind === 'save_call_script') return <WrittenTemplateBody payload={proposal.payload as { name: string; subject?: string; body: string; stream?: string }} script={proposal.kind === 'save_call_script'} />;
  if (proposal.kind === 'save_sequence') return <WrittenSequenceBody payload={proposal.payload as { name: string; steps: { delayDays: number; subject?: string; body: string }[] }} />;
  if (proposal.kind === 'update_contact') return <ContactUpdateBody workspaceId={workspaceId} records={proposal.records} payload={proposal.payload as UpdateContactPayload} />;
  return <TasksBody workspaceId={workspaceId} records={proposal.records} payload={proposal.payload as CreateTasksPayload} />;
}

const find = (records: CitedRecord[], type: CitedRecord['type'], id: string | null | undefined) => (id ? records.find((r) => r.type === type && r.id === id) : undefined);

/** Who the email goes to: the contact (a link) and the address. */
export function EmailTo({ workspaceId, proposal }: { workspaceId: string; proposal: Proposal }) {
  const payload = proposal.payload as SendEmailPayload;
  const contact = find(proposal.records, 'contacts', payload.contactId);
  // The address itself is not in the proposal; the contact's record has it (and is often cached already).
  const record = useQuery({ queryKey: crmKeys.record(workspaceId, 'contacts', payload.contactId), queryFn: () => fetchContact(workspaceId, payload.contactId), retry: false });
  const sentTo = typeof proposal.result?.to === 'string' ? proposal.result.to : null;
  const address = sentTo ?? record.data?.email ?? null;
  return (
    <>
      {contact ? <RecordLink workspaceId={workspaceId} record={contact} /> : 'The contact'}
      {address ? <span className="break-all text-stone-600"> &lt;{address}&gt;</span> : null}
    </>
  );
}

function EmailBody({ workspaceId, proposal, payload }: { workspaceId: string; proposal: Proposal; payload: SendEmailPayload }) {
  const original = proposal.originalPayload as Partial<SendEmailPayload> | null;
  return (
    <div className="rounded-md border border-stone-200 bg-white">
      <dl className="divide-y divide-stone-100 text-sm">
        <div className="flex flex-wrap gap-x-2 px-3 py-2">
          <dt className="w-16 shrink-0 text-stone-500">To</dt>
          <dd className="min-w-0 break-words text-stone-900">
            <EmailTo workspaceId={workspaceId} proposal={proposal} />
          </dd>
        </div>
        <div className="flex flex-wrap gap-x-2 px-3 py-2">
          <dt className="w-16 shrink-0 text-stone-500">Subject</dt>
          <dd className="min-w-0 font-medium break-words text-stone-900">{payload.subject}</dd>
        </div>
      </dl>
      <div className="border-t border-stone-100 px-3 py-3">
        <p className="sr-only">Message</p>
        <p className="text-sm break-words whitespace-pre-wrap text-stone-800">{payload.body}</p>
      </div>
      {original && (original.subject !== undefined || original.body !== undefined) ? (
        <details className="border-t border-stone-100 px-3 py-2 text-sm">
          <summary className="cursor-pointer text-stone-600">Edited before sending — see the agent’s draft</summary>
          {original.subject ? <p className="mt-2 font-medium break-words text-stone-700">{original.subject}</p> : null}
          {original.body ? <p className="mt-1 break-words whitespace-pre-wrap text-stone-600">{original.body}</p> : null}
        </details>
      ) : null}
    </div>
  );
}

function MoveBody({ workspaceId, records, payload }: { workspaceId: string; records: CitedRecord[]; payload: MoveDealPayload }) {
  const pipelines = usePipelines(workspaceId);
  const stage = pipelines.data?.flatMap((p) => p.stages).find((s) => s.id === payload.stageId);
  const deal = find(records, 'deals', payload.dealId);
  return (
    <div className="rounded-md border border-stone-200 bg-white px-3 py-3 text-sm text-stone-800">
      <p className="break-words">
        Move {deal ? <RecordLink workspaceId={workspaceId} record={deal} /> : 'the deal'} to <span className="font-medium text-stone-900">{stage?.name ?? (pipelines.isPending ? '…' : 'another stage')}</span>
        {stage && stage.kind !== 'open' ? <span className="text-stone-600"> (closes the deal as {stage.kind})</span> : null}
      </p>
      {payload.lostReason ? <p className="mt-1 text-stone-600">Reason: {payload.lostReason}</p> : null}
    </div>
  );
}

function TasksBody({ workspaceId, records, payload }: { workspaceId: string; records: CitedRecord[]; payload: CreateTasksPayload }) {
  return (
    <ul className="divide-y divide-stone-100 rounded-md border border-stone-200 bg-white text-sm">
      {payload.tasks.map((t, i) => {
        const record = find(records, t.recordType, t.recordId) ?? { type: t.recordType, id: t.recordId, label: `this ${recordTypeName(t.recordType).toLowerCase()}` };
        return (
          <li key={i} className="px-3 py-2">
            <p className="font-medium break-words text-stone-900">{t.title}</p>
            <p className="text-xs text-stone-600">
              {t.dueInDays === null || t.dueInDays === undefined ? 'No due date' : t.dueInDays === 0 ? 'Due today' : `Due in ${t.dueInDays} ${t.dueInDays === 1 ? 'day' : 'days'}`} · on{' '}
              <RecordLink workspaceId={workspaceId} record={record} />
            </p>
          </li>
        );
      })}
    </ul>
  );
}

const contactFieldLabels: [keyof UpdateContactPayload['changes'], string][] = [
  ['title', 'Job title'],
  ['companyName', 'Company'],
  ['city', 'City'],
  ['state', 'State or region'],
  ['country', 'Country'],
  ['linkedinUrl', 'LinkedIn (noted on the timeline)'],
];

/** AI-2: what a data provider found about a contact, field by field, and how sure it was. */
function ContactUpdateBody({ workspaceId, records, payload }: { workspaceId: string; records: CitedRecord[]; payload: UpdateContactPayload }) {
  const contact = find(records, 'contacts', payload.contactId);
  const rows = contactFieldLabels.filter(([key]) => payload.changes[key]);
  return (
    <div className="rounded-md border border-stone-200 bg-white text-sm">
      <p className="px-3 pt-3 break-words text-stone-800">
        Update {contact ? <RecordLink workspaceId={workspaceId} record={contact} /> : 'the contact'} with what {payload.source} found
        {payload.likelihood ? <span className="text-stone-600"> (match confidence {payload.likelihood}/10)</span> : null}:
      </p>
      <dl className="mt-2 divide-y divide-stone-100 border-t border-stone-100">
        {rows.map(([key, label]) => (
          <div key={key} className="flex flex-wrap gap-x-2 px-3 py-2">
            <dt className="w-48 shrink-0 text-stone-500">{label}</dt>
            <dd className="min-w-0 break-words text-stone-900">
              {payload.changes[key]}
              {key === 'companyName' && payload.changes.companyDomain ? <span className="text-stone-600"> ({payload.changes.companyDomain})</span> : null}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** AI-5: a message for an inbox conversation, by its channel (an email reply in the thread, or WhatsApp). */
function MessageBody({ workspaceId, proposal, payload }: { workspaceId: string; proposal: Proposal; payload: SendMessagePayload }) {
  const contact = proposal.records.find((r) => r.type === 'contacts');
  const original = proposal.originalPayload as Partial<SendMessagePayload> | null;
  return (
    <div className="rounded-md border border-stone-200 bg-white">
      <p className="px-3 py-2 text-sm text-stone-600">
        {payload.channel === 'email' ? 'Email reply' : 'WhatsApp message'} to {contact ? <RecordLink workspaceId={workspaceId} record={contact} /> : 'the customer'} in their{' '}
        <Link to="/w/$workspaceId/inbox" params={{ workspaceId }} search={{ c: payload.conversationId }} className="font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
          inbox conversation
        </Link>
      </p>
      <div className="border-t border-stone-100 px-3 py-3">
        <p className="sr-only">Message</p>
        {payload.template ? <p className="mb-1 text-xs text-stone-500">Template {payload.template.name} ({payload.template.language})</p> : null}
        <p className="text-sm break-words whitespace-pre-wrap text-stone-800">{payload.body}</p>
      </div>
      {original?.body !== undefined ? (
        <details className="border-t border-stone-100 px-3 py-2 text-sm">
          <summary className="cursor-pointer text-stone-600">Edited before sending — see the agent’s draft</summary>
          <p className="mt-1 break-words whitespace-pre-wrap text-stone-600">{original.body}</p>
        </details>
      ) : null}
    </div>
  );
}

/** AI-2: a template or call script Forge wrote: saved to the templates once approved. */
function WrittenTemplateBody({ payload, script }: { payload: { name: string; subject?: string; body: string; stream?: string }; script: boolean }) {
  return (
    <div className="rounded-md border border-stone-200 bg-white text-sm">
      <dl className="divide-y divide-stone-100">
        <div className="flex flex-wrap gap-x-2 px-3 py-2">
          <dt className="text-stone-500">{script ? 'Call script' : 'Template'}</dt>
          <dd className="font-medium text-stone-900">{payload.name}</dd>
        </div>
        {!script && payload.subject ? (
          <div className="flex flex-wrap gap-x-2 px-3 py-2">
            <dt className="text-stone-500">Subject</dt>
            <dd className="text-stone-900">{payload.subject}</dd>
          </div>
        ) : null}
        {!script && payload.stream ? (
          <div className="flex flex-wrap gap-x-2 px-3 py-2">
            <dt className="text-stone-500">Kind of mail</dt>
            <dd className="text-stone-900">{payload.stream === 'transactional' ? 'Transactional' : 'Marketing'}</dd>
          </div>
        ) : null}
      </dl>
      <p className="whitespace-pre-wrap break-words border-t border-stone-100 px-3 py-2 text-stone-800">{payload.body}</p>
    </div>
  );
}

/** AI-2: the sequence Forge wrote, step by step; once approved it is a draft sequence. */
function WrittenSequenceBody({ payload }: { payload: { name: string; steps: { delayDays: number; subject?: string; body: string }[] } }) {
  return (
    <div className="rounded-md border border-stone-200 bg-white">
      <p className="px-3 py-2 text-sm font-medium break-words text-stone-900">
        {payload.name} <span className="font-normal text-stone-500">— saved as a draft; nobody is enrolled until you make it active</span>
      </p>
      <ol className="divide-y divide-stone-100 border-t border-stone-100 text-sm">
        {payload.steps.map((s, i) => (
          <li key={i} className="px-3 py-2">
            <p className="text-stone-500">
              Step {i + 1} · {i === 0 ? `day ${s.delayDays} after enrolment` : `${s.delayDays} day(s) later`}
            </p>
            <p className="font-medium break-words text-stone-900">{s.subject || (i > 0 ? 'Sent as a reply in the same thread' : '')}</p>
            <p className="mt-1 break-words whitespace-pre-wrap text-stone-800">{s.body}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
