import type { BulkOperation } from './api';

/** CRM-9: how far a bulk operation has got, as a progress bar a screen reader can follow. */
export function BulkProgress({ op, noun }: { op: BulkOperation; noun: string }) {
  const handled = op.done + op.failed;
  const percent = op.status === 'done' ? 100 : op.total ? Math.min(100, Math.round((handled / op.total) * 100)) : 0;
  const label =
    op.status === 'done'
      ? `Done: ${op.done.toLocaleString()} of ${op.total.toLocaleString()} ${noun}${op.failed ? `, ${op.failed.toLocaleString()} could not be changed` : ''}.`
      : op.status === 'failed'
        ? `Stopped after ${handled.toLocaleString()} of ${op.total.toLocaleString()} ${noun}. ${op.error ?? ''}`
        : op.status === 'queued'
          ? `Waiting to start on ${op.total.toLocaleString()} ${noun}…`
          : `Working: ${handled.toLocaleString()} of ${op.total.toLocaleString()} ${noun}…`;
  return (
    <div className="min-w-48 flex-1">
      <div
        role="progressbar"
        aria-label={`Bulk change of ${noun}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={label}
        className="h-2 w-full overflow-hidden rounded-full bg-stone-200"
      >
        <div className={`h-full transition-[width] motion-reduce:transition-none ${op.status === 'failed' ? 'bg-red-600' : 'bg-teal-700'}`} style={{ width: `${percent}%` }} />
      </div>
      <p className={`mt-1 text-xs ${op.status === 'failed' || op.failed ? 'text-red-700' : 'text-stone-600'}`}>{label}</p>
    </div>
  );
}
