import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { linkClass } from '../../ui/links';
import { crmKeys, deleteCompany, fetchCompany, fetchContacts, updateCompany, type Company, type CustomField } from './api';
import { RelatedDeals } from './ContactPage';
import { CreateContactDialog } from './CreateContactDialog';
import { companyFields } from './fields';
import { contactName } from './format';
import { rememberLabel } from './RecordPicker';
import { DeleteRecord, Fact, RecordFrame } from './RecordParts';
import { RecordPage, RecordSideCards, RelatedRecords, useRecordView } from './RecordView';

/** CRM-2, CRM-4: one company — summary, properties edited in place, its timeline, tags, people and deals. */
export function CompanyPage() {
  const { workspaceId, companyId } = useParams({ from: '/w/$workspaceId/companies/$companyId' });
  return (
    <RecordPage workspaceId={workspaceId} type="companies" recordId={companyId} load={fetchCompany}>
      {(company, custom) => <CompanyView workspaceId={workspaceId} company={company} custom={custom} />}
    </RecordPage>
  );
}

function CompanyView({ workspaceId, company, custom }: { workspaceId: string; company: Company; custom: CustomField[] }) {
  rememberLabel(company.id, company.name);
  const { canEdit, canManage, shown, owner, properties } = useRecordView<Company>({
    workspaceId,
    type: 'companies',
    record: company,
    custom,
    sections: [
      { title: 'Company', fields: companyFields.main },
      { title: 'Address', fields: companyFields.address },
    ],
    save: (body) => updateCompany(workspaceId, company.id, body as Parameters<typeof updateCompany>[2]),
    what: 'Company',
  });
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
      properties={properties}
      related={
        <RecordSideCards workspaceId={workspaceId} type="companies" record={company} canEdit={canEdit}>
          <RelatedContacts workspaceId={workspaceId} companyId={company.id} canEdit={canEdit} />
          <RelatedDeals workspaceId={workspaceId} filter={{ companyId: company.id }} prefill={{ companyId: company.id }} canEdit={canEdit} />
        </RecordSideCards>
      }
    />
  );
}

function RelatedContacts({ workspaceId, companyId, canEdit }: { workspaceId: string; companyId: string; canEdit: boolean }) {
  const people = useQuery({ queryKey: crmKeys.list(workspaceId, 'contacts', { companyId }), queryFn: () => fetchContacts(workspaceId, { companyId, limit: 20 }) });
  return (
    <RelatedRecords
      title="People"
      addLabel="+ Add contact"
      loadingLabel="Loading people…"
      emptyText="Nobody from this company yet."
      canEdit={canEdit}
      query={people}
      item={(c) => (
        <>
          <Link to="/w/$workspaceId/contacts/$contactId" params={{ workspaceId, contactId: c.id }} className={linkClass}>
            {contactName(c)}
          </Link>
          {c.title || c.email ? <p className="truncate text-xs text-stone-600">{c.title ?? c.email}</p> : null}
        </>
      )}
      createDialog={(open, onClose) => <CreateContactDialog workspaceId={workspaceId} open={open} onClose={onClose} initial={{ companyId }} />}
    />
  );
}
