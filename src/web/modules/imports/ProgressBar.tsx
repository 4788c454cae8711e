/** A labelled progress bar; without a value it shows that work goes on without a known end. */
export function ProgressBar({ value, label, detail }: { value: number | null; label: string; detail?: string }) {
  const pct = value === null ? null : Math.max(0, Math.min(100, Math.round(value * 100)));
  return (
    <div>
      <div className="mb-1 flex flex-wrap justify-between gap-2 text-sm">
        <span className="font-medium text-stone-800">{label}</span>
        {detail ? <span className="text-stone-600">{detail}</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct === null ? {} : { 'aria-valuenow': pct })}
        aria-valuetext={detail}
        className="h-3 overflow-hidden rounded-full bg-stone-200"
      >
        <div className={`h-full rounded-full bg-teal-600 transition-[width] ${pct === null ? 'w-1/3 animate-pulse' : ''}`} style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
    </div>
  );
}
