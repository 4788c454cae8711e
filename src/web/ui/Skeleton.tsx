/** Grey bars where a list will be, announced as busy. */
export function SkeletonList({ rows = 3, label = 'Loading…' }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-busy="true" aria-label={label} className="space-y-3">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex animate-pulse items-center gap-3 rounded-lg border border-stone-200 bg-white p-4 motion-reduce:animate-none">
          <div className="size-8 rounded-full bg-stone-200" />
          <div className="flex-1 space-y-2">
            <div className="h-3 w-1/3 rounded bg-stone-200" />
            <div className="h-3 w-1/2 rounded bg-stone-100" />
          </div>
        </div>
      ))}
      <span className="sr-only">{label}</span>
    </div>
  );
}
