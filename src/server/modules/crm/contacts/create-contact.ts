import type { Db, Tx } from '../../../platform/db/database';
import { withTenantReading, type FirstRead, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Contact, CreateContactInput } from '../crm.contract';
import { contacts } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors, normaliseEmails, normalisePhones } from '../normalise';
import { checkCompany, checkOwner, workspaceDefaults } from '../records';
import { loadTerritoryMatcher } from '../../rules/territories';
import { rescoreContacts } from '../../rules/scoring';
import { findContactRow, presentContact } from './get-contact';
import { consume } from '../../billing';

/** CRM-1: a new contact, owned by its creator unless another owner is named. */
export async function createContact(db: Db, ctx: WorkspaceContext, input: CreateContactInput): Promise<Contact> {
  // Issue 14: the workspace's defaults are read in the round trip of BEGIN and the scope.
  return withTenantReading(db, ctx, defaultsRead(ctx), async (tx, [ws]) => {
    // The caller is a team member of this workspace: their role was read with the session in this
    // request, and only team roles may create contacts.
    const defaults = { region: ws?.country ?? null, callerIsMember: true };
    return presentContact(tx, ctx, (await findContactRow(tx, ctx, await insertContact(tx, ctx, input, defaults)))!);
  });
}

/** workspaceDefaults as the first read of the transaction: the text holds nothing but the checked workspace id. */
function defaultsRead(ctx: WorkspaceContext): FirstRead<{ country: string | null; currency: string }> {
  return {
    text: (workspaceId) => `SELECT country, currency FROM workspaces WHERE id = '${workspaceId}'`,
    fallback: async (tx) => {
      const { region, currency } = await workspaceDefaults(tx, ctx);
      return [{ country: region, currency }];
    },
  };
}

/** The same use case inside a caller's transaction (a booking makes its attendee a contact, BOOK-5); returns the new id. */
export async function insertContact(tx: Tx, ctx: WorkspaceContext, input: CreateContactInput, defaults?: { region: string | null; callerIsMember?: boolean }): Promise<string> {
  const errors = new FieldErrors();
  const { region } = defaults ?? (await workspaceDefaults(tx, ctx));
  const emails = normaliseEmails(input.emails ?? []);
  const phones = normalisePhones(input.phones ?? [], region, 'phones', errors);
  // CRM-10: without a named owner, the first matching territory rule decides, else the creator.
  const ownerUserId = input.ownerUserId === undefined ? ((await loadTerritoryMatcher(tx, ctx.workspaceId))(input) ?? ctx.userId) : input.ownerUserId;
  // A caller known to be a team member (createContact) owning what they create needs no second
  // look-up; other callers (bookings, inbound mail) are checked as before.
  if (!(defaults?.callerIsMember && ownerUserId === ctx.userId && ctx.role !== 'client')) await checkOwner(tx, ctx, ownerUserId, errors);
  await checkCompany(tx, ctx, input.companyId, errors);
  const custom = await checkCustomValues(tx, ctx, 'contacts', input.custom, null, region, errors);
  errors.throwIfAny();
  // BILL-1: within the plan's contacts, or 402.
  await consume(tx, ctx.workspaceId, 'contacts', 1);
  const [row] = await tx
    .insert(contacts)
    .values({ ...input, workspaceId: ctx.workspaceId, emails, email: emails[0] ?? null, phones, phone: phones[0] ?? null, ownerUserId, custom })
    .returning();
  await rescoreContacts(tx, ctx.workspaceId, [row!.id]);
  return row!.id;
}
