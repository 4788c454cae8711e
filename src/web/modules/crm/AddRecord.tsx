import { Link } from '@tanstack/react-router';
import { lazy, Suspense, useState } from 'react';
import { Button, buttonClass } from '../../ui/Button';
import type { RecordType } from '../views/api';

const nouns: Record<RecordType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

// The create dialogs (and the record parts, pickers and activity items they bring) load when
// first wanted, not with the list pages: the contacts page's first load stays under 200 kB (issue 14).
const loadContact = () => import('./CreateContactDialog');
const loadCompany = () => import('./CreateCompanyDialog');
const loadDeal = () => import('./CreateDealDialog');
const CreateContactDialog = lazy(() => loadContact().then((m) => ({ default: m.CreateContactDialog })));
const CreateCompanyDialog = lazy(() => loadCompany().then((m) => ({ default: m.CreateCompanyDialog })));
const CreateDealDialog = lazy(() => loadDeal().then((m) => ({ default: m.CreateDealDialog })));
const preload: Record<RecordType, () => Promise<unknown>> = { contacts: loadContact, companies: loadCompany, deals: loadDeal };

/** "Add contact" (company, deal) with its dialog, and for contacts and companies a way to import a file. */
export function AddRecord({ workspaceId, object, size }: { workspaceId: string; object: RecordType; size?: 'sm' }) {
  const [open, setOpen] = useState(false);
  // Mounted from the first opening on, so closing keeps the dialog's own focus return.
  const [wanted, setWanted] = useState(false);
  const close = () => setOpen(false);
  // A pointer on its way to the button, or focus on it, fetches the dialog's code ahead of the click.
  const warm = () => void preload[object]();
  return (
    <div className="flex flex-wrap items-center justify-center gap-2">
      <Button
        size={size}
        onPointerEnter={warm}
        onFocus={warm}
        onClick={() => {
          setWanted(true);
          setOpen(true);
        }}
      >
        Add {nouns[object]}
      </Button>
      {object !== 'deals' ? (
        <Link to={`/w/${workspaceId}/import` as '/'} className={buttonClass('secondary', size)}>
          Import
        </Link>
      ) : null}
      {wanted ? (
        <Suspense fallback={null}>
          {object === 'contacts' ? <CreateContactDialog workspaceId={workspaceId} open={open} onClose={close} /> : null}
          {object === 'companies' ? <CreateCompanyDialog workspaceId={workspaceId} open={open} onClose={close} /> : null}
          {object === 'deals' ? <CreateDealDialog workspaceId={workspaceId} open={open} onClose={close} /> : null}
        </Suspense>
      ) : null}
    </div>
  );
}
