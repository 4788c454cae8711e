import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo, useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/api';
import { Button } from '../../ui/Button';
import { linkClass } from '../../ui/links';
import { SkeletonList } from '../../ui/Skeleton';
import { ShareWithClient } from '../rules/ShareWithClient';
import { crmKeys, type CustomField, type Page, type RecordType, type TagSummary } from './api';
import { customFieldDefs } from './fields';
import { PropertiesPanel, type PropertySection } from './PropertiesPanel';
import { RecordSkeleton, RecordStatus, SideCard } from './RecordParts';
import { TagEditor } from './TagEditor';
import { useCrmRole, useCustomFields, useOwners } from './useCrm';
import { useRecordEditor } from './useRecordEditor';

/**
 * What the contact, company and deal pages share (CRM-1, CRM-2, CRM-3, CRM-4), so that a change
 * to one record page's loading, properties or side cards is made once for all three.
 */

const loadingLabels: Record<RecordType, string> = { contacts: 'Loading contact…', companies: 'Loading company…', deals: 'Loading deal…' };

/** One record and the workspace's custom fields for its type, with the page's loading, missing and failing states. */
export function RecordPage<R>({
  workspaceId,
  type,
  recordId,
  load,
  children,
}: {
  workspaceId: string;
  type: RecordType;
  recordId: string;
  load: (workspaceId: string, id: string) => Promise<R>;
  children: (record: R, custom: CustomField[]) => ReactNode;
}) {
  const query = useQuery({ queryKey: crmKeys.record(workspaceId, type, recordId), queryFn: () => load(workspaceId, recordId) });
  const fields = useCustomFields(workspaceId, type);
  if (query.isError) return <RecordStatus error={query.error} type={type} />;
  if (query.isPending || fields.isPending) return <RecordSkeleton label={loadingLabels[type]} />;
  return children(query.data, fields.data ?? []);
}

interface EditableRecord {
  id: string;
  version: number;
  ownerUserId: string | null;
  custom: Record<string, unknown>;
}

/**
 * A record view's start: what the person may do, the record's properties edited in place (the
 * type's own sections, then the workspace's custom fields under "More fields"), and its owner.
 */
export function useRecordView<R extends EditableRecord>({
  workspaceId,
  type,
  record,
  custom,
  sections,
  save,
  what,
}: {
  workspaceId: string;
  type: RecordType;
  record: R;
  custom: CustomField[];
  sections: PropertySection<R>[];
  save: (body: Record<string, unknown>) => Promise<R>;
  what: string;
}) {
  const { canEdit, canManage } = useCrmRole(workspaceId);
  const owners = useOwners(workspaceId);
  const customDefs = useMemo(() => customFieldDefs<R>(custom), [custom]);
  // The sections are rebuilt on every render; the fields change only when their keys do (a deal marked lost gains its reason).
  const sectionKeys = sections.map((s) => s.fields.map((f) => f.key).join(',')).join('|');
  const all = useMemo(() => [...sections.flatMap((s) => s.fields), ...customDefs], [sectionKeys, customDefs]);
  const editor = useRecordEditor<R>({ record, fields: all, queryKey: crmKeys.record(workspaceId, type, record.id), save, what });
  const shown = editor.base;
  const owner = owners.data?.find((m) => m.userId === shown.ownerUserId);
  const properties = <PropertiesPanel workspaceId={workspaceId} editor={editor} canEdit={canEdit} what={what} sections={[...sections, { title: 'More fields', fields: customDefs }]} />;
  return { canEdit, canManage, editor, shown, owner, properties };
}

/** The side column of a record: its tags first, the type's own cards, then sharing with a client. */
export function RecordSideCards({
  workspaceId,
  type,
  record,
  canEdit,
  children,
}: {
  workspaceId: string;
  type: RecordType;
  record: { id: string; tags: TagSummary[] };
  canEdit: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <SideCard title="Tags">
        <TagEditor workspaceId={workspaceId} type={type} recordId={record.id} tags={record.tags} canEdit={canEdit} queryKey={crmKeys.record(workspaceId, type, record.id)} />
      </SideCard>
      {children}
      <ShareWithClient workspaceId={workspaceId} recordType={type} recordId={record.id} />
    </>
  );
}

/** The company a contact or deal is linked to, or what to do when there is none. */
export function CompanyCard({ workspaceId, company, none }: { workspaceId: string; company: { id: string; name: string } | null; none: string }) {
  return (
    <SideCard title="Company">
      {company ? (
        <Link to="/w/$workspaceId/companies/$companyId" params={{ workspaceId, companyId: company.id }} className={linkClass}>
          {company.name}
        </Link>
      ) : (
        <p className="text-sm text-stone-500">{none}</p>
      )}
    </SideCard>
  );
}

/** Records related to this one (a company's people, a contact's deals), the 20 newest, with a quick way to add one already linked. */
export function RelatedRecords<T extends { id: string }>({
  title,
  addLabel,
  loadingLabel,
  emptyText,
  canEdit,
  query,
  item,
  createDialog,
}: {
  title: string;
  addLabel: string;
  loadingLabel: string;
  emptyText: string;
  canEdit: boolean;
  query: UseQueryResult<Page<T>>;
  item: (row: T) => ReactNode;
  createDialog: (open: boolean, onClose: () => void) => ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  return (
    <SideCard
      title={title}
      action={
        canEdit ? (
          <Button variant="ghost" size="sm" onClick={() => setCreating(true)}>
            {addLabel}
          </Button>
        ) : null
      }
    >
      {query.isPending ? (
        <SkeletonList rows={2} label={loadingLabel} />
      ) : query.isError ? (
        <p className="text-sm text-red-700">{errorMessage(query.error)}</p>
      ) : query.data.items.length === 0 ? (
        <p className="text-sm text-stone-500">{emptyText}</p>
      ) : (
        <ul className="divide-y divide-stone-100">
          {query.data.items.map((row) => (
            <li key={row.id} className="py-2">
              {item(row)}
            </li>
          ))}
          {query.data.nextCursor ? <li className="pt-2 text-xs text-stone-500">Showing the 20 newest.</li> : null}
        </ul>
      )}
      {createDialog(creating, () => setCreating(false))}
    </SideCard>
  );
}
