/** The Kestrel mark: a stylised wing in the accent colour. */
export function Logo({ withName = true, className = '' }: { withName?: boolean; className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold text-stone-900 ${className}`}>
      <svg viewBox="0 0 32 32" aria-hidden="true" className="size-7 shrink-0">
        <rect width="32" height="32" rx="8" className="fill-teal-700" />
        <path d="M7 21c5-1 9-4 12-9l6-4-2 7c-2 5-7 8-13 8l-3-2z" className="fill-white" />
      </svg>
      {withName ? <span className="text-lg tracking-tight">Kestrel</span> : null}
    </span>
  );
}
