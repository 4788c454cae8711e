import { z } from 'zod';
import { emailSchema, nameSchema } from '../accounts/accounts.contract';

export const roleSchema = z.enum(['owner', 'admin', 'staff', 'client']);

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const territorySchema = z.strictObject({
  zipCodes: z.array(z.string().trim().min(1).max(20)).max(5000).default([]),
  cities: z.array(z.string().trim().min(1).max(100)).max(1000).default([]),
  states: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
});

const timeZoneSchema = z.string().max(64, 'Unknown time zone.').refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Unknown time zone.');

/** WS-1: the business profile. */
export const businessProfileFields = {
  name: z.string().trim().min(1, 'Enter the business name.').max(120),
  legalName: optionalText(200),
  /** GSTIN in India, EIN, VAT number … free-form, validated where the country is known. */
  taxId: optionalText(50),
  category: optionalText(100),
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  postalCode: optionalText(20),
  country: z.string().trim().regex(/^[A-Z]{2}$/, 'Use a two-letter country code such as US or IN.').nullable().optional(),
  timeZone: timeZoneSchema.optional(),
  currency: z.string().trim().regex(/^[A-Z]{3}$/, 'Use a three-letter currency code such as USD or INR.').optional(),
  mailingAddress: optionalText(500),
  territory: territorySchema.optional(),
};

const gstin = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;
const checkTaxId = (v: { country?: string | null; taxId?: string | null }, ctx: z.RefinementCtx) => {
  if (v.country === 'IN' && v.taxId && !gstin.test(v.taxId)) {
    ctx.addIssue({ code: 'custom', path: ['taxId'], message: 'A GSTIN has 15 characters, like 29ABCDE1234F1Z5.' });
  }
};

export const createWorkspaceBody = z.strictObject(businessProfileFields).superRefine(checkTaxId);
export const updateWorkspaceBody = z.strictObject(businessProfileFields).partial().superRefine(checkTaxId);

export const workspaceSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    legalName: z.string().nullable(),
    taxId: z.string().nullable(),
    category: z.string().nullable(),
    addressLine1: z.string().nullable(),
    addressLine2: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
    timeZone: z.string(),
    currency: z.string(),
    mailingAddress: z.string().nullable(),
    territory: z.object({ zipCodes: z.array(z.string()), cities: z.array(z.string()), states: z.array(z.string()) }),
    createdAt: z.string(),
    updatedAt: z.string(),
    role: roleSchema,
  })
  .meta({ id: 'Workspace' });

export const workspaceParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const memberParams = z.strictObject({ workspaceId: z.uuid(), userId: z.uuid('Not a user id.') });
export const invitationParams = z.strictObject({ workspaceId: z.uuid(), invitationId: z.uuid('Not an invitation id.') });
export const invitationTokenParams = z.strictObject({ token: z.string().min(20).max(200) });

export const memberSchema = z
  .object({ userId: z.uuid(), name: z.string(), email: z.string(), role: roleSchema, joinedAt: z.string(), twoFactorEnabled: z.boolean() })
  .meta({ id: 'Member' });
export const changeRoleBody = z.strictObject({ role: roleSchema });

export const createInvitationBody = z.strictObject({ email: emailSchema, role: roleSchema });
export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: roleSchema,
    status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
    expiresAt: z.string(),
    createdAt: z.string(),
    invitedByName: z.string().nullable(),
  })
  .meta({ id: 'Invitation' });

export const invitationPreviewSchema = z
  .object({ workspaceName: z.string(), inviterName: z.string().nullable(), email: z.string(), role: roleSchema, expiresAt: z.string(), accountExists: z.boolean() })
  .meta({ id: 'InvitationPreview' });
/** A newcomer with no account asks for a sign-in code to the invited address (AUTH-2, WS-2). */
export const invitationCodeBody = z.strictObject({
  name: nameSchema.optional(),
  ageConfirmed: z.literal(true, { message: 'Kestrel is for people 18 and over; please confirm.' }).optional(),
});

export type Workspace = z.infer<typeof workspaceSchema>;
export type Member = z.infer<typeof memberSchema>;
export type Invitation = z.infer<typeof invitationSchema>;
