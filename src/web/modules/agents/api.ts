import type { z } from 'zod';
import type {
  AgentInfo,
  AgentName,
  AgentRun,
  AgentRunSummary,
  AgentSettings,
  agentRunPageSchema,
  CitedRecord,
  Proposal,
  ProposalKind,
  proposalPageSchema,
  ProposalStatus,
  RunEvent,
  RunStatus,
  StartRunBody,
  SubjectType,
} from '../../../server/modules/agents/agents.contract';
import { api, request } from '../../lib/api';
import { formatCost } from '../ai/api';

export type { AgentFinding, AgentInfo, AgentName, AgentRun, AgentRunSummary, AgentSettings, CitedRecord, CreateTasksPayload, MoveDealPayload, Proposal, ProposalKind, ProposalStatus, RunEvent, RunStatus, SendEmailPayload, SendMessagePayload, StartRunBody, SubjectType, UpdateContactPayload } from '../../../server/modules/agents/agents.contract';
export { agentNames, proposalStatuses, sendEmailPayload } from '../../../server/modules/agents/agents.contract';

export type RunPage = z.infer<typeof agentRunPageSchema>;
export type ProposalPage = z.infer<typeof proposalPageSchema>;

const ws = (w: string) => `/api/workspaces/${encodeURIComponent(w)}`;

export const agentKeys = {
  all: (w: string) => ['agents', w] as const,
  list: (w: string) => ['agents', w, 'list'] as const,
  settings: (w: string) => ['agents', w, 'settings'] as const,
  runs: (w: string) => ['agents', w, 'runs'] as const,
  runList: (w: string, filters: RunFilters) => ['agents', w, 'runs', 'list', filters] as const,
  run: (w: string, id: string) => ['agents', w, 'runs', 'one', id] as const,
  approvals: (w: string) => ['approvals', w] as const,
  approvalList: (w: string, filters: ProposalFilters) => ['approvals', w, 'list', filters] as const,
  pendingCount: (w: string) => ['approvals', w, 'pending-count'] as const,
  proposal: (w: string, id: string) => ['approvals', w, 'one', id] as const,
};

export interface RunFilters {
  agent?: AgentName | undefined;
  subjectType?: SubjectType | undefined;
  subjectId?: string | undefined;
}

export interface ProposalFilters {
  status: ProposalStatus;
  agent?: AgentName | undefined;
  runId?: string | undefined;
}

export const runsPath = (w: string, agent: AgentName) => `${ws(w)}/agents/${encodeURIComponent(agent)}/runs`;

export const fetchAgents = (w: string) => api.get<{ agents: AgentInfo[] }>(`${ws(w)}/agents`);
export const fetchAgentSettings = (w: string) => api.get<AgentSettings>(`${ws(w)}/agents/settings`);
export const updateAgentSettings = (w: string, body: AgentSettings) => request<AgentSettings>('PUT', `${ws(w)}/agents/settings`, { body });

export const fetchRuns = (w: string, filters: RunFilters & { cursor?: string | undefined; limit?: number }) =>
  api.get<RunPage>(`${ws(w)}/agents/runs`, { query: { ...filters } });
export const fetchRun = (w: string, id: string) => api.get<AgentRun>(`${ws(w)}/agents/runs/${encodeURIComponent(id)}`);
export const cancelRun = (w: string, id: string) => api.post<AgentRun>(`${ws(w)}/agents/runs/${encodeURIComponent(id)}/cancel`);
/** Without the event-stream header: the run answers 202 at once when it goes to the background. */
export const startRun = (w: string, agent: AgentName, body: StartRunBody) => api.post<AgentRun>(runsPath(w, agent), body);

export const fetchProposals = (w: string, filters: ProposalFilters & { cursor?: string | undefined; limit?: number }) =>
  api.get<ProposalPage>(`${ws(w)}/approvals`, { query: { ...filters } });
export const fetchProposal = (w: string, id: string) => api.get<Proposal>(`${ws(w)}/approvals/${encodeURIComponent(id)}`);
export const approveProposal = (w: string, id: string, payload?: Record<string, unknown>) =>
  api.post<Proposal>(`${ws(w)}/approvals/${encodeURIComponent(id)}/approve`, payload ? { payload } : {});
export const rejectProposal = (w: string, id: string, note?: string) => api.post<Proposal>(`${ws(w)}/approvals/${encodeURIComponent(id)}/reject`, note ? { note } : {});

// ---------------------------------------------------------------- words for people

export const agentLabels: Record<AgentName, string> = { hunter: 'Hunter', closer: 'Closer', recovery: 'Recovery', strategist: 'Strategist', forge: 'Forge' };

export const runStatusLabels: Record<RunStatus, string> = { running: 'Running', succeeded: 'Done', failed: 'Failed', cancelled: 'Stopped' };
export const runStatusClass: Record<RunStatus, string> = {
  running: 'bg-sky-50 text-sky-900 ring-sky-200',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  cancelled: 'bg-stone-100 text-stone-700 ring-stone-200',
};

export const proposalKindLabels: Record<ProposalKind, string> = { send_email: 'Send an email', move_deal: 'Move a deal', create_tasks: 'Create tasks', update_contact: 'Update a contact', send_message: 'Send a message', save_template: 'Save an email template', save_call_script: 'Save a call script', save_sequence: 'Save a draft sequence' };
export const proposalStatusLabels: Record<ProposalStatus, string> = { pending: 'Waiting for approval', approved: 'Approved', rejected: 'Rejected', failed: 'Failed' };
export const proposalStatusClass: Record<ProposalStatus, string> = {
  pending: 'bg-amber-50 text-amber-900 ring-amber-200',
  approved: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  rejected: 'bg-stone-100 text-stone-700 ring-stone-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
};

const toolLabels: Record<string, string> = {
  get_record: 'Read a record',
  find_records: 'Looked up records',
  search_records: 'Searched records',
  search_timeline: 'Searched the timeline',
  semantic_search: 'Searched by meaning',
  pipeline_summary: 'Summarised the pipeline',
  propose_email: 'Drafted an email',
  propose_deal_move: 'Proposed a stage move',
  propose_tasks: 'Proposed tasks',
  propose_template: 'Proposed an email template',
  propose_call_script: 'Proposed a call script',
};
export const toolLabel = (name: string) => toolLabels[name] ?? name.replaceAll('_', ' ');

/** `deals/0190…` → the record, with its label when the run read it. */
export function parseRecordRef(ref: string, known: CitedRecord[]): CitedRecord | null {
  const [type, id] = ref.split('/');
  if (!id || (type !== 'contacts' && type !== 'companies' && type !== 'deals')) return null;
  return known.find((r) => r.type === type && r.id.toLowerCase() === id.toLowerCase()) ?? { type, id, label: `${type.slice(0, -1)} ${id.slice(0, 8)}` };
}

export const proposalIdsOf = (events: RunEvent[]) => [...new Set(events.flatMap((e) => (e.type === 'proposal' ? [e.proposalId] : [])))];

export function runDuration(run: Pick<AgentRunSummary, 'startedAt' | 'finishedAt'>): string | null {
  if (!run.finishedAt) return null;
  const seconds = (new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** "1,234 tokens · $0.0021" */
export function formatRunCost(run: Pick<AgentRunSummary, 'tokensIn' | 'tokensOut' | 'costUsd'>): string {
  const cost = run.costUsd === null ? 'cost unknown' : formatCost(run.costUsd);
  return `${(run.tokensIn + run.tokensOut).toLocaleString()} tokens · ${cost}`;
}
