import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Contact, CreateContactInput } from '../crm.contract';
import { contacts } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors, normaliseEmails, normalisePhones } from '../normalise';
import { checkCompany, checkOwner, workspaceDefaults } from '../records';
import { loadTerritoryMatcher } from '../../rules/territories';
import { rescoreContacts } from '../../rules/scoring';
import { findContactRow, presentContact } from './get-contact';
import { consume } from '../../billing/limits';

/** CRM-1: a new contact, owned by its creator unless another owner is named. */
export async function createContact(db: Db, ctx: WorkspaceContext, input: CreateContactInput): Promise<Contact> {
  return withTenant(db, ctx, async (tx) => presentContact(tx, ctx, (await findContactRow(tx, ctx, await insertContact(tx, ctx, input)))!));
}

/** The same use case inside a caller's transaction (a booking makes its attendee a contact, BOOK-5); returns the new id. */
export async function insertContact(tx: Tx, ctx: WorkspaceContext, input: CreateContactInput): Promise<string> {
  const errors = new FieldErrors();
  const { region } = await workspaceDefaults(tx, ctx);
  const emails = normaliseEmails(input.emails ?? []);
  const phones = normalisePhones(input.phones ?? [], region, 'phones', errors);
  // CRM-10: without a named owner, the first matching territory rule decides, else the creator.
  const ownerUserId = input.ownerUserId === undefined ? ((await loadTerritoryMatcher(tx, ctx.workspaceId))(input) ?? ctx.userId) : input.ownerUserId;
  await checkOwner(tx, ctx, ownerUserId, errors);
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
