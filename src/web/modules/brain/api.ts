import type { BrainMessage, BrainStatus, Conversation, ConversationSummary, SemanticIndex } from '../../../server/modules/brain/brain.contract';
import { api } from '../../lib/api';

export type { BrainMessage, BrainStatus, Conversation, ConversationSummary, SemanticIndex } from '../../../server/modules/brain/brain.contract';
export type { CitedRecord, RunEvent } from '../../../server/modules/agents/agents.contract';
export { askBody } from '../../../server/modules/brain/brain.contract';

/** What a question comes back with (streamed as the `done` event, or as the JSON answer). */
export interface AskAnswer {
  conversation: ConversationSummary;
  question: BrainMessage;
  answer: BrainMessage;
}

const brain = (w: string) => `/api/workspaces/${encodeURIComponent(w)}/brain`;

export const brainKeys = {
  all: (w: string) => ['brain', w] as const,
  status: (w: string) => ['brain', w, 'status'] as const,
  conversations: (w: string) => ['brain', w, 'conversations'] as const,
  conversation: (w: string, id: string) => ['brain', w, 'conversation', id] as const,
};

export const fetchBrainStatus = (w: string) => api.get<BrainStatus>(`${brain(w)}/status`);
export const startSemanticIndex = (w: string) => api.post<SemanticIndex>(`${brain(w)}/semantic-index`);
export const fetchConversations = (w: string) => api.get<{ items: ConversationSummary[] }>(`${brain(w)}/conversations`);
export const fetchConversation = (w: string, id: string) => api.get<Conversation>(`${brain(w)}/conversations/${encodeURIComponent(id)}`);
export const deleteConversation = (w: string, id: string) => api.delete(`${brain(w)}/conversations/${encodeURIComponent(id)}`);

/** Where a question is posted: a new conversation, or a follow-up in one. */
export const askPath = (w: string, conversationId: string | null) =>
  conversationId ? `${brain(w)}/conversations/${encodeURIComponent(conversationId)}/messages` : `${brain(w)}/conversations`;

export const exampleQuestions = [
  'Which deals in Texas have gone quiet since the demo?',
  'Which open deals are expected to close this month, and how big are they?',
  'What did customers say about pricing in the last month?',
] as const;
