import type { z } from 'zod';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import type { Services } from '../../../platform/services';
import type { AgentName, CitedRecord, RunEvent } from '../agents.contract';

/**
 * The records a run has read, with their labels. Only these may be cited in an answer, and
 * only these are listed as the records a model call used (AI-3, AI-4).
 */
export class RecordBook {
  private readonly byKey = new Map<string, CitedRecord>();

  add(type: CitedRecord['type'], id: string, label: string): void {
    const key = `${type}/${id}`.toLowerCase();
    if (!this.byKey.has(key)) this.byKey.set(key, { type, id, label: label.slice(0, 200) || '(no name)' });
  }

  has(ref: string): boolean {
    return this.byKey.has(ref.toLowerCase());
  }

  get(ref: string): CitedRecord | undefined {
    return this.byKey.get(ref.toLowerCase());
  }

  all(): CitedRecord[] {
    return [...this.byKey.values()];
  }

  seed(records: CitedRecord[]): void {
    for (const r of records) this.add(r.type, r.id, r.label);
  }
}

/** What a tool runs with: the caller's context and role (so RLS and visibility apply), and the run. */
export interface ToolEnv {
  services: Services;
  ctx: WorkspaceContext;
  run: { id: string; agent: AgentName | 'brain' };
  step: number;
  records: RecordBook;
  emit(event: RunEvent): void;
  /** Whether the workspace replaces emails and phone numbers in what is sent to a provider (AI-6). */
  redact: boolean;
}

export interface ToolOutcome {
  /** What goes back to the model: plain text reads best for every provider. */
  output: string;
  /** One line for the run's log in the UI. */
  summary: string;
}

/**
 * AI-2: a typed tool. Its input is validated with zod before it runs; a bad input goes back to
 * the model as an error to correct, never to the database. `changes` marks tools that propose
 * outward or changing actions (AI-5): those create proposals, they never act directly.
 */
export interface AgentTool<I = any> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  changes: boolean;
  run(input: I, env: ToolEnv): Promise<ToolOutcome>;
}

export const defineTool = <I>(tool: AgentTool<I>): AgentTool<I> => tool;
