import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { linkClass } from '../../ui/links';
import { crmKeys, deleteContact, fetchContact, fetchDeals, updateContact, type Contact, type CustomField } from './api';
import { CreateDealDialog } from './CreateDealDialog';
import { contactFields } from './fields';
import { contactName, formatMoney, lifecycleLabels } from './format';
import { rememberLabel } from './RecordPicker';
import { ContactBookings } from '../booking/ContactBookings';
import { ContactDoNotCall } from '../calls/ContactDoNotCall';
import { Badge, DeleteRecord, Fact, RecordFrame } from './RecordParts';
import { CompanyCard, RecordPage, RecordSideCards, RelatedRecords, useRecordView } from './RecordView';
import { AgentPanel } from '../agents/AgentPanel';
import { ScoreBadge } from '../rules/ScoreBadge';

/** CRM-1, CRM-4: one contact — summary, properties edited in place, its timeline, tags, company and deals. */
export function ContactPage() {
  const { workspaceId, contactId } = useParams({ from: '/w/$workspaceId/contacts/$contactId' });
  return (
    <RecordPage workspaceId={workspaceId} type="contacts" recordId={contactId} load={fetchContact}>
      {(contact, custom) => <ContactView workspaceId={workspaceId} contact={contact} custom={custom} />}
    </RecordPage>
  );
}

function ContactView({ workspaceId, contact, custom }: { workspaceId: string; contact: Contact; custom: CustomField[] }) {
  if (contact.company) rememberLabel(contact.company.id, contact.company.name);
  rememberLabel(contact.id, contactName(contact));
  const { canEdit, canManage, shown, owner, properties } = useRecordView<Contact>({
    workspaceId,
    type: 'contacts',
    record: contact,
    custom,
    sections: [
      { title: 'Contact', fields: contactFields.main },
      { title: 'Status and ownership', fields: contactFields.status },
      { title: 'Address', fields: contactFields.address },
    ],
    save: (body) => updateContact(workspaceId, contact.id, body as Parameters<typeof updateContact>[2]),
    what: 'Contact',
  });
  const name = contactName(shown);
  return (
    <RecordFrame
      workspaceId={workspaceId}
      type="contacts"
      recordId={contact.id}
      title={name}
      facts={
        <>
          <Badge className="bg-teal-50 text-teal-900 ring-teal-200">{lifecycleLabels[shown.lifecycle]}</Badge>
          {shown.title || shown.company ? (
            <Fact>
              {[shown.title, shown.company?.name].filter(Boolean).join(' at ')}
            </Fact>
          ) : null}
          {shown.email ? (
            <Fact>
              <a className={linkClass} href={`mailto:${shown.email}`}>
                {shown.email}
              </a>
            </Fact>
          ) : null}
          {shown.phone ? (
            <Fact>
              <a className={linkClass} href={`tel:${shown.phone}`}>
                {shown.phone}
              </a>
            </Fact>
          ) : null}
          {owner ? <Fact>Owner: {owner.name}</Fact> : null}
          <ScoreBadge workspaceId={workspaceId} contactId={contact.id} version={shown.version} />
          {shown.restricted ? <Badge className="bg-amber-50 text-amber-900 ring-amber-200">Processing restricted</Badge> : null}
        </>
      }
      actions={canManage ? <DeleteRecord workspaceId={workspaceId} type="contacts" name={name} remove={() => deleteContact(workspaceId, contact.id)} /> : null}
      canLog={canEdit}
      properties={properties}
      more={<AgentPanel workspaceId={workspaceId} subjectType="contacts" subjectId={contact.id} recordName={name} />}
      related={
        <RecordSideCards workspaceId={workspaceId} type="contacts" record={contact} canEdit={canEdit}>
          <CompanyCard workspaceId={workspaceId} company={shown.company} none="Not linked to a company. Pick one under Properties." />
          <RelatedDeals workspaceId={workspaceId} filter={{ contactId: contact.id }} prefill={{ contactId: contact.id, companyId: shown.companyId }} canEdit={canEdit} />
          <ContactBookings workspaceId={workspaceId} contactId={contact.id} />
          {canEdit && shown.phone ? <ContactDoNotCall workspaceId={workspaceId} contactId={contact.id} phone={shown.phone} /> : null}
        </RecordSideCards>
      }
    />
  );
}

/** Deals of a contact or company, with a quick way to add one already linked. */
export function RelatedDeals({
  workspaceId,
  filter,
  prefill,
  canEdit,
}: {
  workspaceId: string;
  filter: { contactId?: string; companyId?: string };
  prefill: { contactId?: string | null; companyId?: string | null };
  canEdit: boolean;
}) {
  const deals = useQuery({ queryKey: crmKeys.list(workspaceId, 'deals', filter), queryFn: () => fetchDeals(workspaceId, { ...filter, limit: 20 }) });
  return (
    <RelatedRecords
      title="Deals"
      addLabel="+ Add deal"
      loadingLabel="Loading deals…"
      emptyText="No deals yet."
      canEdit={canEdit}
      query={deals}
      item={(d) => (
        <>
          <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: d.id }} className={linkClass}>
            {d.name}
          </Link>
          <p className="text-xs text-stone-600">
            {d.stage.name} · {formatMoney(d.amount, d.currency)}
          </p>
        </>
      )}
      createDialog={(open, onClose) => <CreateDealDialog workspaceId={workspaceId} open={open} onClose={onClose} initial={prefill} />}
    />
  );
}
