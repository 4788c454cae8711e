export function Spinner({ label, className = '' }: { label?: string; className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 ${className}`}>
      <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-r-transparent motion-reduce:animate-none" />
      {label ? <span>{label}</span> : null}
    </span>
  );
}

/** A full-area loading state that tells assistive technology something is on its way. */
export function LoadingBlock({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" aria-busy="true" className="flex items-center justify-center py-16 text-stone-500">
      <Spinner label={label} />
    </div>
  );
}
