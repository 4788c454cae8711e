import type { Import } from './api';
import { formatCount } from './labels';
import { ProgressBar } from './ProgressBar';
import { Card } from '../../ui/PageHeading';

/** CRM-7: live progress of a queued or running import (the page polls every second). */
export function ImportProgress({ imp }: { imp: Import }) {
  const total = imp.rowsTotal;
  const fraction = imp.status === 'queued' ? 0 : imp.phase === 'merging' ? null : total ? Math.min(0.99, imp.rowsProcessed / total) : null;
  const detail =
    imp.status === 'queued'
      ? 'Waiting to start…'
      : imp.phase === 'merging'
        ? `All ${formatCount(imp.rowsProcessed)} rows read; saving them…`
        : `${formatCount(imp.rowsProcessed)}${total ? ` of about ${formatCount(total)}` : ''} rows`;
  return (
    <Card labelledBy="import-progress">
      <h2 id="import-progress" className="mb-4 text-lg font-semibold text-stone-900">
        {imp.status === 'queued' ? 'Queued' : 'Importing…'}
      </h2>
      <div aria-live="polite">
        <ProgressBar value={fraction} label="Import progress" detail={detail} />
      </div>
      <p className="mt-4 text-sm text-stone-600">
        You can leave this page; the import carries on. Nothing is saved until every row is read, so a failure leaves your records as they were.
      </p>
    </Card>
  );
}
