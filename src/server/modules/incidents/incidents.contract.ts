import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max);

export const incidentParams = z.strictObject({ workspaceId: z.uuid(), incidentId: z.uuid('Not an incident id.') });

export const createIncidentBody = z.strictObject({
  title: text(200).min(1, 'Give the incident a title.'),
  discoveredAt: z.iso.datetime({ offset: true }).max(40),
  nature: text(5000).min(1, 'Say what happened.'),
  consequences: text(5000).default(''),
  measures: text(5000).default(''),
  guidance: text(5000).default(''),
  contactPoint: text(500).min(1, 'Name who people can contact about it.'),
  /** Data registry tables whose kinds of data were involved. */
  categories: z.array(z.string().min(1).max(63)).max(100).default([]),
  scopeKind: z.enum(['all_users', 'selected']).default('selected'),
  userIds: z.array(z.uuid()).max(10_000).default([]),
  contactIds: z.array(z.uuid()).max(100_000).default([]),
});

export const updateIncidentBody = z.strictObject({
  title: text(200).min(1).optional(),
  discoveredAt: z.iso.datetime({ offset: true }).max(40).optional(),
  nature: text(5000).min(1).optional(),
  consequences: text(5000).optional(),
  measures: text(5000).optional(),
  guidance: text(5000).optional(),
  contactPoint: text(500).min(1).optional(),
  categories: z.array(z.string().min(1).max(63)).max(100).optional(),
  scopeKind: z.enum(['all_users', 'selected']).optional(),
  userIds: z.array(z.uuid()).max(10_000).optional(),
  contactIds: z.array(z.uuid()).max(100_000).optional(),
});

export const incidentSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    discoveredAt: z.string(),
    nature: z.string(),
    consequences: z.string(),
    measures: z.string(),
    guidance: z.string(),
    contactPoint: z.string(),
    categories: z.array(z.string()),
    scopeKind: z.enum(['all_users', 'selected']),
    userIds: z.array(z.uuid()),
    contactIds: z.array(z.uuid()),
    /** 72 hours after discovery: when the people affected must have been told. */
    deadlineAt: z.string(),
    notifiedAt: z.string().nullable(),
    notifiedCount: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'BreachIncident' });

export const incidentList = z.object({ incidents: z.array(incidentSchema), now: z.string() });

export const dataCategoryList = z.object({ categories: z.array(z.object({ key: z.string(), description: z.string() })) });

export const noticePreview = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  /** People the notice goes to (members and contacts with an email address), counted once each. */
  recipients: z.number().int(),
  affectedUsers: z.number().int(),
  affectedContacts: z.number().int(),
});

export type Incident = z.infer<typeof incidentSchema>;
export type NoticePreview = z.infer<typeof noticePreview>;
