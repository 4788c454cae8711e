import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Contact, UpdateContactInput } from '../crm.contract';
import { contacts } from '../crm.schema';
import { checkCustomValues } from '../custom-values';
import { FieldErrors, normaliseEmails, normalisePhones } from '../normalise';
import { checkCompany, checkOwner, versionConflict, workspaceDefaults } from '../records';
import { rescoreContacts } from '../../rules/scoring';
import { findContactRow, presentContact } from './get-contact';
import { assertRecordAccess } from '../visibility';

/**
 * CRM-1: changes the fields given. The body names the version it was based on; when someone
 * saved in between, nothing is written and the caller gets 409 with the current record.
 */
export async function updateContact(db: Db, ctx: WorkspaceContext, id: string, input: UpdateContactInput): Promise<Contact> {
  return withTenant(db, ctx, async (tx) => {
    const before = await findContactRow(tx, ctx, id, { lock: true });
    if (!before) throw notFound('Contact');
    await assertRecordAccess(tx, ctx, 'contacts', id, 'write');
    if (before.version !== input.version) throw versionConflict('contact', await presentContact(tx, ctx, before));
    const { version, custom: customInput, emails: emailsInput, phones: phonesInput, ...fields } = input;
    const errors = new FieldErrors();
    const { region } = await workspaceDefaults(tx, ctx);
    const emails = emailsInput === undefined ? undefined : normaliseEmails(emailsInput);
    const phones = phonesInput === undefined ? undefined : normalisePhones(phonesInput, region, 'phones', errors);
    if (fields.ownerUserId !== before.ownerUserId) await checkOwner(tx, ctx, fields.ownerUserId, errors);
    if (fields.companyId !== before.companyId) await checkCompany(tx, ctx, fields.companyId, errors);
    const custom = customInput === undefined ? undefined : await checkCustomValues(tx, ctx, 'contacts', customInput, before.custom, region, errors);
    errors.throwIfAny();
    const [row] = await tx
      .update(contacts)
      .set({
        ...fields,
        ...(emails ? { emails, email: emails[0] ?? null } : {}),
        ...(phones ? { phones, phone: phones[0] ?? null } : {}),
        ...(custom ? { custom } : {}),
        version: version + 1,
        updatedAt: new Date(),
      })
      .where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, id)))
      .returning();
    await rescoreContacts(tx, ctx.workspaceId, [id]);
    return presentContact(tx, ctx, (await findContactRow(tx, ctx, row!.id))!);
  });
}
