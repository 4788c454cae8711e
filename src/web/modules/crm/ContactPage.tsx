import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { errorMessage } from '../../lib/api';
import { Button } from '../../ui/Button';
import { linkClass } from '../../ui/links';
import { SkeletonList } from '../../ui/Skeleton';
import { crmKeys, deleteContact, fetchContact, fetchDeals, updateContact, type Contact } from './api';
import { CreateDealDialog } from './CreateDealDialog';
import { contactFields, customFieldDefs } from './fields';
import { contactName, formatMoney, lifecycleLabels } from './format';
import { rememberLabel } from './RecordPicker';
import { PropertiesPanel } from './PropertiesPanel';
import { ContactBookings } from '../booking/ContactBookings';
import { ContactDoNotCall } from '../calls/ContactDoNotCall';
import { Badge, DeleteRecord, Fact, RecordFrame, RecordSkeleton, RecordStatus, SideCard } from './RecordParts';
import { AgentPanel } from '../agents/AgentPanel';
import { ScoreBadge } from '../rules/ScoreBadge';
import { ShareWithClient } from '../rules/ShareWithClient';
import { TagEditor } from './TagEditor';
import { useCrmRole, useCustomFields, useOwners } from './useCrm';
import { useRecordEditor } from './useRecordEditor';

/** CRM-1, CRM-4: one contact — summary, properties edited in place, its timeline, tags, company and deals. */
export function ContactPage() {
  const { workspaceId, contactId } = useParams({ from: '/w/$workspaceId/contacts/$contactId' });
  const query = useQuery({ queryKey: crmKeys.record(workspaceId, 'contacts', contactId), queryFn: () => fetchContact(workspaceId, contactId) });
  const fields = useCustomFields(workspaceId, 'contacts');
  if (query.isError) return <RecordStatus error={query.error} type="contacts" />;
  if (query.isPending || fields.isPending) return <RecordSkeleton label="Loading contact…" />;
  return <ContactView workspaceId={workspaceId} contact={query.data} custom={fields.data ?? []} />;
}

function ContactView({ workspaceId, contact, custom }: { workspaceId: string; contact: Contact; custom: NonNullable<ReturnType<typeof useCustomFields>['data']> }) {
  const { canEdit, canManage } = useCrmRole(workspaceId);
  const owners = useOwners(workspaceId);
  const customDefs = useMemo(() => customFieldDefs<Contact>(custom), [custom]);
  const all = useMemo(() => [...contactFields.main, ...contactFields.status, ...contactFields.address, ...customDefs], [customDefs]);
  if (contact.company) rememberLabel(contact.company.id, contact.company.name);
  rememberLabel(contact.id, contactName(contact));
  const editor = useRecordEditor<Contact>({
    record: contact,
    fields: all,
    queryKey: crmKeys.record(workspaceId, 'contacts', contact.id),
    save: (body) => updateContact(workspaceId, contact.id, body as Parameters<typeof updateContact>[2]),
    what: 'Contact',
  });
  const shown = editor.base;
  const name = contactName(shown);
  const owner = owners.data?.find((m) => m.userId === shown.ownerUserId);
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
      properties={
        <PropertiesPanel
          workspaceId={workspaceId}
          editor={editor}
          canEdit={canEdit}
          what="Contact"
          sections={[
            { title: 'Contact', fields: contactFields.main },
            { title: 'Status and ownership', fields: contactFields.status },
            { title: 'Address', fields: contactFields.address },
            { title: 'More fields', fields: customDefs },
          ]}
        />
      }
      more={<AgentPanel workspaceId={workspaceId} subjectType="contacts" subjectId={contact.id} recordName={name} />}
      related={
        <>
          <SideCard title="Tags">
            <TagEditor workspaceId={workspaceId} type="contacts" recordId={contact.id} tags={contact.tags} canEdit={canEdit} queryKey={crmKeys.record(workspaceId, 'contacts', contact.id)} />
          </SideCard>
          <SideCard title="Company">
            {shown.company ? (
              <Link to="/w/$workspaceId/companies/$companyId" params={{ workspaceId, companyId: shown.company.id }} className={linkClass}>
                {shown.company.name}
              </Link>
            ) : (
              <p className="text-sm text-stone-500">Not linked to a company. Pick one under Properties.</p>
            )}
          </SideCard>
          <RelatedDeals workspaceId={workspaceId} filter={{ contactId: contact.id }} prefill={{ contactId: contact.id, companyId: shown.companyId }} canEdit={canEdit} />
          <ContactBookings workspaceId={workspaceId} contactId={contact.id} />
          {canEdit && shown.phone ? <ContactDoNotCall workspaceId={workspaceId} contactId={contact.id} phone={shown.phone} /> : null}
          <ShareWithClient workspaceId={workspaceId} recordType="contacts" recordId={contact.id} />
        </>
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
  const [creating, setCreating] = useState(false);
  const deals = useQuery({ queryKey: crmKeys.list(workspaceId, 'deals', filter), queryFn: () => fetchDeals(workspaceId, { ...filter, limit: 20 }) });
  return (
    <SideCard
      title="Deals"
      action={
        canEdit ? (
          <Button variant="ghost" size="sm" onClick={() => setCreating(true)}>
            + Add deal
          </Button>
        ) : null
      }
    >
      {deals.isPending ? (
        <SkeletonList rows={2} label="Loading deals…" />
      ) : deals.isError ? (
        <p className="text-sm text-red-700">{errorMessage(deals.error)}</p>
      ) : deals.data.items.length === 0 ? (
        <p className="text-sm text-stone-500">No deals yet.</p>
      ) : (
        <ul className="divide-y divide-stone-100">
          {deals.data.items.map((d) => (
            <li key={d.id} className="py-2">
              <Link to="/w/$workspaceId/deals/$dealId" params={{ workspaceId, dealId: d.id }} className={linkClass}>
                {d.name}
              </Link>
              <p className="text-xs text-stone-600">
                {d.stage.name} · {formatMoney(d.amount, d.currency)}
              </p>
            </li>
          ))}
          {deals.data.nextCursor ? <li className="pt-2 text-xs text-stone-500">Showing the 20 newest.</li> : null}
        </ul>
      )}
      <CreateDealDialog workspaceId={workspaceId} open={creating} onClose={() => setCreating(false)} initial={prefill} />
    </SideCard>
  );
}
