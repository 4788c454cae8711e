import { useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { lifecycleStages } from '../../../server/modules/crm/crm.contract';
import { createContact, type Contact } from './api';
import { CreateForm } from './CreateForm';
import { Dialog } from './Dialog';
import { contactFields, customFieldDefs, splitLines, type FieldDef, type FormValue } from './fields';
import { lifecycleLabels } from './format';
import { useMe } from '../accounts/useMe';
import { useCustomFields } from './useCrm';

const pick = (key: string) => contactFields.main.concat(contactFields.status).find((f) => f.key === key)!;

/** The fields a new contact starts with; the rest are on the contact's page. */
const newContactFields: FieldDef<Contact>[] = [
  pick('firstName'),
  pick('lastName'),
  {
    key: 'emails',
    label: 'Email',
    input: 'email',
    read: () => '',
    toApi: (v: FormValue) => splitLines(v).map((e) => e.toLowerCase()),
    check: (v: FormValue) => (typeof v === 'string' && v.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? 'Enter an email address like name@example.com.' : null),
  },
  { key: 'phones', label: 'Phone', input: 'tel', read: () => '', toApi: (v: FormValue) => splitLines(v) },
  pick('title'),
  pick('companyId'),
  { ...pick('lifecycle'), options: lifecycleStages.map((v) => ({ value: v, label: lifecycleLabels[v] })) },
  pick('ownerUserId'),
];

export function CreateContactDialog({ workspaceId, open, onClose, initial = {} }: { workspaceId: string; open: boolean; onClose: () => void; initial?: { companyId?: string } }) {
  const navigate = useNavigate();
  const me = useMe();
  const custom = useCustomFields(workspaceId, 'contacts');
  // Required custom fields must be filled in from the start; the server refuses the contact otherwise.
  const fields = useMemo(() => [...newContactFields, ...customFieldDefs<Contact>((custom.data ?? []).filter((f) => f.required))] as FieldDef<never>[], [custom.data]);
  return (
    <Dialog open={open} onClose={onClose} title="Add a contact" description="A name, an email or a phone is enough; add the rest later." wide>
      <CreateForm
        key={custom.dataUpdatedAt}
        workspaceId={workspaceId}
        type="contacts"
        fields={fields}
        initial={{ lifecycle: 'lead', companyId: initial.companyId ?? '', ownerUserId: me.data?.user?.id ?? '' }}
        create={(body) => createContact(workspaceId, body as Parameters<typeof createContact>[1])}
        onCreated={(contact) => {
          onClose();
          void navigate({ to: '/w/$workspaceId/contacts/$contactId', params: { workspaceId, contactId: contact.id } });
        }}
        onCancel={onClose}
        submitLabel="Create contact"
      />
    </Dialog>
  );
}
