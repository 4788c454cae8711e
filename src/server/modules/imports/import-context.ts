import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { customFieldDefinitions } from '../crm/crm.schema';
import { workspaceProfile, workspaceMembers } from '../workspaces';
import type { ImportObject } from './imports.contract';
import type { CustomFieldInfo } from './targets';

/** What checking rows needs from the workspace, loaded once per import (or preview). */
export interface WorkspaceFacts {
  region: string | null;
  members: Map<string, string>;
  /** Members by lower-cased name, null where two share one: an export's Owner column holds names. */
  memberNames: Map<string, string | null>;
  customFields: CustomFieldInfo[];
}

export async function loadWorkspaceFacts(tx: Tx, workspaceId: string, object: ImportObject): Promise<WorkspaceFacts> {
  const ws = await workspaceProfile(tx, workspaceId);
  const team = (await workspaceMembers(tx, workspaceId, { roles: ['owner', 'admin', 'staff'] })).map((m) => ({ id: m.userId, email: m.email, name: m.name }));
  const members = new Map<string, string>();
  const memberNames = new Map<string, string | null>();
  for (const m of team) {
    members.set(m.email.toLowerCase(), m.id);
    members.set(m.id, m.id);
    const name = m.name?.normalize('NFC').toLowerCase().trim().replace(/\s+/g, ' ');
    if (name) memberNames.set(name, memberNames.has(name) && memberNames.get(name) !== m.id ? null : m.id);
  }
  const customFields =
    object === 'email_list'
      ? []
      : await tx
          .select({ key: customFieldDefinitions.key, label: customFieldDefinitions.label, type: customFieldDefinitions.type, options: customFieldDefinitions.options, required: customFieldDefinitions.required })
          .from(customFieldDefinitions)
          .where(and(eq(customFieldDefinitions.workspaceId, workspaceId), eq(customFieldDefinitions.object, object)))
          .orderBy(asc(customFieldDefinitions.position), asc(customFieldDefinitions.key));
  return { region: ws?.country ?? null, members, memberNames, customFields };
}
