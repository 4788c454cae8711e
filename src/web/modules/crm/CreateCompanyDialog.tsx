import { useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { createCompany, type Company } from './api';
import { CreateForm } from './CreateForm';
import { Dialog } from './Dialog';
import { companyFields, customFieldDefs, type FieldDef } from './fields';
import { useMe } from '../accounts/useMe';
import { useCustomFields } from './useCrm';

export function CreateCompanyDialog({ workspaceId, open, onClose }: { workspaceId: string; open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const me = useMe();
  const custom = useCustomFields(workspaceId, 'companies');
  const fields = useMemo(() => [...companyFields.main, ...customFieldDefs<Company>((custom.data ?? []).filter((f) => f.required))] as FieldDef<never>[], [custom.data]);
  return (
    <Dialog open={open} onClose={onClose} title="Add a company" wide>
      <CreateForm
        key={custom.dataUpdatedAt}
        workspaceId={workspaceId}
        type="companies"
        fields={fields}
        initial={{ ownerUserId: me.data?.user?.id ?? '' }}
        create={(body) => createCompany(workspaceId, body as Parameters<typeof createCompany>[1])}
        onCreated={(company) => {
          onClose();
          void navigate({ to: '/w/$workspaceId/companies/$companyId', params: { workspaceId, companyId: company.id } });
        }}
        onCancel={onClose}
        submitLabel="Create company"
      />
    </Dialog>
  );
}
