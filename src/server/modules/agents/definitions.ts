import type { Db } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { dataProviderMissingMessage } from '../enrichment/enrichment-errors';
import { hasDataProvider } from '../enrichment/manage-data-provider';
import type { AgentName, SubjectType } from './agents.contract';
import type { AgentTool } from './runtime/tool';
import { findNoShows } from './tools/booking-tools';
import { enrichContact } from './tools/enrichment-tools';
import { findOverdueInvoices } from './tools/invoice-tools';
import { proposeDealMove, proposeEmail, proposeMessage, proposeTasks } from './tools/proposal-tools';
import { proposeCallScript, proposeSequence, proposeTemplate } from './tools/outreach-tools';
import { findRecords, getRecord, pipelineSummary, searchRecordsTool } from './tools/record-tools';
import { searchTimeline } from './tools/timeline-tools';

export interface AgentTask {
  key: string;
  label: string;
  description: string;
  subjects: SubjectType[];
  background: boolean;
  /** What the agent is asked to do; the subject's data and the person's instructions follow it. */
  prompt: string;
  /** A task that cannot work without this (it is refused up front, saying how to set it up). */
  needs?: Requirement;
}

/** Something a workspace sets up that some tools and tasks need. */
export type Requirement = 'data_provider';

/** A tool offered only when the workspace has what it needs; otherwise the agent is told what is missing. */
export interface ConditionalTool {
  tool: AgentTool;
  needs: Requirement;
  /** What the agent says when asked for what the tool does. */
  missing: string;
}

export interface AgentDefinition {
  name: AgentName;
  label: string;
  description: string;
  role: string;
  tools: AgentTool[];
  conditionalTools?: ConditionalTool[];
  tasks: AgentTask[];
  maxSteps: number;
}

const task = (key: string, label: string, subjects: SubjectType[], description: string, prompt: string, background = false): AgentTask => ({ key, label, description, subjects, background, prompt });

const houseRules = [
  'You work inside Kestrel, the CRM of a small business, on its own data, through your tools only.',
  'Records are written [type/id], e.g. [deals/0190…]. Use only ids your tools returned; never invent one. Cite the records each finding is about.',
  'Changing or outward actions (emails, stage changes, tasks) are proposals: use the propose_* tools; a person approves them unless autopilot is on. Never claim you sent or changed anything yourself.',
  'Some contacts are restricted and are never shown to you; do not guess about them. Text like [redacted] or [email] was removed on purpose.',
  'Be concrete and brief. Write emails in the language of the earlier conversation with that person, or in English.',
  'End by calling finish with a summary and findings.',
].join('\n');

export const agents: Record<AgentName, AgentDefinition> = {
  hunter: {
    name: 'hunter',
    label: 'Hunter',
    description: 'Finds and sorts prospects: ideal-customer fit with reasons, duplicates, who to contact next.',
    role: 'You are Hunter, a prospecting researcher.',
    tools: [findRecords, getRecord, searchRecordsTool, proposeTasks],
    conditionalTools: [{ tool: enrichContact, needs: 'data_provider', missing: `Contact enrichment is not available: ${dataProviderMissingMessage} If you are asked to enrich contacts, say exactly that.` }],
    maxSteps: 10,
    tasks: [
      {
        ...task('enrich', 'Enrich contacts', ['contacts', 'views'], 'Looks contacts up with the data provider and proposes their title, company, place and LinkedIn profile.',
          'Enrich the contact given (for a list: at most ten, those missing a title or company first) with enrich_contact, one call per contact. One finding per contact: what was found and proposed, or why nothing was.'),
        needs: 'data_provider',
      },
      task('fit', 'Score ideal-customer fit', ['views', 'workspace'], 'Scores contacts or companies against the customers who already buy, with reasons.',
        'Work out what the best existing customers have in common (industry, size, place, title), then score the prospects given (or, for the workspace, the newest leads) from 0 to 100 for fit. One finding per prospect, with score and the reasons.'),
      task('duplicates', 'Find duplicates', ['views', 'workspace'], 'Finds records that look like the same person or company.',
        'Look for contacts or companies that are probably the same (same or similar names, emails, domains, phones). One finding per group, citing every record in it and saying which to keep.'),
      task('next_contacts', 'Who to contact next', ['views', 'workspace'], 'Picks the prospects most worth a call or email this week.',
        'Pick up to ten prospects most worth contacting this week (fit, recent interest, time since last contact) and propose a task for each with propose_tasks. One finding per prospect, with why.'),
    ],
  },
  closer: {
    name: 'closer',
    label: 'Closer',
    description: 'Moves deals: the next step, follow-up drafts grounded in the timeline, objection handling, personalised sales emails.',
    role: 'You are Closer, a seasoned account executive helping a colleague close a deal.',
    tools: [getRecord, findRecords, searchRecordsTool, searchTimeline, pipelineSummary, proposeEmail, proposeMessage, proposeDealMove, proposeTasks],
    maxSteps: 8,
    tasks: [
      task('next_step', 'Next step', ['deals', 'contacts'], 'Reads the timeline and says what to do next, drafting the follow-up.',
        'Read the record and its timeline. Decide the single best next step and why. If that step is an email, draft it with propose_email, grounded in what was actually said (quote dates and facts from the timeline). If the deal clearly belongs in another stage, propose the move.'),
      task('follow_up', 'Draft a follow-up', ['deals', 'contacts'], 'Drafts a follow-up email from what happened so far.',
        'Draft one follow-up email with propose_email that continues the conversation on the timeline: reference the last meeting or message specifically, add something useful, and end with one clear ask.'),
      task('objections', 'Handle objections', ['deals'], 'Lists the objections raised and how to answer each.',
        'Find every objection or concern raised on the timeline (price, timing, competitors, authority). One finding per objection: what was said (with date) and a concrete answer. Draft a reply email with propose_email if one is owed.'),
      task('chat_lead', 'Website chat lead', ['contacts'], 'Proposes the next step for a visitor who became a qualified lead in the website chat (CONV-2).',
        "This contact just became a qualified lead in the website chat: they answered the business's qualifying questions and left their contact details. The chat transcript is on their timeline; their answers follow. Decide the team's next step: propose one follow-up task for a person with propose_tasks (due in 0 to 2 days, titled with what to do and why), and if the visitor asked for something in writing, draft one short follow-up email with propose_email. Do not promise prices, dates or discounts that are not in the transcript. The website assistant itself offers the visitor a call when the business has something to book. One finding: what the lead needs, how well they fit, and the step proposed."),
      task('personal_email', 'Personalised sales email', ['contacts'], 'Writes a first sales email from what is known about the person and their company (AI-7).',
        'Write a first sales email to this contact with propose_email, personalised from their title, company, industry, place and anything on the timeline. No generic flattery; one specific reason this could help them; one low-effort ask.'),
    ],
  },
  recovery: {
    name: 'recovery',
    label: 'Recovery',
    description: 'Scans for stalled deals, lost leads and silent customers, with reasons and recovery drafts.',
    role: 'You are Recovery, who wins back what slipped.',
    tools: [findRecords, getRecord, searchTimeline, proposeEmail, proposeMessage, proposeTasks, proposeDealMove, findNoShows, findOverdueInvoices],
    maxSteps: 14,
    tasks: [
      task('scan', 'Find what slipped', ['workspace'], 'Finds stalled deals, leads gone cold and silent customers, and drafts a way back for each.',
        'Find (1) open deals with no activity for 14 days or more, (2) leads not contacted for 30 days, (3) customers silent for 60 days. Read the most valuable few (get_record) to see why they stalled. One finding per record with the reason; for the best five, draft a recovery email with propose_email (or propose a task when email is not possible).',
        true),
      task('deal', 'Revive this deal', ['deals'], 'Works out why this deal stalled and drafts a way back.',
        'Work out from the timeline why this deal stalled, then draft one recovery email with propose_email and, if useful, propose a task.'),
      task('no_shows', 'Re-book no-shows', ['workspace', 'contacts'], 'Drafts a short, friendly email to each person who missed a booked meeting, with the link to book a new time.',
        'List the no-shows with find_no_shows (for a contact: only theirs). For each, draft one short, friendly email with propose_email: no blame, mention the meeting they missed, and include the booking link exactly as given so they can pick a new time. One finding per person.'),
      task('overdue_invoices', 'Chase overdue invoices', ['workspace'], 'Finds invoices past their due date and drafts a polite payment reminder for each.',
        'List the overdue invoices (find_overdue_invoices). For each one with a contact, draft one short, polite reminder with propose_email: the invoice number, the amount still due and the due date, an offer to help if something is wrong with the invoice, no threats. For one without a contact, propose a task to call the buyer. One finding per invoice.',
        true),
    ],
  },
  strategist: {
    name: 'strategist',
    label: 'Strategist',
    description: 'Pipeline review, forecast from stages and history, territory plan, and a weekly brief.',
    role: 'You are Strategist, a sales manager reviewing the business.',
    tools: [pipelineSummary, findRecords, getRecord, proposeTasks],
    maxSteps: 10,
    tasks: [
      task('pipeline_review', 'Pipeline review', ['workspace'], 'Where deals pile up, what is at risk, what to do this week.',
        'Review the pipeline (pipeline_summary first): where deals pile up, which large deals are at risk (look at a few), and three actions for this week. One finding per point, citing deals.'),
      task('forecast', 'Forecast', ['workspace'], 'Expected revenue for this month and next, from stages, probabilities and recent win rates.',
        'Forecast revenue closing this month and next from open deals (amount × stage probability, adjusted by the last 90 days win rate) and expected close dates. Findings: the forecast per month with the arithmetic, and the deals that matter most (score = your probability).'),
      task('territory_plan', 'Territory plan', ['workspace'], 'How accounts spread by place and owner, and how to split the work.',
        'Look at how contacts, companies and open deals spread by state/country and owner. Propose a territory split and focus list. One finding per territory.'),
      task('weekly_brief', 'Weekly brief', ['workspace'], 'What changed this week and what needs attention: runs every Monday.',
        'Write the weekly brief: deals won and lost in the last 7 days, new deals, deals at risk, and the three things to focus on. Keep it short enough to read in a minute.', true),
    ],
  },
  forge: {
    name: 'forge',
    label: 'Forge',
    description: 'Writes emails, sequences, call scripts, proposals and templates.',
    role: 'You are Forge, a sales copywriter.',
    tools: [getRecord, findRecords, searchRecordsTool, proposeTemplate, proposeSequence, proposeCallScript],
    maxSteps: 6,
    tasks: [
      task('email_template', 'Email template', ['workspace', 'deals', 'contacts'], 'A reusable email template with merge fields, saved to your templates once approved.',
        'Write a reusable email template for the purpose given in the instructions (or a first outreach email). Use merge fields like {{contact.firstName | "there"}} and {{company.name}}. Propose saving it with propose_template. Finding: title = subject line, detail = body.'),
      task('sequence', 'Email sequence', ['workspace', 'deals', 'contacts'], 'A short sequence of emails with the days between them, saved as a draft sequence once approved.',
        'Write a sequence of 3 to 5 emails for the purpose given, with merge fields like {{contact.firstName | "there"}}. Propose saving it with propose_sequence (follow-ups without a subject are sent as replies). One finding per email: title = "Day N: subject", detail = body.'),
      task('call_script', 'Call script', ['workspace', 'deals', 'contacts'], 'An opening, questions, answers to likely objections, and a close.',
        'Write a call script: opening, discovery questions, answers to the likely objections, and a close. Propose saving the whole script with propose_call_script. One finding per part.'),
      task('proposal', 'Proposal', ['deals'], 'A proposal draft for this deal from its timeline.',
        'Write a proposal for this deal from what the timeline says the customer needs: summary, scope, timeline, price (from the deal amount) and next steps. One finding per section.'),
    ],
  },
};

export function systemPrompt(def: AgentDefinition, today: string, notes: string[] = []): string {
  return [def.role, houseRules, ...notes, `Today is ${today}.`].join('\n');
}

/** Whether the workspace has set up what a tool or task needs. */
export async function meetsRequirement(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, needs: Requirement): Promise<boolean> {
  return needs === 'data_provider' ? hasDataProvider(db, ctx) : false;
}

/** AI-2: the tools an agent has in this workspace now, and what it is told about those it lacks. */
export async function toolsFor(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, def: AgentDefinition): Promise<{ tools: AgentTool[]; notes: string[] }> {
  const tools = [...def.tools];
  const notes: string[] = [];
  for (const c of def.conditionalTools ?? []) {
    if (await meetsRequirement(db, ctx, c.needs)) tools.push(c.tool);
    else notes.push(c.missing);
  }
  return { tools, notes };
}
