import { z } from 'zod';

/** Request and response shapes of the agents and approvals API (AI-2, AI-5, AI-7), shared with the web app. */

export const agentNames = ['hunter', 'closer', 'recovery', 'strategist', 'forge'] as const;
export type AgentName = (typeof agentNames)[number];
export const agentNameSchema = z.enum(agentNames, 'Choose hunter, closer, recovery, strategist or forge.');

/** What an agent can be pointed at. `workspace` means the whole workspace (Recovery's scan, Strategist's review). */
export const subjectTypes = ['contacts', 'companies', 'deals', 'views', 'workspace'] as const;
export type SubjectType = (typeof subjectTypes)[number];

export const runStatuses = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const proposalKinds = ['send_email', 'move_deal', 'create_tasks', 'update_contact', 'send_message', 'save_template', 'save_call_script', 'save_sequence'] as const;
export type ProposalKind = (typeof proposalKinds)[number];
export const proposalStatuses = ['pending', 'approved', 'rejected', 'failed'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

/** A record as the agents cite it: `deals/0190…`. */
export const recordRefText = z.string().regex(/^(contacts|companies|deals)\/[0-9a-f-]{36}$/i, 'Cite a record as type/id, e.g. deals/0190d8c2-….');

// ---------------------------------------------------------------- proposals: what an agent may ask a person to approve

const trimmed = (max: number, what: string) => z.string(`Enter ${what}.`).trim().min(1, `Enter ${what}.`).max(max, `At most ${max} characters.`);

export const sendEmailPayload = z.strictObject({
  contactId: z.uuid('Not a contact id.'),
  /** The deal the email is about, if any: the sent email goes on its timeline too. */
  dealId: z.uuid('Not a deal id.').nullable().optional(),
  subject: trimmed(300, 'a subject'),
  /** Plain text. */
  body: trimmed(20_000, 'the message'),
});
export const moveDealPayload = z.strictObject({
  dealId: z.uuid('Not a deal id.'),
  stageId: z.uuid('Not a stage id.'),
  lostReason: z.string().trim().max(500).nullable().optional(),
});
export const createTasksPayload = z.strictObject({
  tasks: z
    .array(
      z.strictObject({
        title: trimmed(300, 'a task title'),
        dueInDays: z.number().int().min(0, 'Cannot be in the past.').max(365, 'At most a year ahead.').nullable().optional(),
        recordType: z.enum(['contacts', 'companies', 'deals']),
        recordId: z.uuid('Not a record id.'),
      }),
    )
    .min(1, 'Propose at least one task.')
    .max(20, 'At most 20 tasks at once.'),
});
const optionalField = (max: number) => z.string().trim().min(1, 'Leave it out rather than empty.').max(max, `At most ${max} characters.`).optional();
/**
 * AI-2 (Hunter's enrichment): facts a data provider found about a contact, to fill in or
 * correct. The company is named (and linked to an existing company with that domain or name,
 * else created); the LinkedIn profile goes on the timeline as a note.
 */
export const updateContactPayload = z.strictObject({
  contactId: z.uuid('Not a contact id.'),
  changes: z
    .strictObject({
      title: optionalField(200),
      city: optionalField(100),
      state: optionalField(100),
      country: optionalField(100),
      companyName: optionalField(200),
      companyDomain: z.string().trim().max(253).nullable().optional(),
      linkedinUrl: z.url({ protocol: /^https?$/, message: 'Not a web address.' }).max(500).optional(),
    })
    .refine((c) => Object.values(c).some((v) => v !== undefined && v !== null), 'Propose at least one change.'),
  /** Where the facts come from, e.g. "People Data Labs". */
  source: z.string().trim().min(1).max(100),
  /** The provider's confidence in the match, 1 to 10, when it gave one. */
  likelihood: z.number().int().min(0).max(10).nullable().optional(),
});
/** A WhatsApp approved template by name and language, with its body's parameters in order. */
export const messageTemplateInput = z.strictObject({ name: z.string().trim().min(1).max(512), language: z.string().trim().min(1).max(20), params: z.array(z.string().trim().min(1).max(1000)).max(20).default([]) });
/**
 * AI-5, CONV-6: a message in an inbox conversation, sent by that conversation's channel (an email
 * reply in the thread, a WhatsApp message: free text inside the 24-hour window, else an approved template).
 */
export const sendMessagePayload = z.strictObject({
  conversationId: z.uuid('Not a conversation id.'),
  channel: z.enum(['email', 'whatsapp']),
  /** Plain text (for a template: what the customer will read is the template filled in). */
  body: z.string().trim().max(4000, 'At most 4000 characters.').default(''),
  template: messageTemplateInput.optional(),
}).refine((p) => p.body.length > 0 || p.template, { message: 'Enter the message.', path: ['body'] });
/**
 * AI-2: an email template Forge wrote, saved to outreach's templates once approved. Plain text with
 * Kestrel's merge fields (`{{contact.firstName | "there"}}`); an unknown field is refused by name.
 */
export const saveTemplatePayload = z.strictObject({
  name: trimmed(120, 'a template name'),
  subject: trimmed(250, 'a subject'),
  body: trimmed(20_000, 'the body'),
  stream: z.enum(['marketing', 'transactional']).default('marketing'),
});
/** AI-2: a call script Forge wrote (opening, questions, objections, close), kept with the templates as a call script. */
export const saveCallScriptPayload = z.strictObject({ name: trimmed(120, 'a script name'), body: trimmed(20_000, 'the script') });
/**
 * AI-2, MAIL-2: a sequence Forge wrote: each step's email in plain text with merge fields and the days
 * after the step before. Once approved each step is saved as a marketing template and the sequence is
 * made as a draft (it enrols nobody until a person makes it active). A follow-up without a subject is
 * sent as a reply to the first mail.
 */
export const saveSequencePayload = z.strictObject({
  name: trimmed(200, 'a sequence name'),
  steps: z
    .array(
      z.strictObject({
        delayDays: z.number().int().min(0).max(365),
        subject: z.string().trim().max(250).optional(),
        body: trimmed(20_000, 'the email'),
      }),
    )
    .min(1, 'Write at least one email.')
    .max(10, 'At most 10 emails.')
    .refine((s) => !!s[0]?.subject, { message: 'The first email needs a subject.', path: [0, 'subject'] }),
});
export const proposalPayloads = { send_email: sendEmailPayload, move_deal: moveDealPayload, create_tasks: createTasksPayload, update_contact: updateContactPayload, send_message: sendMessagePayload, save_template: saveTemplatePayload, save_call_script: saveCallScriptPayload, save_sequence: saveSequencePayload } as const;
export type SaveTemplatePayload = z.infer<typeof saveTemplatePayload>;
export type SaveCallScriptPayload = z.infer<typeof saveCallScriptPayload>;
export type SaveSequencePayload = z.infer<typeof saveSequencePayload>;
export type SendEmailPayload = z.infer<typeof sendEmailPayload>;
export type MoveDealPayload = z.infer<typeof moveDealPayload>;
export type CreateTasksPayload = z.infer<typeof createTasksPayload>;
export type UpdateContactPayload = z.infer<typeof updateContactPayload>;
export type SendMessagePayload = z.infer<typeof sendMessagePayload>;
export type ProposalPayload = SendEmailPayload | MoveDealPayload | CreateTasksPayload | UpdateContactPayload | SendMessagePayload;

// ---------------------------------------------------------------- an agent's answer (zod-validated structured output)

export const agentFindingSchema = z.strictObject({
  title: z.string().trim().min(1).max(300),
  detail: z.string().trim().max(8000).default(''),
  /** The records this finding is about, as `type/id`; only records the agent actually read are kept. */
  records: z.array(recordRefText).max(50).default([]),
  /** Hunter's fit score, Strategist's probability…: 0 to 100 when the finding has one. */
  score: z.number().min(0).max(100).nullable().optional(),
});
export const agentResultSchema = z.strictObject({
  summary: z.string().trim().min(1, 'Write a summary.').max(8000),
  findings: z.array(agentFindingSchema).max(100).default([]),
});
export type AgentFinding = z.infer<typeof agentFindingSchema>;
export type AgentResult = z.infer<typeof agentResultSchema>;

// ---------------------------------------------------------------- params and bodies

export const agentsParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const agentParams = z.strictObject({ workspaceId: z.uuid(), agent: agentNameSchema });
export const runParams = z.strictObject({ workspaceId: z.uuid(), runId: z.uuid('Not an agent run id.') });
export const proposalParams = z.strictObject({ workspaceId: z.uuid(), proposalId: z.uuid('Not a proposal id.') });

export const startRunBody = z.strictObject({
  /** One of the agent's tasks (see GET /agents). */
  task: z.string('Choose a task.').trim().min(1, 'Choose a task.').max(60),
  subject: z.strictObject({ type: z.enum(subjectTypes), id: z.uuid('Not a record id.').nullable().optional() }).optional(),
  /** Anything the person wants the agent to keep in mind ("they asked about pricing"). */
  instructions: z.string().trim().max(2000, 'At most 2,000 characters.').optional(),
  /** Run as a background job instead of streaming the answer back (long scans). */
  background: z.boolean().optional(),
});
export type StartRunBody = z.infer<typeof startRunBody>;

export const listRunsQuery = z.strictObject({
  agent: agentNameSchema.optional(),
  subjectType: z.enum(subjectTypes).optional(),
  subjectId: z.uuid().optional(),
  cursor: z.uuid('Not a cursor.').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const listProposalsQuery = z.strictObject({
  status: z.enum(proposalStatuses).default('pending'),
  agent: agentNameSchema.optional(),
  runId: z.uuid().optional(),
  cursor: z.uuid('Not a cursor.').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** Approve as proposed, or with the person's edits (checked like the agent's proposal). */
export const approveProposalBody = z.strictObject({ payload: z.record(z.string(), z.unknown()).optional() });
export const rejectProposalBody = z.strictObject({ note: z.string().trim().max(1000, 'At most 1,000 characters.').optional() });

export const updateAgentSettingsBody = z.strictObject({
  /** AI-5: agents whose proposals are carried out without waiting for approval. */
  autopilot: z.array(agentNameSchema).max(agentNames.length),
  /** Strategist writes the weekly brief every Monday morning (UTC). */
  weeklyBrief: z.boolean('Choose on or off.'),
});

// ---------------------------------------------------------------- responses

export const agentTaskSchema = z.object({
  key: z.string(),
  label: z.string(),
  description: z.string(),
  /** What the task runs on; `workspace` needs no record. */
  subjects: z.array(z.enum(subjectTypes)),
  /** Long scans run as a background job by default. */
  background: z.boolean(),
});
export const agentInfoSchema = z.object({
  name: agentNameSchema,
  label: z.string(),
  description: z.string(),
  tasks: z.array(agentTaskSchema),
  tools: z.array(z.object({ name: z.string(), description: z.string(), changes: z.boolean() })),
  autopilot: z.boolean(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;
export const agentListSchema = z.object({ agents: z.array(agentInfoSchema) });

export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), step: z.number().int(), at: z.string() }),
  z.object({ type: z.literal('text'), step: z.number().int(), text: z.string() }),
  z.object({ type: z.literal('tool'), step: z.number().int(), tool: z.string(), input: z.unknown(), ok: z.boolean(), summary: z.string() }),
  z.object({ type: z.literal('proposal'), step: z.number().int(), proposalId: z.string(), kind: z.enum(proposalKinds), status: z.enum(proposalStatuses) }),
  z.object({ type: z.literal('call'), step: z.number().int(), callId: z.string() }),
]);
export type RunEvent = z.infer<typeof runEventSchema>;

export const citedRecordSchema = z.object({ type: z.enum(['contacts', 'companies', 'deals']), id: z.string(), label: z.string() });
export type CitedRecord = z.infer<typeof citedRecordSchema>;

export const agentRunSchema = z.object({
  id: z.string(),
  agent: agentNameSchema,
  task: z.string(),
  taskLabel: z.string(),
  subjectType: z.enum(subjectTypes).nullable(),
  subjectId: z.string().nullable(),
  instructions: z.string().nullable(),
  status: z.enum(runStatuses),
  trigger: z.enum(['person', 'schedule']),
  userId: z.string().nullable(),
  steps: z.number().int(),
  result: agentResultSchema.nullable(),
  /** Every record the agent read, with a label, so findings can link to them. */
  records: z.array(citedRecordSchema),
  events: z.array(runEventSchema),
  error: z.string().nullable(),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  costUsd: z.number().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type AgentRun = z.infer<typeof agentRunSchema>;
export const agentRunSummarySchema = agentRunSchema.omit({ events: true, records: true });
export type AgentRunSummary = z.infer<typeof agentRunSummarySchema>;
export const agentRunPageSchema = z.object({ items: z.array(agentRunSummarySchema), nextCursor: z.string().nullable() });

export const proposalSchema = z.object({
  id: z.string(),
  runId: z.string(),
  agent: agentNameSchema,
  kind: z.enum(proposalKinds),
  status: z.enum(proposalStatuses),
  /** Why the agent proposes it. */
  rationale: z.string(),
  payload: z.record(z.string(), z.unknown()),
  /** What the agent proposed, when a person edited it before approving. */
  originalPayload: z.record(z.string(), z.unknown()).nullable(),
  /** Names of the records involved, for the inbox. */
  records: z.array(citedRecordSchema),
  proposedByUserId: z.string().nullable(),
  decidedByUserId: z.string().nullable(),
  decidedAt: z.string().nullable(),
  autopilot: z.boolean(),
  note: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type Proposal = z.infer<typeof proposalSchema>;
export const proposalPageSchema = z.object({ items: z.array(proposalSchema), nextCursor: z.string().nullable(), pendingCount: z.number().int() });

export const agentSettingsSchema = z.object({ autopilot: z.array(agentNameSchema), weeklyBrief: z.boolean() });
export type AgentSettings = z.infer<typeof agentSettingsSchema>;
