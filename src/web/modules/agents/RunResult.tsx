import { errorMessage } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { SkeletonList } from '../../ui/Skeleton';
import { parseRecordRef, proposalIdsOf, type AgentRun, type CitedRecord } from './api';
import { ProposalCard } from './ProposalCard';
import { RecordChips } from './RecordLink';
import { useAiRole, useProposal } from './useAgents';

/** What a finished run came to: its summary, its findings (each with the records it is about) and its proposals. */
export function RunResult({ workspaceId, run, headingLevel = 3 }: { workspaceId: string; run: AgentRun; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const proposalIds = proposalIdsOf(run.events);
  return (
    <div className="space-y-4">
      {run.status === 'failed' || run.status === 'cancelled' ? (
        run.status === 'failed' ? (
          <ErrorAlert title="The run did not finish">{run.error ?? 'It failed without saying why.'}</ErrorAlert>
        ) : (
          <p className="rounded-md border border-stone-200 bg-stone-50 px-4 py-3 text-sm text-stone-700">{run.error ?? 'Stopped.'}</p>
        )
      ) : null}
      {run.result ? (
        <section>
          <Heading className="text-sm font-semibold text-stone-900">Summary</Heading>
          <p className="mt-1 text-sm break-words whitespace-pre-wrap text-stone-800">{run.result.summary}</p>
        </section>
      ) : null}
      {run.result && run.result.findings.length > 0 ? (
        <section>
          <Heading className="text-sm font-semibold text-stone-900">Findings</Heading>
          <ol className="mt-2 space-y-3">
            {run.result.findings.map((f, i) => (
              <li key={i} className="rounded-md border border-stone-200 bg-white p-3">
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <p className="font-medium break-words text-stone-900">{f.title}</p>
                  {f.score !== null && f.score !== undefined ? (
                    <span className="shrink-0 rounded-full bg-teal-50 px-2 py-0.5 text-xs font-medium text-teal-900 ring-1 ring-teal-200 ring-inset">Score {Math.round(f.score)}</span>
                  ) : null}
                </div>
                {f.detail ? <p className="mt-1 text-sm break-words whitespace-pre-wrap text-stone-700">{f.detail}</p> : null}
                {f.records.length > 0 ? (
                  <div className="mt-2">
                    <RecordChips workspaceId={workspaceId} records={f.records.map((r) => parseRecordRef(r, run.records)).filter((r): r is CitedRecord => r !== null)} label={`Records for: ${f.title}`} />
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {proposalIds.length > 0 ? (
        <section>
          <Heading className="text-sm font-semibold text-stone-900">Proposed for your approval</Heading>
          <div className="mt-2 space-y-3">
            {proposalIds.map((id) => (
              <RunProposal key={id} workspaceId={workspaceId} proposalId={id} headingLevel={4} />
            ))}
          </div>
        </section>
      ) : run.status === 'succeeded' ? (
        <p className="text-sm text-stone-600">Nothing was proposed for approval.</p>
      ) : null}
    </div>
  );
}

function RunProposal({ workspaceId, proposalId, headingLevel }: { workspaceId: string; proposalId: string; headingLevel: 3 | 4 }) {
  const proposal = useProposal(workspaceId, proposalId);
  const { hasAi } = useAiRole(workspaceId);
  if (proposal.isPending) return <SkeletonList rows={1} label="Loading the proposal…" />;
  if (proposal.isError) return <ErrorAlert>{errorMessage(proposal.error)}</ErrorAlert>;
  return <ProposalCard workspaceId={workspaceId} proposal={proposal.data} canDecide={hasAi} showAgent={false} headingLevel={headingLevel} />;
}
