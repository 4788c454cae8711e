import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ErrorAlert } from '../../ui/Alert';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { formatCost, formatCount, providerLabels } from './api';
import { OutcomeBadge } from './AiUsagePage';
import { useAiCall } from './useAi';

/** AI-4: one AI call in full — the prompt sent, the records used, the output, tokens, cost, time and outcome. */
export function AiCallDetail() {
  const { workspaceId, callId } = useParams({ from: '/w/$workspaceId/settings/ai-usage/$callId' });
  const call = useAiCall(workspaceId, callId);
  const back = (
    <Link to="/w/$workspaceId/settings/ai-usage" params={{ workspaceId }} className="text-sm font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950">
      Back to AI usage
    </Link>
  );
  if (call.isPending) return <SkeletonList rows={5} label="Loading the AI call…" />;
  if (call.isError)
    return (
      <div className="space-y-4">
        <ErrorAlert>{errorMessage(call.error)}</ErrorAlert>
        {back}
      </div>
    );
  const c = call.data;
  const facts: [string, ReactNode][] = [
    ['When', <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>],
    ['Who', c.userName ?? 'System'],
    ['Outcome', <OutcomeBadge outcome={c.outcome} />],
    ['Provider', `${providerLabels[c.providerKind]} (${c.providerSource === 'workspace' ? "workspace's key" : c.providerSource === 'browser' ? 'a personal key kept in the browser' : "operator's key"})`],
    ['Model', <code className="font-mono text-xs">{c.model}</code>],
    ['Tokens in / out', `${formatCount(c.tokensIn)} / ${formatCount(c.tokensOut)}`],
    ['Cost', c.costNote ? `${formatCost(c.costUsd)} — ${c.costNote}` : formatCost(c.costUsd)],
    ['Time', c.latencyMs === null ? '—' : `${(c.latencyMs / 1000).toFixed(2)} s${c.attempts > 1 ? ` over ${c.attempts} attempts` : ''}`],
  ];
  // A step of an agent run links back to the run.
  if (c.runId && c.feature.startsWith('agent:')) {
    facts.push([
      'Part of',
      <Link to="/w/$workspaceId/agents/runs/$runId" params={{ workspaceId, runId: c.runId }} className="font-medium text-teal-800 underline">
        the agent run
      </Link>,
    ]);
  }
  return (
    <div className="space-y-6">
      <PageHeading description={`${c.feature}${c.streamed ? ' · streamed' : ''}`} actions={back}>
        AI call
      </PageHeading>
      <Card labelledBy="call-facts">
        <SectionHeading id="call-facts">Summary</SectionHeading>
        <dl className="grid gap-x-6 gap-y-3 sm:grid-cols-2">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs text-stone-600">{label}</dt>
              <dd className="mt-0.5 text-sm text-stone-900">{value}</dd>
            </div>
          ))}
        </dl>
        {c.errorMessage ? (
          <ErrorAlert className="mt-4" title="What went wrong">
            {c.errorMessage}
          </ErrorAlert>
        ) : null}
      </Card>
      <Card labelledBy="call-records">
        <SectionHeading id="call-records" description="The records whose details were sent with the prompt.">
          Records used
        </SectionHeading>
        {c.recordRefs.length === 0 ? (
          <p className="text-sm text-stone-600">No records were sent with this call.</p>
        ) : (
          <ul className="flex flex-wrap gap-2">
            {c.recordRefs.map((r) => {
              const label = `${r.type}/${r.id.slice(0, 8)}`;
              const chip = 'inline-flex rounded-md border border-stone-200 px-2 py-1 font-mono text-xs';
              const link = `${chip} text-teal-800 hover:bg-stone-50`;
              return (
                <li key={`${r.type}/${r.id}`}>
                  {r.type === 'contacts' ? (
                    <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: r.id }} className={link}>{label}</Link>
                  ) : r.type === 'companies' ? (
                    <Link to="/w/$workspaceId/companies/$companyId" params={{ workspaceId, companyId: r.id }} className={link}>{label}</Link>
                  ) : r.type === 'deals' ? (
                    <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: r.id }} className={link}>{label}</Link>
                  ) : (
                    <span className={chip}>{label}</span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card labelledBy="call-prompt">
        <SectionHeading id="call-prompt" description="Exactly what was sent to the provider.">
          Prompt
        </SectionHeading>
        {c.prompt.system ? <Block label="System">{c.prompt.system}</Block> : null}
        {c.prompt.messages.map((m, i) => (
          <Block key={i} label={roleOf(m)}>
            {contentOf(m)}
          </Block>
        ))}
      </Card>
      <Card labelledBy="call-output">
        <SectionHeading id="call-output">Output</SectionHeading>
        {!c.output ? (
          <p className="text-sm text-stone-600">Nothing came back.</p>
        ) : (
          <>
            {c.output.text ? <Block label="Text">{c.output.text}</Block> : null}
            {c.output.object !== undefined ? <Block label="Structured answer">{JSON.stringify(c.output.object, null, 2)}</Block> : null}
            {c.output.toolCalls.map((t, i) => (
              <Block key={i} label={`Tool call: ${t.name}`}>
                {JSON.stringify(t.input, null, 2)}
              </Block>
            ))}
          </>
        )}
      </Card>
    </div>
  );
}

function Block({ label, children }: { label: string; children: ReactNode }) {
  return (
    <figure className="mb-3 last:mb-0">
      <figcaption className="mb-1 text-xs font-medium text-stone-600 uppercase">{label}</figcaption>
      <pre className="max-h-96 overflow-auto rounded-md bg-stone-50 p-3 text-xs break-words whitespace-pre-wrap text-stone-900">{children}</pre>
    </figure>
  );
}

const roleOf = (m: unknown) => (typeof m === 'object' && m && 'role' in m ? String((m as { role: unknown }).role) : 'Message');

function contentOf(m: unknown): string {
  const content = typeof m === 'object' && m && 'content' in m ? (m as { content: unknown }).content : m;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : JSON.stringify(part, null, 2))).join('\n');
  return JSON.stringify(content, null, 2);
}
