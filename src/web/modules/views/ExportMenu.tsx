import { useState } from 'react';
import { errorMessage } from '../../lib/api';
import { announce } from '../../ui/Announcer';
import { buttonClass } from '../../ui/Button';
import { DropdownPanel, useDisclosure } from '../../ui/Disclosure';
import { useMe } from '../accounts/useMe';
import { downloadExport, exportLink, type ViewDefinition } from './api';

/**
 * CRM-8: the view on screen as CSV or JSON. An unchanged saved view downloads through a link
 * (the browser streams it straight to disk); an edited one is posted as it stands.
 */
export function ExportMenu({ workspaceId, view, savedViewId, dirty }: { workspaceId: string; view: ViewDefinition; savedViewId: string | null; dirty: boolean }) {
  const menu = useDisclosure();
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (format: 'csv' | 'json') => {
    setError(null);
    setBusy(true);
    try {
      await downloadExport(workspaceId, format, view, me.data?.csrfToken ?? null);
      announce('Export downloaded.');
      menu.close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const item = 'block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-stone-100 disabled:text-stone-400';
  return (
    <div className="relative">
      <button {...menu.buttonProps} className={buttonClass('secondary', 'sm')}>
        {busy ? 'Exporting…' : 'Export'}
      </button>
      <DropdownPanel open={menu.open} panelProps={menu.panelProps} label="Export" align="right">
        <p className="px-3 pt-2 pb-1 text-xs text-stone-500">Every row of this view, with its columns.</p>
        {savedViewId && !dirty ? (
          <>
            <a className={item} href={exportLink(workspaceId, 'csv', { viewId: savedViewId })} download onClick={menu.close}>
              CSV (spreadsheet)
            </a>
            <a className={item} href={exportLink(workspaceId, 'json', { viewId: savedViewId })} download onClick={menu.close}>
              JSON
            </a>
          </>
        ) : (
          <>
            <button type="button" className={item} disabled={busy} onClick={() => void run('csv')}>
              CSV (spreadsheet)
            </button>
            <button type="button" className={item} disabled={busy} onClick={() => void run('json')}>
              JSON
            </button>
          </>
        )}
        {error ? (
          <p role="alert" className="px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </DropdownPanel>
    </div>
  );
}
