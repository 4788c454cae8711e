import { z } from 'zod';
import { filterOps } from '../views/views.contract';

/**
 * The read tools' names, descriptions and zod inputs, with no server code: the server's tools
 * are built on them, and the browser-key mode (AI-1) declares the same tools to the provider
 * from the browser and runs them on the server through POST /brain/tools/:tool.
 */
const recordType = z.enum(['contacts', 'companies', 'deals']);

const conditionSchema = z.strictObject({
  field: z.string().min(1).max(80).describe('A field key, e.g. state, lifecycle, stage, status, amount, lastActivityAt, tags, custom.<key>'),
  op: z.enum(filterOps),
  value: z.unknown().optional().describe('A value, a list for in/has_any, {from,to} for between, a number of days for *_days'),
});

export const findRecordsSpec = {
  name: 'find_records',
  description:
    'List contacts, companies or deals matching conditions (the same filters as saved views). ' +
    'Examples: open deals with no activity for 14 days: object=deals, conditions=[{field:"status",op:"eq",value:"open"},{field:"lastActivityAt",op:"older_than_days",value:14}]. ' +
    'Companies in Texas: object=companies, conditions=[{field:"state",op:"in",value:["TX","Texas"]}]. Deals of some companies: {field:"company",op:"in",value:[ids]}.',
  input: z.strictObject({
    object: recordType,
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(conditionSchema).max(10).default([]),
    sort: z.strictObject({ field: z.string().min(1).max(80), direction: z.enum(['asc', 'desc']) }).optional(),
    limit: z.number().int().min(1).max(25).default(10),
  }),
};

export const getRecordSpec = {
  name: 'get_record',
  description: 'Read one contact, company or deal: its fields, its contact and company, and its recent timeline (notes, calls, emails, meetings, tasks).',
  input: z.strictObject({ type: recordType, id: z.uuid() }),
};

export const searchRecordsSpec = {
  name: 'search_records',
  description: 'Fuzzy search contacts, companies and deals by name, email, phone or domain (typos are fine).',
  input: z.strictObject({ query: z.string().trim().min(2).max(200), types: z.array(recordType).min(1).max(3).default(['contacts', 'companies', 'deals']) }),
};

export const pipelineSummarySpec = {
  name: 'pipeline_summary',
  description:
    'Every pipeline and stage with its id, probability, open deals and their amount, deals won and lost in the last 90 days, and the average age of open deals. Use stage ids from here to propose moving a deal.',
  input: z.strictObject({}),
};

export const searchTimelineSpec = {
  name: 'search_timeline',
  description:
    'Full-text search of notes, calls, emails, meetings and tasks (e.g. "demo", "pricing objection"), newest first, with the records each item is on. Optionally only one kind, or only items within the last N days.',
  input: z.strictObject({
    query: z.string().trim().min(2).max(200),
    kind: z.enum(['note', 'call', 'email', 'meeting', 'task']).optional(),
    withinDays: z.number().int().min(1).max(3650).optional(),
    limit: z.number().int().min(1).max(30).default(15),
  }),
};

/** The brain's tools, in the order they are offered. */
export const brainToolSpecs = [searchTimelineSpec, findRecordsSpec, searchRecordsSpec, getRecordSpec, pipelineSummarySpec] as const;
export const brainToolNames = brainToolSpecs.map((s) => s.name) as [string, ...string[]];
