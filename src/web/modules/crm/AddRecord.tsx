import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button, buttonClass } from '../../ui/Button';
import type { RecordType } from '../views/api';
import { CreateCompanyDialog } from './CreateCompanyDialog';
import { CreateContactDialog } from './CreateContactDialog';
import { CreateDealDialog } from './CreateDealDialog';
import { pathTo } from './RecordParts';

const nouns: Record<RecordType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

/** "Add contact" (company, deal) with its dialog, and for contacts and companies a way to import a file. */
export function AddRecord({ workspaceId, object, size }: { workspaceId: string; object: RecordType; size?: 'sm' }) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <div className="flex flex-wrap items-center justify-center gap-2">
      <Button size={size} onClick={() => setOpen(true)}>
        Add {nouns[object]}
      </Button>
      {object !== 'deals' ? (
        <Link {...pathTo(`/w/${workspaceId}/import`)} className={buttonClass('secondary', size)}>
          Import
        </Link>
      ) : null}
      {object === 'contacts' ? <CreateContactDialog workspaceId={workspaceId} open={open} onClose={close} /> : null}
      {object === 'companies' ? <CreateCompanyDialog workspaceId={workspaceId} open={open} onClose={close} /> : null}
      {object === 'deals' ? <CreateDealDialog workspaceId={workspaceId} open={open} onClose={close} /> : null}
    </div>
  );
}
