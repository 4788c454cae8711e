import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Button } from '../../ui/Button';
import { linkClass } from '../../ui/links';
import { SkeletonList } from '../../ui/Skeleton';
import { crmKeys, deleteCompany, fetchCompany, fetchContacts, updateCompany, type Company, type CustomField } from './api';
import { RelatedDeals } from './ContactPage';
import { CreateContactDialog } from './CreateContactDialog';
import { companyFields, customFieldDefs } from './fields';
import { contactName } from './format';
import { rememberLabel } from './RecordPicker';
import { PropertiesPanel } from './PropertiesPanel';
import { DeleteRecord, Fact, RecordFrame, RecordSkeleton, RecordStatus, SideCard } from './RecordParts';
import { ShareWithClient } from '../rules/ShareWithClient';
import { TagEditor } from './TagEditor';
import { useCrmRole, useCustomFields, useOwners } from './useCrm';
import { useRecordEditor } from './useRecordEditor';

/** CRM-2, CRM-4: one company — summary, properties edited in place, its timeline, tags, people and deals. */
export function CompanyPage() {
  const { workspaceId, companyId } = useParams({ from: '/w/$workspaceId/companies/$companyId' });
  const query = useQuery({ queryKey: crmKeys.record(workspaceId, 'companies', companyId), queryFn: () => fetchCompany(workspaceId, companyId) });
  const fields = useCustomFields(workspaceId, 'companies');
  if (query.isError) return <RecordStatus error={query.error} type="companies" />;
  if (query.isPending || fields.isPending) return <RecordSkeleton label="Loading company…" />;
  return <CompanyView workspaceId={workspaceId} company={query.data} custom={fields.data ?? []} />;
}

function CompanyView({ workspaceId, company, custom }: { workspaceId: string; company: Company; custom: CustomField[] }) {
  const { canEdit, canManage } = useCrmRole(workspaceId);
  const owners = useOwners(workspaceId);
  const customDefs = useMemo(() => customFieldDefs<Company>(custom), [custom]);
  const all = useMemo(() => [...companyFields.main, ...companyFields.address, ...customDefs], [customDefs]);
  rememberLabel(company.id, company.name);
  const editor = useRecordEditor<Company>({
    record: company,
    fields: all,
    queryKey: crmKeys.record(workspaceId, 'companies', company.id),
    save: (body) => updateCompany(workspaceId, company.id, body as Parameters<typeof updateCompany>[2]),
    what: 'Company',
  });
  const shown = editor.base;
  const owner = owners.data?.find((m) => m.userId === shown.ownerUserId);
  const place = [shown.city, shown.country].filter(Boolean).join(', ');
  return (
    <RecordFrame
      workspaceId={workspaceId}
      type="companies"
      recordId={company.id}
      title={shown.name}
      facts={
        <>
          {shown.domain ? (
            <Fact>
              <a className={linkClass} href={`https://${shown.domain}`} target="_blank" rel="noreferrer noopener">
                {shown.domain}
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            </Fact>
          ) : null}
          {shown.industry ? <Fact>{shown.industry}</Fact> : null}
          {shown.size ? <Fact>{shown.size} people</Fact> : null}
          {place ? <Fact>{place}</Fact> : null}
          {owner ? <Fact>Owner: {owner.name}</Fact> : null}
        </>
      }
      actions={canManage ? <DeleteRecord workspaceId={workspaceId} type="companies" name={shown.name} remove={() => deleteCompany(workspaceId, company.id)} /> : null}
      canLog={canEdit}
      properties={
        <PropertiesPanel
          workspaceId={workspaceId}
          editor={editor}
          canEdit={canEdit}
          what="Company"
          sections={[
            { title: 'Company', fields: companyFields.main },
            { title: 'Address', fields: companyFields.address },
            { title: 'More fields', fields: customDefs },
          ]}
        />
      }
      related={
        <>
          <SideCard title="Tags">
            <TagEditor workspaceId={workspaceId} type="companies" recordId={company.id} tags={company.tags} canEdit={canEdit} queryKey={crmKeys.record(workspaceId, 'companies', company.id)} />
          </SideCard>
          <RelatedContacts workspaceId={workspaceId} companyId={company.id} canEdit={canEdit} />
          <RelatedDeals workspaceId={workspaceId} filter={{ companyId: company.id }} prefill={{ companyId: company.id }} canEdit={canEdit} />
          <ShareWithClient workspaceId={workspaceId} recordType="companies" recordId={company.id} />
        </>
      }
    />
  );
}

function RelatedContacts({ workspaceId, companyId, canEdit }: { workspaceId: string; companyId: string; canEdit: boolean }) {
  const [creating, setCreating] = useState(false);
  const people = useQuery({ queryKey: crmKeys.list(workspaceId, 'contacts', { companyId }), queryFn: () => fetchContacts(workspaceId, { companyId, limit: 20 }) });
  return (
    <SideCard
      title="People"
      action={
        canEdit ? (
          <Button variant="ghost" size="sm" onClick={() => setCreating(true)}>
            + Add contact
          </Button>
        ) : null
      }
    >
      {people.isPending ? (
        <SkeletonList rows={2} label="Loading people…" />
      ) : people.isError ? (
        <p className="text-sm text-red-700">{errorMessage(people.error)}</p>
      ) : people.data.items.length === 0 ? (
        <p className="text-sm text-stone-500">Nobody from this company yet.</p>
      ) : (
        <ul className="divide-y divide-stone-100">
          {people.data.items.map((c) => (
            <li key={c.id} className="py-2">
              <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: c.id }} className={linkClass}>
                {contactName(c)}
              </Link>
              {c.title || c.email ? <p className="truncate text-xs text-stone-600">{c.title ?? c.email}</p> : null}
            </li>
          ))}
          {people.data.nextCursor ? <li className="pt-2 text-xs text-stone-500">Showing the 20 newest.</li> : null}
        </ul>
      )}
      <CreateContactDialog workspaceId={workspaceId} open={creating} onClose={() => setCreating(false)} initial={{ companyId }} />
    </SideCard>
  );
}
